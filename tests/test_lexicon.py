"""CC-CEDICT evidence for alignment: glosses, and the word-by-word gloss translation."""

import re

from tm.align.lexicon import chinese_glosses, english_words, gloss_translation


def test_glosses_of_a_sentence_meet_its_translation():
    glosses = chinese_glosses("外長們強調，要繼續加強安全合作。")
    english = english_words("The foreign ministers stressed the need to strengthen security cooperation.")
    assert {"foreign", "minister", "security", "cooperation", "strengthen"} <= glosses & english


def test_gloss_translation_is_english_word_by_word():
    text = gloss_translation("外长们强调，要继续加强安全合作。")
    assert not re.search(r"[\u3400-\u9fff，。]", text)  # no Chinese characters or punctuation left
    assert text.startswith("foreign minister")
    assert "cooperate" in text and text.endswith(".")
    assert "marker" not in text  # 们 is grammar, not a word to render


def test_gloss_translation_gives_names_in_pinyin():
    # 陈 is described by a proper name (a Zhou dynasty state): a surname here
    assert gloss_translation("陈清扬说").startswith("Chen ")


def test_traditional_and_simplified_read_alike():
    assert gloss_translation("外長們強調") == gloss_translation("外长们强调")
