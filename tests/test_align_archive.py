"""`tm align ZH_DIR EN_DIR`: documents paired by list, name and content, every pair aligned
(in worker processes with --jobs 2), outputs named after the Chinese files, pairs.tsv, the
import, and a bad pair that does not stop the others. Real files, the real model, the real CLI."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from tm.align.pairing import document_tokens, name_key
from tm.cli import cli
from tm.memory import open_memory

RELEASES = {
    "rain": (
        [
            "今年春季全省降雨量比往年增加三成。",
            "农业部门提醒农户及时排水，防止农田积水。",
            "气象台预计五月中旬将有新一轮降雨。",
            "专家认为小麦产量总体将保持稳定。",
        ],
        [
            "Rainfall in the province this spring was 30 percent higher than usual.",
            "The agriculture department reminded farmers to drain their fields in time to prevent waterlogging.",
            "The weather bureau expects a new round of rain in mid-May.",
            "Experts believe that wheat output will remain broadly stable.",
        ],
    ),
    "trade": (
        [
            "2023年双边贸易额达到1500亿美元。",
            "两国同意扩大新能源汽车领域的合作。",
            "双方还签署了关于港口建设的协议。",
            "下一轮磋商将于10月在北京举行。",
        ],
        [
            "Bilateral trade reached 150 billion US dollars in 2023.",
            "The two countries agreed to expand cooperation on new energy vehicles.",
            "The two sides also signed an agreement on port construction.",
            "The next round of consultations will be held in Beijing in October.",
        ],
    ),
    "museum": (
        [
            "国家博物馆周二开放了一个新的丝绸之路展览。",
            "展览展出了四百多件文物。",
            "许多文物是第一次与公众见面。",
            "展览将持续到明年三月。",
        ],
        [
            "The National Museum opened a new Silk Road exhibition on Tuesday.",
            "The exhibition displays more than 400 cultural relics.",
            "Many of the relics are being shown to the public for the first time.",
            "The exhibition will run until next March.",
        ],
    ),
}
# A Chinese release whose translation is missing, and an English text that translates nothing.
STRAY_ZH = [
    "市马拉松比赛吸引了两万名选手参加。",
    "男子组冠军打破了赛会纪录。",
    "组委会感谢志愿者的辛勤工作。",
]
STRAY_EN = [
    "The city council approved a new budget for public libraries.",
    "Opening hours will be extended on weekends.",
    "Residents can borrow e-books free of charge.",
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _archive(tmp_path: Path, en_names: dict[str, str], strays: bool = True) -> tuple[Path, Path]:
    zh_dir, en_dir = tmp_path / "zh", tmp_path / "en"
    zh_dir.mkdir()
    en_dir.mkdir()
    for name, (zh, en) in RELEASES.items():
        _write(zh_dir / f"{name}.txt", zh)
        _write(en_dir / en_names[name], en)
    if strays:
        _write(zh_dir / "marathon.txt", STRAY_ZH)
        _write(en_dir / "notice-9.txt", STRAY_EN)
    return zh_dir, en_dir


def _table(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_documents_with_unrelated_names_are_paired_by_content_and_strays_left_alone(tmp_path):
    names = {"rain": "doc-2.txt", "trade": "doc-3.txt", "museum": "doc-1.txt"}
    zh_dir, en_dir = _archive(tmp_path, names)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["align", str(zh_dir), str(en_dir), "--presplit", "-o", str(out)])
    assert result.exit_code == 0, result.output
    header, *rows = _table(out / "pairs.tsv")
    assert header == ["zh_file", "en_file", "paired_by", "confidence", "note"]
    pairs = {zh: en for zh, en, how, *_ in rows if how == "content"}
    assert pairs == {f"{name}.txt": en for name, en in names.items()}
    alone = sorted((zh, en) for zh, en, how, *_ in rows if how == "unpaired")
    assert alone == [("", "notice-9.txt"), ("marathon.txt", "")]
    assert all(0.5 < float(confidence) <= 1 for _, _, how, confidence, _ in rows if how == "content")
    assert sorted(p.name for p in out.glob("*.align")) == ["museum.align", "rain.align", "trade.align"]
    assert (out / "trade.align").read_text().splitlines() == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]"]
    assert "3 pairs (3 by content); 2 documents without a counterpart" in result.output
    assert "12 links: 1-1 12" in result.output


def test_names_that_agree_less_their_language_marks_pair_without_reading(tmp_path):
    names = {"rain": "rain.en.txt", "trade": "trade_EN.txt", "museum": "museum-english.txt"}
    zh_dir, en_dir = _archive(tmp_path, names, strays=False)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["align", str(zh_dir), str(en_dir), "--presplit", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = _table(out / "pairs.tsv")[1:]
    assert sorted((zh, en, how) for zh, en, how, *_ in rows) == [
        ("museum.txt", "museum-english.txt", "name"),
        ("rain.txt", "rain.en.txt", "name"),
        ("trade.txt", "trade_EN.txt", "name"),
    ]
    assert name_key(Path("2020-09-16_zh-Hant.txt")) == name_key(Path("2020-09-16.en.txt")) == "2020-09-16"


def test_listed_pairs_are_taken_as_given_and_pairs_tsv_reads_back(tmp_path):
    names = {"rain": "a.txt", "trade": "b.txt", "museum": "c.txt"}
    zh_dir, en_dir = _archive(tmp_path, names, strays=False)
    listed = _write(tmp_path / "list.tsv", ["rain.txt\ta.txt", "museum.txt\tc.txt"])
    out, again = tmp_path / "out", tmp_path / "again"
    runner = CliRunner()
    folders = ["align", str(zh_dir), str(en_dir), "--presplit"]
    result = runner.invoke(cli, [*folders, "-o", str(out), "--format", "tsv", "--pairs", str(listed)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["museum.tsv", "pairs.tsv", "rain.tsv"]
    assert [row[:3] for row in _table(out / "pairs.tsv")[1:]] == [
        ["rain.txt", "a.txt", "listed"],
        ["museum.txt", "c.txt", "listed"],
    ]
    # the table tm align wrote is a list it reads back (into another folder: never over an input)
    result = runner.invoke(cli, [*folders, "-o", str(again), "--pairs", str(out / "pairs.tsv")])
    assert result.exit_code == 0, result.output
    assert (again / "rain.align").read_text() == "[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[3]\n"
    result = runner.invoke(cli, [*folders, "-o", str(out), "--pairs", str(out / "pairs.tsv"), "--force"])
    assert result.exit_code != 0 and "is one of the inputs" in result.output
    missing = _write(tmp_path / "bad.tsv", ["rain.txt\tnone.txt"])
    result = runner.invoke(cli, [*folders, "-o", str(again), "--pairs", str(missing)])
    assert result.exit_code != 0 and "bad.tsv line 1" in result.output and "no such file" in result.output


def test_workers_align_and_import_each_pair_and_a_bad_pair_stops_nothing(tmp_path):
    names = {"rain": "rain.txt", "trade": "trade.txt", "museum": "museum.txt"}
    zh_dir, en_dir = _archive(tmp_path, names, strays=False)
    _write(zh_dir / "empty.txt", [""])  # no sentences: fails
    _write(en_dir / "empty.txt", ["Nothing to see."])
    _write(zh_dir / "copy.txt", RELEASES["rain"][0])  # its "English" is Chinese: a warning
    _write(en_dir / "copy.txt", RELEASES["trade"][0])
    db = str(tmp_path / "m.db")
    out = tmp_path / "out"
    args = ["align", str(zh_dir), str(en_dir), "--presplit", "--import", "--db", db, "--jobs", "2"]
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 1, result.output  # something failed or was not imported
    assert "empty.txt ↔ empty.txt" in result.output and "no sentences to align" in result.output
    assert "copy.txt ↔ copy.txt: " in result.output and "looks Chinese" in result.output
    assert "memory: 3 pairs stored, 12 units added, 0 updated" in result.output
    assert "not imported, they look wrong" in result.output and "--force-import" in result.output
    assert sorted(p.name for p in out.glob("*.align")) == [
        "copy.align",
        "museum.align",
        "rain.align",
        "trade.align",
    ]
    with open_memory(db) as memory:
        assert memory.count() == 12
        (match,) = memory.lookup(RELEASES["museum"][0][1], limit=1)
        assert match.unit.target == RELEASES["museum"][1][1] and match.unit.origin == "aligned"
        assert match.unit.document == "museum | museum"
    forced = CliRunner().invoke(cli, [*args, "--force-import", "--import-all", "--json"])
    assert forced.exit_code == 1  # the empty pair still fails
    with open_memory(db) as memory:
        assert memory.count() == 16  # the copied pair now too; the rest were stored already


def test_outputs_are_checked_before_any_work(tmp_path):
    zh_dir, en_dir = _archive(tmp_path, {"rain": "rain.txt", "trade": "trade.txt", "museum": "museum.txt"})
    out = tmp_path / "out"
    out.mkdir()
    _write(out / "trade.align", ["[0]:[0]"])
    runner = CliRunner()
    result = runner.invoke(cli, ["align", str(zh_dir), str(en_dir), "--presplit", "-o", str(out)])
    assert result.exit_code != 0 and "trade.align: exists" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["trade.align"]  # nothing written
    result = runner.invoke(cli, ["align", str(zh_dir), str(en_dir)])
    assert result.exit_code != 0 and "-o OUT_DIR" in result.output
    result = runner.invoke(cli, ["align", str(zh_dir), str(zh_dir / "rain.txt")])
    assert result.exit_code != 0 and "two files or two folders" in result.output


def test_document_tokens_are_numbers_dates_and_latin_names():
    zh = document_tokens("2020年9月16日，上海合作组织(SCO)与G20就1,000个项目达成共识。")
    en = document_tokens("On 16 September 2020 the SCO and the G20 agreed on 1,000 projects. It may rain.")
    assert {"2020", "9", "16", "SCO", "G20", "1000"} <= zh & en
    assert "5" not in en  # "may" the verb is no month


@pytest.mark.parametrize("jobs", ["0", "x"])
def test_jobs_must_be_a_positive_number(tmp_path, jobs):
    zh_dir, en_dir = _archive(tmp_path, {"rain": "rain.txt", "trade": "trade.txt", "museum": "museum.txt"})
    result = CliRunner().invoke(
        cli, ["align", str(zh_dir), str(en_dir), "-o", str(tmp_path / "o"), "--jobs", jobs]
    )
    assert result.exit_code == 2
