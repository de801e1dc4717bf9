"""QA of software strings' variables (issue 21, point 1): a target that drops `{0}`, `{name}` or a
`{count, plural, …}` is named, one that adds a variable too, and the digit of `{0}` is not a number
of its own; through check_pair, `tm glossary check` and `tm qa` of a memory (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from glossary.match import Recognizer
from glossary.qa import Pair, check_pair
from tm.memory import open_memory
from tm.text.variables import variables, without_variables

from .conftest import cli_invoker

BOTH_BACKENDS = True
NONE = Recognizer([])
PLURAL = "{n, plural, =0 {沒有文件} one {# 個文件 {dir}} other {# 個文件 {dir}}}"


def _messages(source: str, target: str) -> list[str]:
    return [issue.message for issue in check_pair(Pair("1", source, target), NONE)]


def test_a_dropped_or_added_variable_is_named_and_its_digit_is_no_number():
    assert _messages("讀取配置時出錯：{0}", "Error reading configuration.") == [
        "variable {0} is missing from the target"
    ]
    assert _messages("第{0}頁", "Page {1}") == [
        "variable {0} is missing from the target",
        "variable {1} is not in the source",
    ]
    assert _messages("第{0}頁，共5頁", "Page {0} of 5") == []
    assert _messages("第{0}頁，共5頁", "Page {0}") == ["number 5 has no counterpart in the target"]


@pytest.mark.parametrize(
    "target, said",
    [
        ("{n, plural, =0 {no files} one {# file in {dir}} other {# files in {dir}}}", []),
        (
            "Some files",
            ["variable {dir} is missing from the target"] * 2
            + ["variable {n, plural} is missing from the target"],
        ),
        (
            "{n, plural, =0 {no files} one {# file} other {# files in {dir}}}",
            ["variable {dir} is missing from the target"],
        ),
    ],
)
def test_a_plural_is_one_variable_and_its_sub_messages_are_text(target, said):
    assert _messages(PLURAL, target) == said


def test_what_counts_as_a_variable():
    text = '{0} {name} {0,number,#.##} {d, date, long} {x:.2f} {y!r} {1, 2} {文件} {} JSON {"a": 1}'
    assert variables(text) == {
        "{0}": 1,
        "{name}": 1,
        "{0, number}": 1,
        "{d, date}": 1,
        "{x:.2f}": 1,
        "{y!r}": 1,
    }
    assert without_variables("第{0}頁，{n, plural, =0 {無} other {#個}}") == "第 頁，  無  #個  "


@pytest.fixture
def run(db_path):
    open_memory(db_path).close()
    return cli_invoker(db_path, user="tester")


def test_glossary_check_names_a_dropped_variable(run):
    result = run(
        "glossary", "check", "--source", "讀取配置時出錯：{0}", "--target", "Error reading configuration."
    )
    assert result.exit_code == 1 and "variable {0} is missing from the target" in result.output


def test_qa_of_a_memory_names_units_whose_target_drops_a_variable(run, tmp_path):
    tsv = tmp_path / "units.tsv"
    tsv.write_text(
        "source\ttarget\n讀取配置時出錯：{0}\tError reading configuration.\n第{0}頁\tPage {0}\n",
        encoding="utf-8",
    )
    assert run("import", tsv).exit_code == 0
    result = run("qa", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 1 and data["counts"]["variable"] == 1 and data["counts"]["number"] == 0
    (finding,) = [f for f in data["findings"] if f["check"] == "variable"]
    assert finding["ids"] == ["1"] and finding["message"] == "{0} is missing from the target"
