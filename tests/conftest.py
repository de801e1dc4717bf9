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


def cli_invoker(db, user: str | None = None):
    """`tm` run in-process on the memory ``db`` (TM_DB, so no default memory of the user's is ever
    read), as ``user`` (TM_USER) when one is given; each call may name another ``user`` or ``db``."""
    from click.testing import CliRunner

    from tm.cli import cli

    runner = CliRunner()

    def invoke(*args, user: str | None = user, db=db):
        env = {"TM_DB": str(db), **({"TM_USER": user} if user is not None else {})}
        return runner.invoke(cli, [str(a) for a in args], env=env)

    return invoke


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """Modules that set BOTH_BACKENDS = True run every test that takes a memory against SQLite and
    against a real PostgreSQL server (tests marked sqlite_only are about the file itself)."""
    both = getattr(metafunc.module, "BOTH_BACKENDS", False)
    if (
        "backend" in metafunc.fixturenames
        and both
        and not metafunc.definition.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: a test of the SQLite file itself (not run on PostgreSQL)"
    )


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the session (each test gets a database of its own)."""
    from . import pgserver

    if pgserver.binaries() is None:
        if os.environ.get("TM_REQUIRE_POSTGRES"):
            pytest.fail("TM_REQUIRE_POSTGRES is set but PostgreSQL (initdb) is not installed")
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed: apt-get install postgresql")
    server = pgserver.start()
    yield server
    server.stop()


@pytest.fixture
def db_path(backend: str, tmp_path: Path, request):
    """Where the test's memory lives: a SQLite file, or a fresh database with tm's schema on the
    test server (a postgresql:// URL, password included, as a user would give it)."""
    if backend == "sqlite":
        return tmp_path / "memory.db"
    return request.getfixturevalue("pg_server").new_database()


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
