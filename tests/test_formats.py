import csv
import os
import subprocess
import sys
from dataclasses import fields, replace

import pytest

from tm.errors import UserError
from tm.formats.tabular import export_table, read_table
from tm.formats.tmx import export_tmx, read_tmx
from tm.memory import open_memory
from tm.memory.units import Unit

from .conftest import SAMPLE_TMX

UNITS = [
    Unit(
        "三股勢(shì)力 & <危害>",
        'the "three evil forces" & <harm>',
        "zh-Hant",
        "en",
        "aligned",
        "release-1",
        "2020-09-16T08:00:00Z",
        "alice",
        "2020-09-17T09:30:00Z",
        "bob",
        "abc123",
        "a note\nwith two lines",
    ),
    Unit("四是拓展全方位合作。", "Fourth, expanding all-round cooperation.", "zh-CN", "en-US"),
]


def _fields(u: Unit) -> tuple:
    """Everything a unit carries except its database id."""
    return tuple(getattr(u, f.name) for f in fields(Unit) if f.name != "id")


def test_tmx_round_trip_keeps_provenance(tmp_path):
    path = tmp_path / "out.tmx"
    assert export_tmx(iter(UNITS), path) == 2
    back = list(read_tmx(path))
    assert [_fields(u) for u in back] == [_fields(u) for u in UNITS]


def test_tmx_export_is_read_by_translate_toolkit(tmp_path):
    from translate.storage.tmx import tmxfile

    path = tmp_path / "out.tmx"
    export_tmx(iter(UNITS), path)
    store = tmxfile.parsefile(str(path))
    units = [u for u in store.units if not u.isheader()]
    assert [(u.source, u.target) for u in units] == [(u.source, u.target) for u in UNITS]


def test_sample_memory_imports(memory):
    result = memory.import_units(read_tmx(SAMPLE_TMX))
    assert result.added == 9
    assert memory.lookup("三是推動國際抗疫合作。")[0].unit.source_lang == "zh-Hant"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


TU = '<tu><tuv xml:lang="zh"><seg>{}</seg></tuv><tuv xml:lang="en"><seg>t</seg></tuv></tu>\n'


def _tmx(body: str, prolog: str = "") -> str:
    return f'<?xml version="1.0"?>\n{prolog}<tmx version="1.4"><header srclang="zh"/>\n<body>\n{body}</body></tmx>\n'


def test_inline_codes_are_not_text(tmp_path):
    body = '<tu><tuv xml:lang="zh"><seg>甲<bpt i="1">&lt;b&gt;</bpt>乙<ept i="1">&lt;/b&gt;</ept><hi>丙</hi></seg></tuv><tuv xml:lang="en"><seg>abc</seg></tuv></tu>\n'
    (unit,) = read_tmx(_write(tmp_path, "a.tmx", _tmx(body)))
    assert unit.source == "甲乙丙"


@pytest.mark.parametrize(
    "body, message",
    [
        (
            TU.format("一") + TU.format("二") + "<tu><tuv><seg>x</seg></tuv></tu>\n",
            "line 6: <tuv> without xml:lang",
        ),
        (TU.format("一") + "<tu><tuv xml:lang='zh'><seg>x</tuv></tu>\n", "line 5: bad XML"),
    ],
)
def test_malformed_tmx_names_the_line_and_imports_nothing(tmp_path, memory, body, message):
    path = _write(tmp_path, "bad.tmx", _tmx(body))
    with pytest.raises(UserError, match=message):
        memory.import_units(read_tmx(path))
    assert memory.count() == 0


BILLION_LAUGHS = """<!DOCTYPE tmx [
<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
"""


def test_billion_laughs_is_refused(tmp_path, memory):
    path = _write(tmp_path, "bomb.tmx", _tmx(TU.format("&lol9;"), BILLION_LAUGHS))
    with pytest.raises(UserError, match="entity declaration"):
        memory.import_units(read_tmx(path))
    assert memory.count() == 0


