"""Release documents in the pipeline (Word, HTML, XLIFF; tm.formats.documents reads them): their
blocks segmented as plain-text paragraphs are, proposals an XLIFF file already held, the
placeholder check, and `tm export-doc` writing the translated document in the source's format."""

from __future__ import annotations

import re
from pathlib import Path

from tm.errors import UserError
from tm.formats.inline import balance, placeholder_issue, plain
from tm.text.normalize import normalize_space, strip_ruby
from tm.text.segment import Segment, split_zh

_BRACED = re.compile(r"\{/?\d+/?\}")
SUFFIXES = {"txt": ".txt", "docx": ".docx", "html": ".html", "xliff": ".xlf"}


def paragraphs(fmt: str, blocks: list) -> list[list[tuple[object, str]]]:
    """The document's paragraphs, each a list of (block, its text as segmented), of the blocks
    that hold text: paragraph n of the segment ids is the n-th, on reading and on export alike.
    A block is a paragraph, except in XLIFF, where a block is a segment the CAT tool cut and the
    segments of one unit are a paragraph's sentences."""
    out: list[list[tuple[object, str]]] = []
    unit = None
    for block in blocks:
        text = block.text.strip() if fmt == "docx" else normalize_space(block.text)
        if not plain(text).strip():
            continue
        if fmt == "xliff" and out and block.extra["unit"] is unit:
            out[-1].append((block, text))
        else:
            out.append([(block, text)])
        unit = block.extra.get("unit")
    return out


def document_segments(
    path: Path, name: str, fmt: str, encoding: str = "utf-8", notes: list[str] | None = None
) -> tuple[list[Segment], dict[str, str]]:
    """The segments of a document and the targets its file already proposes (XLIFF), by id;
    what the reader noticed (an XLIFF file from another language) is added to ``notes``."""
    from tm.formats.documents import open_document

    document = open_document(path, fmt, encoding)
    if notes is not None:
        notes.extend(getattr(document, "notes", []))
    proposals: dict[str, str] = {}
    for para, blocks in enumerate(paragraphs(fmt, document.blocks), start=1):
        for index, (block, _) in enumerate(blocks, start=1):
            if block.extra.get("proposal", "").strip():
                proposals[f"{name}:{para}:{index}"] = normalize_space(block.extra["proposal"])
    return _segments(document, name, fmt), proposals


def _segments(document, name: str, fmt: str) -> list[Segment]:
    segments: list[Segment] = []
    for para, blocks in enumerate(paragraphs(fmt, document.blocks), start=1):
        # XLIFF comes segmented by the tool that wrote it; the rest is split here
        sentences = [text for _, text in blocks] if fmt == "xliff" else balance(split_zh(blocks[0][1]))
        for index, sentence in enumerate(sentences, start=1):
            segments.append(Segment(name, para, index, sentence))
    return segments


def _check_same_reading(document, layout, original: Path) -> None:
    """The document must read into the segments the sheet holds: a sheet made by a tm that read
    the file otherwise (an older version) would put its targets into the wrong paragraphs."""

    def shape(text: str) -> str:  # placeholders of either notation aside: earlier sheets said {1}
        return " ".join(_BRACED.sub("", plain(strip_ruby(text))).split())

    if not layout.segments or layout.format not in ("docx", "html"):
        return
    now = [(s.id, shape(s.text)) for s in _segments(document, layout.name, layout.format)]
    if now != [(s.id, shape(s.source)) for s in layout.segments]:
        raise UserError(
            f"{layout.name}: the sheet's segments are not those tm reads from {original} now (the "
            "sheet was made by a version of tm that read this file otherwise); translate it again "
            "and copy the approved targets over, or export .txt"
        )


def keep_proposals(batch) -> None:
    """A target the XLIFF file held stands where the memory had no 100% match (it is a person's
    translation more often than MT is); it is named in the row's QA column for the reviewer."""
    for doc in batch.documents:
        for row in doc.rows:
            proposal = doc.proposals.get(row.id)
            if proposal and row.origin in ("none", "MT", "fuzzy"):
                row.target, row.origin, row.score, row.unit_id = proposal, "none", None, None
                row.issues.append(f"target from {doc.path.name} (kept as a proposal)")


def check_placeholders(batch) -> None:
    """QA: a target whose placeholders differ from its source's."""
    for row in batch.rows:
        issue = placeholder_issue(row.source, row.target)
        if issue:
            row.issues.append(issue)


