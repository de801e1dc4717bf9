"""The streaming .xlsx value reader against openpyxl, and on the odd corners of SpreadsheetML."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from tm.errors import UserError
from tm.formats.xlsxread import Workbook


def trimmed(row) -> tuple:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def test_same_values_as_openpyxl(tmp_path):
    path = tmp_path / "mixed.xlsx"
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["text", "中文，全角。", 42, 2.5, True, None, "  spaced  "])
    sheet.append([None, None, -7])
    sheet.append([])
    sheet["B5"] = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold"), " end"])
    sheet["D5"] = "line one\nline two"
    book.create_sheet("Second").append(["x"])
    book.save(path)

    expected = load_workbook(path, read_only=True, data_only=True)
    with Workbook(path) as workbook:
        assert workbook.sheet_names == ["Data", "Second"]
        got = [(number, trimmed(values)) for number, values in workbook.rows("Data")]
    want = [trimmed(r) for r in expected["Data"].iter_rows(values_only=True)]
    assert [values for _, values in got] == [w for w in want if w]
    assert [number for number, _ in got] == [1, 2, 5]
    assert got[-1][1] == (None, "plain bold end", None, "line one\nline two")


def write_xlsx(path, sheet_xml: str, shared: str | None) -> None:
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="/xl/worksheets/s.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="strings.xml"/></Relationships>'
    )
    book = (
        '<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/worksheets/s.xml", sheet_xml)
        if shared is not None:
            archive.writestr("xl/strings.xml", shared)


def test_prefixes_phonetic_runs_cells_without_references_and_formula_results(tmp_path):
    path = tmp_path / "odd.xlsx"
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>東京</t><rPh sb='0' eb='2'><t>トウキョウ</t></rPh></si>"
        "<si><r><t>a</t></r><r><t xml:space='preserve'> b</t></r></si></sst>"
    )
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="3"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c>'
        '<x:c r="E3" t="str"><x:f>A3&amp;B3</x:f><x:v>東京a b</x:v></x:c></x:row>'
        '<x:row><x:c t="b"><x:v>0</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c><x:v>1E-3</x:v></x:c>'
        "</x:row></x:sheetData></x:worksheet>"
    )
    write_xlsx(path, sheet, shared)
    with Workbook(path) as workbook:
        rows = list(workbook.rows("S"))
    assert rows == [(3, ["東京", "a b", None, None, "東京a b"]), (4, [False, "#N/A", 0.001])]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a zip", "not an .xlsx workbook"),
        ("entity", "entity declaration"),
        ("truncated", "bad XML"),
    ],
)
def test_bad_files_get_one_message(tmp_path, content, message):
    path = tmp_path / "bad.xlsx"
    if content == "entity":
        write_xlsx(path, '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>', None)
    elif content == "truncated":
        write_xlsx(path, "<worksheet><sheetData><row><c><v>1</v></c>", None)
    else:
        path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        with Workbook(path) as workbook:
            list(workbook.rows("S"))
