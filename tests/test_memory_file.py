"""A mistyped --db never becomes an empty memory: commands that only read refuse a file that does
not exist; commands that write create it and say so."""

import pytest
from click.testing import CliRunner

from tm.cli import cli

from .conftest import SAMPLE_TMX, SEED


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize(
    "command",
    [
        ["lookup", "四是拓展全方位合作。"],
        ["concordance", "合作"],
        ["stats"],
        ["glossary", "lookup", "上海精神"],
        ["glossary", "list"],
        ["glossary", "export", "{tmp}/g.csv"],
        ["export", "{tmp}/all.tmx"],
        ["translate", str(SEED), "--no-mt", "-o", "{tmp}/s.xlsx"],
        ["glossary", "check", "--source", "上海精神", "--target", "Shanghai Spirit"],
    ],
)
def test_read_only_commands_refuse_a_memory_that_does_not_exist(tmp_path, command):
    typo = tmp_path / "sub" / "typo.db"
    args = [a.replace("{tmp}", str(tmp_path)) for a in command]
    result = _run(*args, "--db", typo)
    assert result.exit_code != 0
    assert f"{typo}: no memory there" in result.output and "Traceback" not in result.output
    assert not typo.exists() and not typo.parent.exists()
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_writing_commands_create_the_memory_and_say_so_once(tmp_path):
    db = tmp_path / "new.db"
    first = _run("import", SAMPLE_TMX, "--db", db)
    assert first.exit_code == 0 and f"created a new memory: {db}" in first.output
    second = _run("import", SAMPLE_TMX, "--db", db)
    assert second.exit_code == 0 and "created a new memory" not in second.output
