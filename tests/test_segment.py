from pathlib import Path

import pytest

from tm.text.segment import segment_text, split_en, split_zh

GOLDEN = Path(__file__).parent / "golden" / "seed_segments.tsv"


def test_seed_matches_the_reviewed_golden_segmentation(seed_text):
    expected = [line.split("\t", 1) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    got = [[f"{s.para}:{s.index}", s.clean] for s in segment_text(seed_text, "seed")]
    assert got == expected
    assert len(got) == 68
    assert got[-1][0].startswith("21:")


def test_segments_keep_the_text_as_given(seed_text):
    first = segment_text(seed_text, "seed")[0]
    assert "國(guó)務" in first.text and "國務" in first.clean
    assert first.id == "seed:1:1"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("他說:“我們會來。”然後離開了。", ["他說:“我們會來。”", "然後離開了。"]),
        ("增長7.5%,時間是10:30。好嗎?好!", ["增長7.5%,時間是10:30。", "好嗎?", "好!"]),
        ("等等……然後呢？結束；再見", ["等等……", "然後呢？", "結束；", "再見"]),
        ("（這是括號。）下一句。", ["（這是括號。）", "下一句。"]),
    ],
)
def test_chinese_sentences(text, expected):
    assert split_zh(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Mr. Wang met Dr. Lavrov on Sept. 16 in Moscow. They talked.",
            ["Mr. Wang met Dr. Lavrov on Sept. 16 in Moscow.", "They talked."],
        ),
        (
            "Growth was 7.5 percent in the U.S. economy. No. 5 is next.",
            ["Growth was 7.5 percent in the U.S. economy.", "No. 5 is next."],
        ),
        (
            'J. K. Rowling wrote, e.g. books. "Go now." Then he left.',
            ["J. K. Rowling wrote, e.g. books.", '"Go now."', "Then he left."],
        ),
        (
            "It began at 10 a.m. The talks ended at 5 p.m. on Friday.",
            ["It began at 10 a.m.", "The talks ended at 5 p.m. on Friday."],
        ),
        ("Why? Because it works! Right.", ["Why?", "Because it works!", "Right."]),
    ],
)
def test_english_sentences(text, expected):
    assert split_en(text) == expected


def test_paragraph_modes():
    text = "First line\nwrapped here.\n\nSecond para."
    assert [s.para for s in segment_text(text, "d", "en")] == [1, 2, 3]
    assert [(s.para, s.text) for s in segment_text(text, "d", "en", "blank")] == [
        (1, "First line wrapped here."),
        (2, "Second para."),
    ]
