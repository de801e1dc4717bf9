"""Offline MT models: argos-translate packages (.argosmodel), checked before they are installed.

Packages live where argos-translate keeps them (ARGOS_PACKAGES_DIR, else its data directory),
so models installed by argospm or LibreTranslate are found, and ours are found by them.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tm.errors import UserError

SOURCE_CODES = ("zh", "zt")  # simplified and traditional Chinese packages
TARGET_CODE = "en"
INDEX_URL = "https://github.com/argosopentech/argospm-index"
REQUIRED_FILES = ("metadata.json", "sentencepiece.model", "model/model.bin", "model/config.json")
REACH_TIMEOUT_S = 3.0  # an offline machine hears so at once, not after argos's minute of retries


@dataclass(frozen=True)
class Model:
    name: str  # directory name, e.g. translate-zh_en-1_9
    from_code: str
    to_code: str
    version: str
    path: Path
    size_bytes: int


def packages_dir() -> Path:
    """Where argos-translate packages are installed (ARGOS_PACKAGES_DIR respected)."""
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "argos-translate" / "packages"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _read_model(path: Path) -> Model | None:
    try:
        meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if meta.get("type", "translate") != "translate" or "from_code" not in meta:
        return None
    return Model(
        path.name,
        meta["from_code"],
        meta.get("to_code", ""),
        str(meta.get("package_version", "")),
        path,
        _size(path),
    )


def installed() -> list[Model]:
    """Installed translation packages, any language pair."""
    root = packages_dir()
    if not root.is_dir():
        return []
    found = (_read_model(p) for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith("."))
    return [m for m in found if m is not None]


def find(source: str = "zh", target: str = TARGET_CODE) -> Model | None:
    """The package for a pair: a traditional-Chinese (zt) package is preferred for zh-Hant input."""
    candidates = [m for m in installed() if m.to_code == target and m.from_code in SOURCE_CODES]
    preference = ("zt", "zh") if source in ("zt", "zh-Hant", "zh-TW", "zh-HK") else ("zh", "zt")
    for code in preference:
        for model in sorted(candidates, key=lambda m: m.version, reverse=True):
            if model.from_code == code:
                return model
    return None


def package_file(source: str = "zh", target: str = TARGET_CODE) -> str:
    """How the index's package files are named, e.g. translate-zh_en-1_9.argosmodel."""
    return f"translate-{source}_{target}-<version>.argosmodel"


def missing_model_help() -> str:
    return (
        "no Chinese→English model is installed. On a machine with internet access run "
        f"`tm models install zh en`, or download {package_file()} from the argos "
        f"package index ({INDEX_URL}) and run `tm models install FILE.argosmodel` here."
    )


