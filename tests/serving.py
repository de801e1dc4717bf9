"""A memory and glossary built for the `tm serve` tests (the seeds, plus entries and units whose
text is markup and template syntax), and `tm serve` run as a real process on a free port."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .conftest import ROOT, SAMPLE_TMX

SEED_GLOSSARY = ROOT / "seeds" / "glossary.csv"
# Would run, load an image or be evaluated if anything printed them unescaped.
HOSTILE_TARGET = '<script>window.__pwned = 1</script>"><img src=x onerror="window.__pwned = 2">{{ 7 * 7 }}'
HOSTILE_NOTE = '"><img src=x onerror=alert(1)><script>alert(2)</script> {{ 7 * 7 }} {% raw %}'
HOSTILE_TERM = "惡意標記"


def tm(*args: str, db: Path | str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tm", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )


def build_memory(folder: Path) -> Path:
    db = folder / "served.db"
    tm("import", str(SAMPLE_TMX), db=db)
    tm("glossary", "import", str(SEED_GLOSSARY), db=db)
    tm("glossary", "add", HOSTILE_TERM, HOSTILE_TARGET, "--note", HOSTILE_NOTE, "--domain", "<b>x</b>", db=db)
    rows = folder / "hostile.tsv"
    rows.write_text(
        "source\ttarget\tdocument\n"
        f"我們反對{HOSTILE_TERM}。\t{HOSTILE_TARGET} We oppose it.\t<i>doc</i>{{{{ 1 + 1 }}}}\n",
        encoding="utf-8",
    )
    tm("import", str(rows), db=db)
    return db


def fingerprint(db: Path) -> str:
    """Everything the memory file holds, as SQL text: equal fingerprints, unchanged memory."""
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode("utf-8")).hexdigest()
    finally:
        conn.close()


class Server:
    """`tm serve --port 0` in a child process; ``url`` is the address it printed. ``wait``: until
    it answers (only for loopback addresses: the tests send nothing elsewhere)."""

    def __init__(self, db: Path | str, *extra: str, wait: bool = True):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tm", "serve", "--db", str(db), "--port", "0", *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        line = self.proc.stdout.readline()
        if not line.startswith("tm serve: http://"):
            self.stop()
            raise AssertionError(f"tm serve did not start: {line}{self.proc.stderr.read()}")
        self.banner = line
        self.url = line.split()[2].rstrip("/")
        if wait:
            self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/static/tm.css", timeout=5).close()
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.1)

    def stop(self) -> str:
        """Stops the server; what it wrote on stderr."""
        self.proc.terminate()
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err
