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

KNOWN: dict[str, str] = {}  # none left: every file round-trips whole or is refused clearly


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
