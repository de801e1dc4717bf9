"""Zip containers (.docx, .xlsx) checked before a library opens them: a library reads a member
whole, trusting the size the archive declares, so a member that inflates far past it (a zip
bomb) would fill the memory before anything noticed."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from tm.errors import UserError

UNPACKED_LIMIT = 256 << 20  # a release is a few MB; more than this unpacked is a zip bomb
CHUNK = 1 << 16


def check_zip(path: str | Path) -> None:
    """Refuse an archive that names a member outside itself, declares more than any release
    unpacks to, or holds a member that does not inflate to what it declares. Every member is
    inflated once, a chunk at a time, so memory stays small whatever the archive holds."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(f"{path}: is not a readable zip container ({exc})") from None
    with archive:
        infos = archive.infolist()
        for info in infos:
            parts = re.split(r"[/\\]", info.filename)
            if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                raise UserError(f"{path}: has a member with an unsafe path ({info.filename!r}); refused")
        if sum(info.file_size for info in infos) > UNPACKED_LIMIT:
            raise UserError(
                f"{path}: would unpack to more than {UNPACKED_LIMIT >> 20} MB (a zip bomb?); refused"
            )
        for info in infos:
            try:
                with archive.open(info) as member:
                    while member.read(CHUNK):  # zipfile stops at the declared size, then checks the CRC
                        pass
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise UserError(
                    f"{path}: member {info.filename} does not unpack to what the archive declares ({exc}): "
                    "damaged, or a zip bomb; refused"
                ) from None