def check_package(file: Path) -> tuple[str, dict]:
    """The package's top directory and metadata, after proving it loads; UserError otherwise."""
    if not file.is_file():
        raise UserError(f"{file}: no such file")
    if not zipfile.is_zipfile(file):
        raise UserError(f"{file}: not an argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            tops = {n.split("/", 1)[0] for n in names}
            if len(tops) != 1:
                raise UserError(f"{file}: an argos package holds exactly one top directory")
            (top,) = tops
            missing = [f for f in REQUIRED_FILES if f"{top}/{f}" not in names]
            if missing:
                raise UserError(f"{file}: not an argos translation package (missing {', '.join(missing)})")
            meta = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
            if meta.get("from_code") not in SOURCE_CODES or meta.get("to_code") != TARGET_CODE:
                raise UserError(
                    f"{file}: a {meta.get('from_code')}→{meta.get('to_code')} package; tm needs "
                    "Chinese→English (from_code zh or zt, to_code en)"
                )
            with tempfile.TemporaryDirectory() as tmp:
                archive.extractall(tmp)
                _load_check(Path(tmp) / top, file)
    except (zipfile.BadZipFile, EOFError, ValueError, KeyError) as exc:
        raise UserError(f"{file}: damaged package ({exc})") from None
    return top, meta


def _load_check(root: Path, file: Path) -> None:
    import ctranslate2
    import sentencepiece

    try:
        sentencepiece.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    except (OSError, RuntimeError) as exc:
        raise UserError(f"{file}: the SentencePiece model does not load ({exc})") from None
    try:
        ctranslate2.Translator(str(root / "model"), device="cpu")
    except (RuntimeError, ValueError, OSError) as exc:
        raise UserError(f"{file}: the CTranslate2 model does not load; truncated? ({exc})") from None


def install(file: str | Path) -> Model:
    """Check a package, then install it with argostranslate.package; all or nothing."""
    file = Path(file)
    top, _ = check_package(file)
    target = packages_dir() / top
    existed = target.exists()
    packages_dir().mkdir(parents=True, exist_ok=True)
    try:
        _argos().install_from_path(file)
    except BaseException:
        if not existed:
            shutil.rmtree(target, ignore_errors=True)
        raise
    model = _read_model(target)
    if model is None:
        raise UserError(f"{file}: installed, but argos put it elsewhere than {target}")
    return model


def remove(name_or_pair: str) -> Model:
    """Remove a package by directory name (translate-zh_en-1_9) or pair (zh-en, zh_en)."""
    wanted = name_or_pair.replace("-", "_")
    for model in installed():
        if model.name == name_or_pair or f"{model.from_code}_{model.to_code}" == wanted:
            shutil.rmtree(model.path)
            return model
    raise UserError(f"no installed package {name_or_pair!r}; `tm models list` shows them")


def _argos():
    """argostranslate.package, told to keep packages where tm looks (it reads the setting once)."""
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(packages_dir()))
    import argostranslate.package

    return argostranslate.package


def _offline_help(source: str, target: str, reason: str) -> str:
    name = package_file(source, target)
    return (
        f"cannot reach the argos package index ({reason}).\n"
        f"On a machine with internet access download {name}\n"
        f"(e.g. translate-zh_en-1_9.argosmodel; {INDEX_URL} lists them),\n"
        f"copy it here and run: tm models install {name}"
    )


def unreachable(url: str, timeout: float = REACH_TIMEOUT_S) -> str | None:
    """None when a connection to the URL's host opens within ``timeout``, else why not. The
    attempt runs in a thread because the name lookup ignores socket timeouts."""
    parts = urlsplit(url)
    address = (parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
    outcome: list[str | None] = []

    def connect() -> None:
        try:
            socket.create_connection(address, timeout=timeout).close()
            outcome.append(None)
        except OSError as exc:
            outcome.append(f"{address[0]}: {exc.strerror or exc}")

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout)
    return outcome[0] if outcome else f"{address[0]}: no answer in {timeout:g} s"


def download_and_install(source: str, target: str) -> Model:
    """Fetch the pair from the argos package index (needs a network), then install it. The index
    host is tried once first: offline, argos retries for a minute, logging every failure."""
    package = _argos()
    from argostranslate import settings

    problem = unreachable(settings.remote_package_index)
    if problem:
        raise UserError(_offline_help(source, target, problem))
    logging.getLogger("argostranslate.utils").disabled = True  # its noise; the error below says it all
    try:
        package.update_package_index()  # logs and returns when the download fails
        if not Path(settings.local_package_index).is_file():
            raise UserError(_offline_help(source, target, "the index did not download"))
        pair = (source, target)
        available = [p for p in package.get_available_packages() if (p.from_code, p.to_code) == pair]
        if not available:
            raise UserError(f"the argos package index has no {source}→{target} package")
        downloaded = Path(available[0].download())
    except UserError:
        raise
    except Exception as exc:  # the network went away mid-download: say what to do instead
        raise UserError(_offline_help(source, target, str(exc) or type(exc).__name__)) from None
    return install(downloaded)
