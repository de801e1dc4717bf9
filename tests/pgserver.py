"""A real PostgreSQL server for the tests: initdb and pg_ctl from Debian's postgresql package, in
a temporary directory, on a free loopback port, stopped at the end. initdb refuses to run as
root (CI runs as root), so there it runs as the postgres system user the package creates.

TM_REQUIRE_POSTGRES=1 (set by .ci/run) turns a missing server into a failure, not a skip."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

ADMIN, PASSWORD = "tm_admin", "s3cret-pa55"  # the password must never appear in tm's output


def binaries() -> Path | None:
    """The directory of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    root: Path
    port: int
    as_user: list[str]
    options: str = ""
    template_ready: bool = False

    def url(self, database: str = "postgres", user: str = ADMIN, password: str | None = PASSWORD) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, with_schema: bool = True) -> str:
        """A fresh database's URL: every test gets its own, copied from a template that holds tm's
        schema already (`tm db init` once, not per test)."""
        if with_schema and not self.template_ready:
            from tm.memory.postgres import init_server

            self.admin("CREATE DATABASE tm_template")
            init_server(self.url("tm_template"), [])
            self.template_ready = True
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name}" + (" TEMPLATE tm_template" if with_schema else ""))
        return self.url(name)

    def _pg_ctl(self, *args: str) -> None:
        data = self.root / "data"
        subprocess.run(
            [*self.as_user, str(binaries() / "pg_ctl"), "-D", str(data), *args],
            check=True,
            capture_output=True,
        )

    def pause(self) -> None:
        """Stop the server as an administrator would (its data kept): connections are cut."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def resume(self) -> None:
        self._pg_ctl("-o", self.options, "-l", str(self.root / "data" / "log"), "-w", "start")

    def stop(self) -> None:
        bindir = binaries()
        subprocess.run(
            [*self.as_user, str(bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    bindir = binaries()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="tm-pg-"))
    os.chmod(root, 0o755)  # the postgres user must reach its data directory
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data, pwfile = root / "data", root / "pw"
    pwfile.write_text(PASSWORD + "\n")
    os.chmod(pwfile, 0o644)
    if as_user:
        data.mkdir()
        shutil.chown(data, "postgres", "postgres")
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, text=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(data), "-U", ADMIN, f"--pwfile={pwfile}", "--auth=scram-sha-256",
        "-E", "UTF8", "--locale=C")  # fmt: skip
    port = _free_port()
    options = f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} -c fsync=off"
    options += " -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(data / "log"), "-w", "start")
    return Server(root, port, as_user, options)
