"""What a reviewer does to a review workbook in Excel or Calc, done with openpyxl for the tests."""

from openpyxl import load_workbook


def set_cells(path, changes: dict[str, dict[str, str]]) -> None:
    """Set cells (by column name) of the Segments rows with the given IDs, and save."""
    workbook = load_workbook(path)
    sheet = workbook["Segments"]
    header = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        for name, value in changes.get(sheet.cell(r, 1).value, {}).items():
            sheet.cell(r, header.index(name) + 1).value = value
    workbook.save(path)
