"""Every zh→en file of the corpus of files other tools wrote (issue 21) round-trips through tm
whole, or is refused clearly: nothing else. The checks are bench/foreign_roundtrip.py's
(tests/roundtrip_*.py); without the corpus (shared/foreign) these tests are skipped.

KNOWN lists the files that are "anything else" on main today, with the first reason, as strict
expected failures: a fix that makes one whole fails here until its line is removed, so the list
always says where tm stands. `python bench/foreign_roundtrip.py` prints every reason."""

from __future__ import annotations

import pytest

from .foreign_corpus import corpus_dir
from .roundtrip_cli import ELSE
from .roundtrip_corpus import corpus_files, round_trip

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (CORPUS / "README.md").is_file(), reason=f"no corpus at {CORPUS} (shared/foreign)"
)

KNOWN = {
    "docx/SampleRuby.zh-en.docx": "ruby base text left in Chinese",
    "docx/comments.zh-en.docx": "comment anchors moved",
    "docx/quickparts_fields.zh-en.docx": "Chinese field result in no row",
    "docx/tracked_changes.zh-en.docx": "<w:ins> around inserted text lost",
    "html/FFFEBOM.zh-en.html": "lang added to <html>",
    "html/ruby.zh-en.html": "a <meta> added; ruby base text left in Chinese",
    "html/simpleTest.zh-en.html": "text after a list in no row",
    "html/translate2html.zh-en.html": "whitespace reformatted; translate=no text in a row",
    "html/translate7html.zh-en.html": "ITS translateRule text in a row",
    "html/withEncoding.zh-en.html": "a line break after <br> became a space",
    "tbx/TBX-basic-sample.zh-en.tbx": "deprecated Chinese terms not kept",
    "tmx/ImportTest2A.zh-en.tmx": "inline codes lost",
    "tmx/Paragraph_TM.zh-en.tmx": "inline codes, tuid and props lost",
    "tmx/header_with_prop_and_note.zh-en.tmx": "inline codes lost",
    "xliff12/FFFEBOM15992.zh-en.sdlxliff": "seg-source segments are not rows; .sdlxliff not written",
    "xliff12/SampleRuby.docx.zh-en.xliff": "seg-source segments are not rows",
    "xliff12/StatusSample.docx.zh-en.xlf": "target-language en-US → en",
    "xliff12/Test_Context_and_PH.zh-en.xlf": "target-language en-US → en",
    "xliff12/file-with-notes-converted-nobase64.zh-en.xliff": "seg-source segments are not rows",
    "xliff12/piazza.zh-en.sdlxliff": "seg-source segments are not rows; .sdlxliff not written",
    "xliff12/test.txt_en-US_fr-FR.zh-en.sdlxliff": "seg-source segments are not rows; .sdlxliff not written",
    "xliff12/test.zh-en.mxliff": ".mxliff not written",
    "xliff12/test1.docx.zh-en.sdlxliff": "seg-source segments are not rows; .sdlxliff not written",
    "xliff12/test3_pt_BZ.zh-en.xlf": "target-language en-US → en",
    "xliff12/test_document_memoQ_bilingual.zh-en.mqxliff": ".mqxliff not written",
    "xliff12/test_meta.zh-en.mxliff": ".mxliff not written",
    "xliff12/tracked_changes.docx.zh-en.xliff": "seg-source segments are not rows",
    "xliff12/xliff12-with-segment-state.zh-en.xliff": "seg-source segments are not rows",
    "xliff20/comprehensive_data_input.zh-en.xlf": "translate=no on <file> not followed",
    "xliff20/uber-v2.zh-en.xliff": "trgLang en-US → en",
    "xliff20/xliff-20-with-mda.zh-en.xlf": "trgLang en-US → en",
}


def _name(path) -> str:
    return f"{path.parent.name}/{path.name}"


FILES = [
    pytest.param(
        p,
        id=_name(p),
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN[_name(p)])] if _name(p) in KNOWN else [],
    )
    for p in (corpus_files(CORPUS) if CORPUS.is_dir() else [])
]


@pytest.mark.parametrize("path", FILES)
def test_each_file_round_trips_whole_or_is_refused_clearly(path):
    outcome = round_trip(path)
    assert outcome.verdict != ELSE, "\n".join(outcome.reasons)


def test_known_lists_only_files_of_the_corpus():
    assert set(KNOWN) <= {_name(p) for p in corpus_files(CORPUS)}
