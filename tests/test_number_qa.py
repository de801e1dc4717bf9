"""Number QA against forms as they occur in Chinese official releases and their English versions."""

import pytest

from glossary.match import Recognizer
from glossary.model import Entry
from glossary.qa import Pair, check_document, check_pair
from tm.text.numbers import missing_numbers

# (source fragment, English rendering): correct translations, none may be flagged.
CORRECT = [
    ("国内生产总值超过100万亿元", "GDP exceeded 100 trillion yuan"),
    ("进出口总额11.6万亿元", "total imports and exports of 11.6 trillion yuan"),
    ("进出口总额11.6万亿元", "total imports and exports of 11,600 billion yuan"),
    ("金額達1.2兆元", "a value of 1.2 trillion yuan"),
    ("1.5億人", "150 million people"),
    ("3000萬人次", "30 million passenger trips"),
    ("新增就业2.3万人", "23,000 new jobs"),
    ("新增就业2.3万人", "23 thousand new jobs"),
    ("1300多万人", "more than 13 million people"),
    ("3千万元", "30 million yuan"),
    ("十四亿中国人民", "the 1.4 billion Chinese people"),
    ("三亿五千万", "350 million"),
    ("一万亿元", "one trillion yuan"),
    ("降低百分之二十", "a cut of 20 percent"),
    ("降低百分之二十", "a cut of 20%"),
    ("降低百分之二十", "a cut of twenty percent"),
    ("百分之20", "20 per cent"),
    ("增长百分之二十五点五", "grew 25.5 percent"),
    ("百分之百", "100 percent"),
    ("千分之五", "0.5 percent"),
    ("千分之五", "5 per thousand"),
    ("下降0.3个百分点", "fell by 0.3 percentage points"),
    ("增长三点五", "grew 3.5"),
    ("增长三点五倍", "grew 3.5 times"),
    ("第十三届全国人民代表大会", "the 13th National People's Congress"),
    ("十三届全国人大四次会议", "the fourth session of the 13th National People's Congress"),
    ("第七十五届联合国大会", "the 75th session of the UN General Assembly"),
    ("“十四五”规划", "the 14th Five-Year Plan"),
    ("十四五时期", "the 14th Five-Year Plan period"),
    ("“十三五”圆满收官", "the 13th Five-Year Plan was completed"),
    ("十九届五中全会", "the fifth plenary session of the 19th CPC Central Committee"),
    ("党的十八届三中全会", "the Third Plenary Session of the 18th CPC Central Committee"),
    ("第二次会议", "the second meeting"),
    ("新华社北京9月16日电", "Beijing, September 16 (Xinhua)"),
    ("胜利75周年", "the 75th anniversary of the victory"),
    ("胜利七十五周年", "the seventy-fifth anniversary of the victory"),
    ("批准20多项文件", "approved more than 20 documents"),
    ("两国关系", "relations between the two countries"),
    ("一百二十个国家", "one hundred and twenty countries"),
    ("1000个项目", "a thousand projects"),
    ("1,000个项目", "1,000 projects"),
    ("几十个国家", "dozens of countries"),
    ("数百万人", "millions of people"),
    ("上百家企业", "hundreds of companies"),
    ("数十万人", "hundreds of thousands of people"),
    ("这十分重要", "this is very important"),
    ("一点一滴做起", "start with every little thing"),
    ("走进千家万户", "reach every household"),
    ("两三年", "two or three years"),
    ("三点五亿元", "350 million yuan"),
    ("3千人", "3,000 people"),
    ("全长3千米", "3 kilometers long"),
    ("装机容量1.2兆瓦", "an installed capacity of 1.2 megawatts"),
]


@pytest.mark.parametrize("source, target", CORRECT, ids=[t for _, t in CORRECT])
def test_official_forms_are_not_flagged(source, target):
    assert [n.text for n in missing_numbers(source, target)] == []


# (source fragment, wrong English rendering, what must be reported).
MISTAKES = [
    ("8個成員國", "nine member states", ["8"]),
    ("批准20多项文件", "approved the draft documents", ["20多"]),
    ("进出口总额11.6万亿元", "total imports and exports of 11.6 billion yuan", ["11.6万亿"]),
    ("1.5億人", "1.5 billion people", ["1.5億"]),
    ("新增就业2.3万人", "2,300 new jobs", ["2.3万"]),
    ("1300多万人", "more than 1.3 million people", ["1300多万"]),
    ("十四亿中国人民", "the 14 billion Chinese people", ["十四亿"]),
    ("降低百分之二十", "a cut of 30 percent", ["百分之二十"]),
    ("增长百分之二十五点五", "grew 25 percent", ["百分之二十五点五"]),
    ("增长三点五", "grew 3.4", ["三点五"]),
    ("第十三届全国人民代表大会", "the 14th National People's Congress", ["第十三"]),
    ("“十四五”规划", "the 13th Five-Year Plan", ["十四五"]),
    ("十九届五中全会", "the fourth plenary session of the 19th CPC Central Committee", ["五中全会"]),
    ("十九届五中全会", "the fifth plenary session of the CPC Central Committee", ["十九"]),
    ("第二次会议", "the third meeting", ["第二"]),
    ("新华社北京9月16日电", "Beijing, October 16 (Xinhua)", ["9月"]),
    ("两国关系", "relations between the three countries", ["两"]),
    ("数百万人", "thousands of people", ["数百万"]),
    ("3千人", "300 people", ["3千"]),
]


@pytest.mark.parametrize("source, target, missing", MISTAKES, ids=[t for _, t, _ in MISTAKES])
def test_real_mistakes_are_flagged(source, target, missing):
    assert [n.text for n in missing_numbers(source, target)] == missing


def test_a_missing_number_is_reported_once_per_segment():
    pair = Pair(
        "s1", "8个成员国外长和8国代表出席", "the foreign ministers and representatives of seven states"
    )
    issues = check_pair(pair, Recognizer([]))
    assert [(i.kind, i.source_text) for i in issues] == [("number", "8")]


def test_inconsistency_names_the_deviating_segments_in_document_order():
    entry = Entry("新華社", "Xinhua News Agency", alternatives=["Xinhua"])
    renderings = ["Xinhua News Agency", "Xinhua", "Xinhua News Agency", "Xinhua News Agency"]
    renderings += ["Xinhua News Agency"] * 6 + ["Xinhua"]
    pairs = [Pair(f"doc:{n}:1", "新華社電", f"({target})") for n, target in enumerate(renderings, 1)]
    (issue,) = [i for i in check_document(pairs, Recognizer([entry])) if i.kind == "inconsistent-term"]
    assert issue.segment.split(", ") == ["doc:2:1", "doc:11:1"]
    assert "“Xinhua” in 2 segments (doc:2:1, doc:11:1)" in issue.message
    assert "approved: “Xinhua News Agency”" in issue.message


def test_without_the_approved_rendering_the_minority_is_named():
    entry = Entry("新華社", "Xinhua News Agency", alternatives=["Xinhua", "XNA"])
    pairs = [
        Pair("1", "新華社電", "(XNA)"),
        Pair("2", "新華社電", "(Xinhua)"),
        Pair("3", "新華社電", "(Xinhua)"),
    ]
    (issue,) = [i for i in check_document(pairs, Recognizer([entry])) if i.kind == "inconsistent-term"]
    assert issue.segment == "1"
    assert "“XNA” in 1 segment (1)" in issue.message and "“Xinhua” in 2 segments (2, 3)" in issue.message
