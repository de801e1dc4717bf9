"""Shared fixtures: the seed document and fresh memories in temporary SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

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
    from tm.store import Memory

    with Memory(db_path, user="tester") as m:
        yield m
