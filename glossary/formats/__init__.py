"""Glossary interchange, one module per format: CSV/TSV, XLSX, TBX."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from glossary.model import TABLE_FIELDS, Entry
from tm.errors import UserError

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".tbx": "tbx", ".xml": "tbx"}
# Columns of the tabular formats, in order; lists are written "a; b; c".
COLUMNS = [*TABLE_FIELDS, "glossary", "priority"]
LIST_COLUMNS = ("source_variants", "alternatives", "forbidden")
REQUIRED = ("source", "target")
assert set(COLUMNS) <= {f.name for f in fields(Entry)}


def format_of(path: str | Path, given: str | None = None) -> str:
    if given:
        return given
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UserError(
            f"{path}: cannot tell the glossary format from the extension; pass --format csv|tsv|xlsx|tbx"
        )
    return fmt


def split_list(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split(";") if v.strip()]


def parse_bool(cell: str | None, line: int) -> bool | None:
    """yes/no; None for an empty cell (the row does not say)."""
    value = (cell or "").strip().lower()
    if not value:
        return None
    if value in ("no", "false", "0", "n"):
        return False
    if value in ("yes", "true", "1", "y"):
        return True
    raise UserError(f"line {line}: case_sensitive must be yes or no, not {cell!r}")


def check_header(header: list[str], name: str) -> list[str]:
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [h for h in REQUIRED if h not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if unknown or missing or duplicated:
        problems = "; ".join(
            p
            for p in (
                "unknown columns: " + ", ".join(unknown) if unknown else "",
                "missing columns: " + ", ".join(missing) if missing else "",
                "repeated columns: " + ", ".join(duplicated) if duplicated else "",
            )
            if p
        )
        raise UserError(f"{name}: line 1: {problems}; the columns are: {', '.join(COLUMNS)}")
    return header


def entry_from_cells(cells: dict[str, str | None], line: int) -> Entry:
    """An entry from one row of cells named by column; it states the fields whose cells are
    filled (an empty cell or a missing column leaves a stored entry's field as it is)."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in cells.items()}
    if not values.get("source") or not values.get("target"):
        raise UserError(f"line {line}: empty source term or approved rendering")
    kwargs: dict = {"source": values["source"], "target": values["target"]}
    for name in LIST_COLUMNS:
        kwargs[name] = split_list(values.get(name))
    for name in ("note", "domain", "reference", "glossary", "status"):
        if values.get(name):
            kwargs[name] = values[name]
    if values.get("priority"):
        try:
            kwargs["priority"] = int(values["priority"])
        except ValueError:
            raise UserError(
                f"line {line}: priority must be a whole number, not {values['priority']!r}"
            ) from None
    case = parse_bool(values.get("case_sensitive"), line)
    if case is not None:
        kwargs["case_sensitive"] = case
    given = {name for name in TABLE_FIELDS if kwargs.get(name) not in (None, "", [])}
    stated = frozenset(given | ({"case_sensitive"} if case is not None else set()))
    return Entry(**kwargs, given=stated, columns=frozenset(cells) & frozenset(TABLE_FIELDS))


def cells_of(entry: Entry) -> list[str]:
    out = []
    for name in COLUMNS:
        value = getattr(entry, name)
        if name in LIST_COLUMNS:
            value = "; ".join(value)
        elif name == "case_sensitive":
            value = "yes" if value else ""
        elif name == "priority":
            value = "" if value is None else str(value)
        out.append(value or "")
    return out
