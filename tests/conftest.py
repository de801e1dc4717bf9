"""Shared fixtures: the seed document and fresh memories in temporary SQLite files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports argostranslate (it reads this once): the tests install models into a
# directory of their own, never into the user's.
os.environ["ARGOS_PACKAGES_DIR"] = tempfile.mkdtemp(prefix="tm-test-argos-")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "xinhua-wang-yi-interview-2020-09-16.zh-Hant.txt"
SAMPLE_TMX = ROOT / "seeds" / "sample-memory.tmx"


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "memory.db"


@pytest.fixture
def memory(db_path: Path):
    from tm.memory import open_memory

    with open_memory(db_path, user="tester") as m:
        yield m


@pytest.fixture(scope="session")
def tiny_package(request) -> Path:
    """The tiny zh→en .argosmodel, trained once per recipe and cached between runs."""
    from .tiny_mt import build_package

    return build_package(Path(request.config.cache.mkdir("tiny-mt")))


@pytest.fixture(scope="session")
def tiny_model(tiny_package):
    """The tiny package installed with `tm models install`'s code path."""
    from tm.mt import packages as models

    installed = models.find()
    return installed or models.install(tiny_package)
