"""One pair of files aligned: both read (each in its own encoding) and segmented, their
sentences aligned, and the warnings a pair that looks wrong gets (an empty side, a side in the
wrong language, two documents that are not translations of each other)."""

from __future__ import annotations

from pathlib import Path

from tm.align.aligner import align
from tm.align.io import Aligned
from tm.errors import UserError
from tm.text.files import read_text
from tm.text.normalize import has_han, strip_ruby
from tm.text.segment import segment_text


def align_files(
    zh_file: str, en_file: str, presplit: bool, encodings: tuple[str, str], recognizer=None
) -> tuple[Aligned, list[str]]:
    """Sentences of both files (each in its own encoding), their alignment, and warnings about
    the pair."""
    texts = [
        read_text(zh_file, encodings[0], "--zh-encoding"),
        read_text(en_file, encodings[1], "--en-encoding"),
    ]
    paragraphs = None
    if presplit:
        zh, en = ([line.strip() for line in t.splitlines() if line.strip()] for t in texts)
        zh = [strip_ruby(line) for line in zh]  # interlinear pinyin out, as segmenting does
    else:
        zh_segments, en_segments = segment_text(texts[0], "zh", "zh"), segment_text(texts[1], "en", "en")
        zh, en = [s.clean for s in zh_segments], [s.text for s in en_segments]
        paragraphs = ([s.para for s in zh_segments], [s.para for s in en_segments])
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
    aligned = Aligned(zh, en, links, Path(zh_file).stem, Path(en_file).stem)
    return aligned, warnings
