import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.errors import UserError
from tm.text.files import decode, read_text
from tm.text.normalize import count_ruby, find_in_original, loose_key, matching_key, strip_ruby, surface

PINYIN_RE = re.compile(r"\((?:[a-zü]|[\u00c0-\u024f])+\)")


def test_seed_loses_all_397_annotations_and_nothing_else(seed_text):
    stripped, removed = count_ruby(seed_text)
    assert removed == 397
    assert stripped == PINYIN_RE.sub("", seed_text)
    assert "(" not in stripped


@pytest.mark.parametrize(
    "text",
    [
        "上海合作組織(SCO)",
        "成立(2020)年",
        "記者(新華社)報道",
        "會議(meeting)",
        "國(xíng)",
        "行(hang2x)",
    ],
)
def test_non_readings_stay(text):
    assert strip_ruby(text) == text


@pytest.mark.parametrize(
    "given_text, expected",
    [
        ("國(guó)務", "國務"),
        ("三股勢(shì)力", "三股勢力"),
        ("重(zhong4)要", "重要"),
        ("行(háng)(xíng)", "行"),
        ("國（guó）家", "國家"),
        ("綠(lv4)色", "綠色"),
    ],
)
def test_valid_readings_go(given_text, expected):
    assert strip_ruby(given_text) == expected


def test_one_key_for_annotated_traditional_and_simplified():
    assert matching_key("三股勢(shì)力") == matching_key("三股勢力") == matching_key("三股势力") == "三股势力"


def test_key_folds_width_space_and_leftovers():
    assert matching_key("ＳＣＯ，新型國際關系  是") == "SCO,新型国际关系是"
    assert loose_key(matching_key("Ｈｅｌｌｏ，世界！")) == "hello世界"


def test_spans_point_into_the_original():
    text = "合力打擊“三股勢(shì)力”,共同 三股势力"
    assert [text[a:b] for a, b in find_in_original(text, matching_key("三股勢力"))] == [
        "三股勢(shì)力",
        "三股势力",
    ]


pieces = st.sampled_from(
    list("國务務行()háng三股勢势力（）ＡＢａ ,，。.  \t\n7%ＳＣＯ乾干著着") + ["(guó)", "(shì)", "(xíng)"]
)
texts = st.lists(pieces, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_normalization_is_idempotent(text):
    assert matching_key(matching_key(text)) == matching_key(text)
    assert strip_ruby(strip_ruby(text)) == strip_ruby(text)
    assert surface(surface(text)) == surface(text)


def test_utf8_bom_is_dropped():
    assert decode("\ufeff國".encode("utf-8")) == "國"


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_legacy_encodings(encoding):
    assert decode("外長會議".encode(encoding), encoding) == "外長會議"


def test_wrong_encoding_names_the_offset_and_the_option(tmp_path):
    path = tmp_path / "release.txt"
    path.write_bytes("新聞".encode() + "外長".encode("gb18030"))
    with pytest.raises(UserError) as err:
        read_text(path)
    assert "byte offset 6" in str(err.value)
    assert "--encoding" in str(err.value)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_text(tmp_path / "nope.txt")
