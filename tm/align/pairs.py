"""One pair of files aligned: both read (each in its own encoding) and segmented, their
sentences aligned, and the warnings a pair that looks wrong gets (an empty side, a side in the
wrong language, two documents that are not translations of each other)."""

from __future__ import annotations

from pathlib import Path

from tm.align.aligner import align
from tm.align.io import Aligned
from tm.errors import UserError
from tm.formats.documents import format_of, open_document
from tm.formats.inline import plain
from tm.text.files import read_text
from tm.text.langs import document_name
from tm.text.normalize import has_han, strip_ruby
from tm.text.segment import segment_text


def read_sentences(path: str | Path, lang: str, presplit: bool, encoding: str) -> tuple[list[str], list[int]]:
    """The sentences of one side (segmented, or one per line with ``presplit``) and the paragraph
    of each. A Word, HTML or XLIFF release is read as its paragraphs (formatting left out)."""
    fmt = format_of(path)
    if fmt != "txt":
        text = "\n".join(
            plain(block.text)
            for block in open_document(path, fmt, encoding).blocks
            if plain(block.text).strip()
        )
    else:
        text = read_text(path, encoding, "--zh-encoding" if lang == "zh" else "--en-encoding")
    if presplit:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lang == "zh":
            lines = [strip_ruby(line) for line in lines]  # interlinear pinyin out, as segmenting does
        return lines, list(range(len(lines)))
    segments = segment_text(text, lang, lang)
    return [s.clean if lang == "zh" else s.text for s in segments], [s.para for s in segments]


def align_files(
    zh_file: str, en_file: str, presplit: bool, encodings: tuple[str, str], recognizer=None
) -> tuple[Aligned, list[str]]:
    """Sentences of both files (each in its own encoding), their alignment, and warnings about
    the pair."""
    zh, zh_paragraphs = read_sentences(zh_file, "zh", presplit, encodings[0])
    en, en_paragraphs = read_sentences(en_file, "en", presplit, encodings[1])
    paragraphs = None if presplit else (zh_paragraphs, en_paragraphs)
    for name, side in ((zh_file, zh), (en_file, en)):
        if not side:
            raise UserError(f"{name}: no sentences to align")
    links = align(zh, en, paragraphs=paragraphs, recognizer=recognizer)
    warnings = []
    chinese_share = sum(has_han(s) for s in en) / len(en)
    if chinese_share > 0.5:
        warnings.append(f"{en_file} looks Chinese ({chinese_share:.0%} of its sentences), not English")
    if sum(not has_han(s) for s in zh) / len(zh) > 0.5:
        warnings.append(f"{zh_file} does not look Chinese")
    paired = [k.score for k in links if k.zh and k.en]
    mean = sum(paired) / len(paired) if paired else 0.0
    unaligned = sum(1 for k in links if not k.zh or not k.en) / len(links)
    if mean < 0.35 or unaligned > 0.3:
        warnings.append(
            f"these look like different documents: mean link confidence {mean:.2f}, "
            f"{unaligned:.0%} of links leave a sentence unaligned"
        )
    aligned = Aligned(zh, en, links, document_name(zh_file), Path(en_file).stem)
    return aligned, warnings
