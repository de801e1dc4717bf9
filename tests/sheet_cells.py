"""What a reviewer does to a review workbook in Excel or Calc, done with openpyxl for the tests."""

from openpyxl import load_workbook


def set_cells(path, changes: dict, sheet: str = "Segments") -> None:
    """Set cells (by column name) of the rows whose first cell is one of the keys (a review
    sheet's IDs, an alignment sheet's link numbers), and save."""
    workbook = load_workbook(path)
    rows = workbook[sheet]
    header = [c.value for c in rows[1]]
    for r in range(2, rows.max_row + 1):
        for name, value in changes.get(rows.cell(r, 1).value, {}).items():
            rows.cell(r, header.index(name) + 1).value = value
    workbook.save(path)