def test_external_entity_reads_no_local_file(tmp_path, memory):
    secret = _write(tmp_path, "secret.txt", "TOP-SECRET")
    prolog = f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    path = _write(tmp_path, "xxe.tmx", _tmx(TU.format("&xxe;"), prolog))
    with pytest.raises(UserError):
        memory.import_units(read_tmx(path))
    assert memory.count() == 0


def test_not_tmx(tmp_path):
    with pytest.raises(UserError, match="not a TMX file"):
        list(read_tmx(_write(tmp_path, "x.tmx", "<html></html>")))


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_table_round_trip(tmp_path, fmt):
    """CSV carries line breaks in a cell; TSV cannot (see test_tsv_refuses_a_cell_it_cannot_carry)."""
    units = UNITS if fmt == "csv" else [replace(u, note=u.note and u.note.replace("\n", " ")) for u in UNITS]
    path = tmp_path / f"m.{fmt}"
    export_table(iter(units), path, fmt)
    assert [_fields(u) for u in read_table(path, fmt)] == [_fields(u) for u in units]


QUOTED = (
    "source\ttarget\n"
    '我们将继续。\t"We will continue," he said.\n'
    "谢谢。\tThank you.\n"
    '他说：“你好。”\t"Hello."\n'
)


def test_tsv_has_no_quoting(tmp_path, memory):
    """A TSV target that opens with a quotation mark is text: it neither swallows the rows after
    it nor loses its quotes, on import, export and import again (as spreadsheets write TSV)."""
    path = _write(tmp_path, "quotes.tsv", QUOTED)
    memory.import_units(read_table(path, "tsv"))
    targets = sorted(u.target for u in memory.iter_units())
    assert targets == ['"Hello."', '"We will continue," he said.', "Thank you."]
    out = tmp_path / "out.tsv"
    export_table(memory.iter_units(), out, "tsv")
    assert '\t"We will continue," he said.\t' in out.read_text(encoding="utf-8")
    assert sorted(u.target for u in read_table(out, "tsv")) == targets


def test_tsv_refuses_a_cell_it_cannot_carry(tmp_path):
    out = tmp_path / "out.tsv"
    with pytest.raises(UserError, match="unit 7: its note holds a tab or a line break, which TSV cannot"):
        export_table(iter([replace(UNITS[0], id=7)]), out, "tsv")
    assert not out.exists()


@pytest.mark.parametrize(
    "text, message",
    [
        ("source\ttarget\n甲\tA\n乙\tB\textra\n", "line 3: 3 columns, the header has 2"),
        ("source\tfoo\n甲\tA\n", "line 1: bad header"),
        ("source\ttarget\n甲\tA\n\tB\n", "line 3: empty source or target"),
    ],
)
def test_bad_tables_name_the_line(tmp_path, memory, text, message):
    path = _write(tmp_path, "bad.tsv", text)
    with pytest.raises(UserError, match=message):
        memory.import_units(read_table(path, "tsv"))
    assert memory.count() == 0


def test_two_processes_importing_at_once_both_succeed(tmp_path):
    db = tmp_path / "shared.db"
    files = []
    for p in range(2):
        rows = "".join(f"進程{p}第{i}句話的內容。\tprocess {p} sentence {i}\n" for i in range(3000))
        files.append(_write(tmp_path, f"part{p}.tsv", "source\ttarget\n" + rows))
    env = {**os.environ, "TM_DB": str(db)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tm", "import", str(f)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for f in files
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    with open_memory(db) as memory:
        assert memory.count() == 6000
        assert memory.lookup("進程1第2999句話的內容。")[0].unit.target == "process 1 sentence 2999"


def test_csv_export_never_hands_a_spreadsheet_a_formula(tmp_path):
    """Issue 22: CSV exports wrote =HYPERLINK(…) cells verbatim; a spreadsheet opening the file
    would run them. They get a leading apostrophe, which tm's reader takes off again."""
    units = [
        Unit("点击这里", '=HYPERLINK("http://evil.example","click")'),
        Unit("减五", "-5 degrees"),
        Unit("你好", "Hello"),
    ]
    path = tmp_path / "m.csv"
    export_table(iter(units), path, "csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for line in lines[1:] for cell in next(csv.reader([line]))
    )
    assert [u.target for u in read_table(path, "csv")] == [u.target for u in units]
