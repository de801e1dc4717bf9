"""The Word package written back with its own content types: python-docx rebuilds
``[Content_Types].xml`` from the parts it holds, dropping the defaults a tool declared for
extensions not in use (LibreOffice's png and jpeg) and overrides it does not need; tm adds and
removes no part, so the original's list, which still covers every part, is kept as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

TYPES = "[Content_Types].xml"
_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def with_original_types(data: bytes, original: Path) -> bytes:
    """``data`` (the saved package) with ``original``'s content types where they cover its parts."""
    from lxml import etree

    with zipfile.ZipFile(original) as before:
        types = before.read(TYPES)
    root = etree.fromstring(types, etree.XMLParser(resolve_entities=False, no_network=True))
    overrides = {(el.get("PartName") or "").lower() for el in root.iter(f"{_NS}Override")}
    defaults = {(el.get("Extension") or "").lower() for el in root.iter(f"{_NS}Default")}
    saved = zipfile.ZipFile(io.BytesIO(data))
    parts = [n for n in saved.namelist() if n != TYPES and not n.endswith("/")]
    if not all(f"/{n}".lower() in overrides or n.rsplit(".", 1)[-1].lower() in defaults for n in parts):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as written:
        for info in saved.infolist():
            written.writestr(info, types if info.filename == TYPES else saved.read(info))
    return out.getvalue()
