"""`tm serve`: the look-up page and JSON API of tm.web, on this machine only unless asked."""

from __future__ import annotations

import click

from tm.cli.common import db_option, memory_at, termbase_of
from tm.errors import UserError


def _listen(host: str, port: int):
    """A bound, listening socket: a taken port or an unknown host is one clear message before
    anything starts (and --port 0 gets a free port, printed)."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise UserError(f"--host {host}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise UserError(
            f"cannot listen on {host} port {port}: {exc.strerror} (choose another --port)"
        ) from None
    sock.listen(128)
    return sock


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port (0: any free one).",
)
@click.option(
    "--threads", type=click.IntRange(1, 64), default=4, show_default=True, help="Look-ups answered at once."
)
def serve(db: str | None, host: str, port: int, threads: int) -> None:
    """A search page over the glossary and the memory, with a JSON API (/api/lookup?q=…), for
    browsers and CAT-tool plug-ins. Read-only. Listens on this machine only unless --host says
    otherwise."""
    import ipaddress

    import uvicorn

    from tm.web.app import create_app

    with memory_at(db) as memory:  # a mistyped --db is refused here, naming the path
        # the location shown never holds a password; the workers open what --db gave
        where, units, terms = memory.location, memory.count(), termbase_of(memory).count()
        source = memory.file or db
    sock = _listen(host, port)
    address, bound_port = sock.getsockname()[:2]
    local = ipaddress.ip_address(address).is_loopback
    if not local:
        click.echo(
            f"warning: listening on {address}: anyone who can reach this machine can search the memory "
            "and the glossary, and every look-up travels over the network unencrypted",
            err=True,
        )
    shown = f"[{address}]" if ":" in address else address
    click.echo(
        f"tm serve: http://{shown}:{bound_port}/ ({where}: {units:,} units, {terms:,} glossary entries; "
        "read-only). Ctrl-C stops it."
    )
    config = uvicorn.Config(
        create_app(source, threads, local_only=local, name=memory.file.name if memory.file else where),
        log_level="warning",
        access_log=False,  # queries are the translators' business
        server_header=False,
        h11_max_incomplete_event_size=16 * 2**20,  # a huge query gets the page's 400, not a reset
        timeout_graceful_shutdown=5,
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # Ctrl-C: uvicorn has shut down cleanly and passes the signal on
        click.echo("tm serve: stopped", err=True)


COMMANDS = [serve]
