"""Sorting a review sheet as a reviewer does, in LibreOffice Calc (a Basic macro run headless:
Data ▸ Sort Descending on a column), then `tm review` and `tm export-doc` of what Calc saved:
rows are known by their segment id, never by their place."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tm.workflow.sheet import EDITABLE, HEADER
from tm.workflow.sheet_read import read_workbook

from . import test_translate
from .lo_basic import run_basic
from .sheet_cells import set_cells

run, seeded, units = test_translate.run, test_translate.seeded, test_translate.units

SORT = """
Sub Note(sLog As String, sText As String)
    Dim n As Integer
    n = FreeFile
    Open sLog For Append As #n
    Print #n, sText
    Close #n
End Sub

Sub SortAndSave(sIn As String, sOut As String, sLog As String, sCell As String)
    Dim aLoad(0) As New com.sun.star.beans.PropertyValue
    aLoad(0).Name = "Hidden"
    aLoad(0).Value = True
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, aLoad())
    oSheet = oDoc.Sheets.getByName("Segments")
    Note(sLog, "protected=" & oSheet.isProtected())
    oSource = oSheet.getCellRangeByName("B2").Validation
    Note(sLog, "source read-only=" & (oSource.Type = com.sun.star.sheet.ValidationType.TEXT_LEN And oSource.ShowErrorMessage))
    Note(sLog, "target free=" & (oSheet.getCellRangeByName("C2").Validation.Type = com.sun.star.sheet.ValidationType.ANY))
    oCtrl = oDoc.getCurrentController()
    oCtrl.setActiveSheet(oSheet)
    oCtrl.select(oSheet.getCellRangeByName(sCell))
    Dim aNone()
    createUnoService("com.sun.star.frame.DispatchHelper").executeDispatch(oCtrl.getFrame(), ".uno:SortDescending", "", 0, aNone())
    Dim aSave(0) As New com.sun.star.beans.PropertyValue
    aSave(0).Name = "FilterName"
    aSave(0).Value = "Calc MS Excel 2007 XML"
    oDoc.storeToURL(ConvertToURL(sOut), aSave())
    oDoc.close(True)
    Note(sLog, "saved=True")
End Sub
"""


def test_the_segments_sheet_sorts_and_filters_with_every_column_and_guards_typing(run, seeded, tmp_path):
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    sheet = load_workbook(sheet_path)["Segments"]
    assert not sheet.protection.sheet  # a protected sheet's locked cells sort neither in Excel nor in Calc
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(HEADER)).column_letter}69"  # hidden columns too
    (status, fixed) = sheet.data_validations.dataValidation
    assert status.type == "list" and fixed.type == "textLength" and fixed.showErrorMessage
    letters = {name: sheet.cell(1, i).column_letter for i, name in enumerate(HEADER, start=1)}
    guarded = set(str(fixed.sqref).split())
    for name, letter in letters.items():
        assert (f"{letter}1" if name in EDITABLE else f"{letter}1:{letter}69") in guarded, name
    assert not any(r.startswith(f"{letters[name]}2") for name in EDITABLE for r in guarded)


@pytest.mark.skipif(
    test_translate.SOFFICE is None and not test_translate.NEED_SOFFICE,
    reason="LibreOffice (libreoffice-calc-nogui) is not installed",
)
def test_a_sheet_sorted_in_libreoffice_calc_is_reviewed_and_exported_by_segment_id(
    run, seeded, tmp_path, db_path
):
    sheet_path = tmp_path / "r.xlsx"
    assert run("translate", seeded, "-o", sheet_path).exit_code == 0
    rows = read_workbook(sheet_path).rows
    approved = {r.id: f"Translation of {r.id}." for r in rows if not r.proposed and r.position[1] == 1}
    set_cells(sheet_path, {i: {"Target": t, "Status": "approved"} for i, t in approved.items()})

    sorted_path, log = tmp_path / "sorted.xlsx", tmp_path / "calc.log"
    match = load_workbook(sheet_path)["Segments"].cell(2, HEADER.index("Match %") + 1).coordinate
    run_basic(tmp_path, SORT, "SortAndSave", str(sheet_path), str(sorted_path), str(log), match)

    resorted = read_workbook(sorted_path)
    by_id = {r.id: r for r in rows}
    exact = [r.id for r in rows if r.proposed]
    assert [r.id for r in resorted.rows][: len(exact)] == exact  # the 100% matches on top: Calc sorted
    assert sorted(r.id for r in resorted.rows) == sorted(by_id) and not resorted.refused
    notes = dict(line.split("=", 1) for line in log.read_text(encoding="utf-8").splitlines())
    assert notes == {"protected": "False", "source read-only": "True", "target free": "True", "saved": "True"}

    result = run("review", sorted_path, "--json")
    report = json.loads(result.stdout)
    assert report["added"] == len(approved) > 10 and not report["refused"], result.output
    stored = {u[1]: u[2] for u in units(db_path) if u[3] == "reviewed"}
    assert stored == {by_id[i].source: target for i, target in approved.items()}

    in_order, after_sort = tmp_path / "before.en.txt", tmp_path / "after.en.txt"
    assert run("export-doc", sheet_path, "-o", in_order, "--allow-missing").exit_code == 0
    assert run("export-doc", sorted_path, "-o", after_sort, "--allow-missing").exit_code == 0
    assert after_sort.read_text(encoding="utf-8") == in_order.read_text(encoding="utf-8")
    assert "Translation of release:1:1." in in_order.read_text(encoding="utf-8").splitlines()[0]
