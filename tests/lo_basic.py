"""LibreOffice driven by a Basic macro, headless, in a profile of its own: what a person does in
Calc (sort, save), done the way Calc's menus do it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

from .test_translate import SOFFICE

_MODULE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
    '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
    'script:language="StarBasic">{}</script:module>\n'
)


def run_basic(tmp_path: Path, code: str, macro: str, *args: str) -> None:
    """Run ``macro`` of the Basic ``code`` with string ``args`` (none may hold a double quote)."""
    profile = tmp_path / "lo-basic-profile"
    office = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    # The first start creates the profile with an empty Standard library, over anything put there.
    subprocess.run([*office, "--terminate_after_init"], check=True, capture_output=True, timeout=180)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    module.write_text(_MODULE.format(escape(code)), encoding="utf-8")
    call = f"macro:///Standard.Module1.{macro}(" + ",".join(f'"{a}"' for a in args) + ")"
    subprocess.run([*office, call], check=True, capture_output=True, timeout=180)