def suffix_of(layout) -> str:
    """The extension export-doc gives a document: its format's, or for XLIFF the original's own
    (.sdlxliff, .mqxliff, .xlf: the CAT tool opens its file by it)."""
    from tm.formats.documents import EXTENSIONS

    own = Path(layout.file).suffix.lower()
    return own if layout.format == "xliff" and EXTENSIONS.get(own) == "xliff" else SUFFIXES[layout.format]


def output_format(target: Path, layout) -> str:
    """What export-doc writes to ``target``: .txt flattens any source; otherwise the source's own
    format, which the name must agree with."""
    from tm.formats.documents import EXTENSIONS

    named = EXTENSIONS.get(target.suffix.lower())
    if named == "txt":
        return "txt"
    if named != layout.format:
        want = suffix_of(layout)
        raise UserError(
            f"{target}: {layout.name} was read from {layout.file}; write it as {want}"
            + (" or .txt (flattened)" if want != ".txt" else "")
        )
    return named


def _original(sheet, layout) -> tuple[Path | None, bool]:
    """Where the translated original is, and whether its checksum was checked already: where it
    was read, else beside the sheet under its name if it is the file that was translated (a sheet
    and its original sent together to a reviewer on another machine)."""
    from tm.formats.documents import sha256_of

    if layout.source_path and Path(layout.source_path).is_file():
        return Path(layout.source_path), False
    beside = Path(sheet.path).parent / layout.file
    if layout.file and beside.is_file() and (not layout.sha256 or sha256_of(beside) == layout.sha256):
        return beside, True
    return None, False


def export_document(sheet, layout, out: Path, allow_draft: bool, allow_missing: bool) -> list:
    """Write the translated document in its source's format: the original file (which must be
    the one translated: same checksum) with each block's text replaced. Returns what is missing."""
    from tm.formats.atomic import atomic_write
    from tm.formats.documents import open_document, sha256_of
    from tm.workflow.exportdoc import segment_targets

    original, checked = _original(sheet, layout)
    if original is None:
        raise UserError(
            f"{layout.name}: the original {layout.file} is needed to write {out.name} and is neither "
            f"at {layout.source_path or '(no path recorded)'} nor beside the sheet; put it there, or "
            "export .txt"
        )
    if not checked and layout.sha256 and sha256_of(original) != layout.sha256:
        raise UserError(
            f"{original}: changed since the review sheet was made (its checksum differs); restore the "
            "file that was translated, or translate the new one, or export .txt"
        )
    texts, missing = segment_targets(sheet, layout, allow_draft, allow_missing)
    document = open_document(original, layout.format, layout.encoding)
    _check_same_reading(document, layout, original)
    found = paragraphs(layout.format, document.blocks)
    if layout.format == "xliff":  # segment by segment; one tm did not fill stays as the file had it
        left = {m.id for m in missing}
        for segment_id, text in texts.items():
            para, index = (int(n) for n in segment_id.rsplit(":", 2)[1:])
            if segment_id not in left and para <= len(found) and index <= len(found[para - 1]):
                document.write(found[para - 1][index - 1][0], " ".join(text.split()))
    else:
        joined: dict[int, list[str]] = {}
        for segment_id, text in texts.items():
            joined.setdefault(int(segment_id.rsplit(":", 2)[1]), []).append(text)
        untranslated = _untranslated(texts, missing)
        # last first: a block inside another (a text box, an image's alt) is written before its
        # holder copies it
        for para in sorted(joined, reverse=True):
            if para <= len(found) and para not in untranslated:
                document.write(found[para - 1][0][0], " ".join(" ".join(t.split()) for t in joined[para]))
    with atomic_write(out, "wb") as handle:
        document.save(handle)
    return missing


def _untranslated(texts: dict[str, str], missing: list) -> set[int]:
    """Paragraphs none of whose segments has a translation (--allow-missing): left as they are,
    markup and all (a ruby's reading, the original spacing), rather than rewritten in Chinese."""
    gone = {m.id for m in missing}
    paragraphs: dict[int, bool] = {}
    for segment_id in texts:
        para = int(segment_id.rsplit(":", 2)[1])
        paragraphs[para] = paragraphs.get(para, True) and segment_id in gone
    return {para for para, none in paragraphs.items() if none}


def formatting_left_out(sheet, layout) -> list[str]:
    """Ids of the document's usable rows whose target lacks placeholders of its source, or holds
    pairs out of order: their links, bold runs or breaks were not written back (the writer
    cannot guess where they go)."""
    from tm.formats.inline import misnested, tags_of

    rows = [r for r in sheet.usable if r.document == layout.name and r.target]
    return [r.id for r in rows if tags_of(r.source) - tags_of(r.target) or misnested(r.target)]
