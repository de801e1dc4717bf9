"""The web application: routes, one read-only memory connection per worker thread, security
headers on every response, and errors that say what was wrong without a stack trace."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from glossary.store import Termbase
from tm.errors import UserError
from tm.memory import open_memory
from tm.web import answers
from tm.web.query import MAX_ID, BadRequest, int_param, parse_query_string, text_param
from tm.web.render import HERE, environment

READ_ONLY = {"sqlite": "PRAGMA query_only = ON", "postgresql": "SET default_transaction_read_only = on"}
LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]", "::1"]
SECURITY_HEADERS = {
    # No inline script or style anywhere: a value that slipped through escaping still could not run.
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # a query in the URL never goes on to another site
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Reader:
    """What one worker thread reads with: the memory, opened in that thread (a SQLite connection
    belongs to the thread that opened it) and set to refuse writes (SQLite's query_only, or a
    PostgreSQL session of read-only transactions), its glossary, and the glossary's recognizer,
    rebuilt when the glossary has changed since."""

    def __init__(self, db: str | Path | None):
        self.memory = open_memory(db, create=False)
        self.conn = self.memory.conn
        self.sqlite = isinstance(self.conn, sqlite3.Connection)
        self.conn.execute(READ_ONLY["sqlite" if self.sqlite else "postgresql"])
        self.termbase = Termbase(self.conn)
        self._recognizer, self._version = None, None

    def _glossary_version(self):
        """Changes whenever the glossary may have: SQLite counts commits by other connections;
        on a server, the terms' count, last id and last change tell."""
        if self.sqlite:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        return tuple(self.conn.execute("SELECT count(*), max(id), max(changed_at) FROM terms").fetchone())

    def lost(self, exc: Exception) -> bool:
        """Whether the connection died under ``exc`` (the team's server restarted): a new one
        may answer. A SQLite file's connection does not die so."""
        return not self.sqlite and (self.conn.raw.closed or self.conn.raw.broken)

    def close(self) -> None:
        self.memory.close()

    def recognizer(self):
        version = self._glossary_version()
        if self._recognizer is None or version != self._version:
            self._recognizer, self._version = self.termbase.recognizer(), version
        return self._recognizer


class Unavailable(Exception):
    """The memory's server cannot be reached now (503; the next request tries again)."""


class Readers:
    """A Reader per worker thread; look-ups run there, off the event loop."""

    def __init__(self, db: str | Path | None, threads: int):
        self.db, self.threads = db, threads
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="tm-serve")

    async def run(self, work: Callable, *args):
        """work(reader, *args) in a worker thread."""

        def call():
            for retry in (False, True):
                if getattr(self.local, "reader", None) is None:
                    try:
                        self.local.reader = Reader(self.db)
                    except UserError as exc:  # the server is down: a later request may find it up
                        raise Unavailable(str(exc)) from None
                reader = self.local.reader
                try:
                    return work(reader, *args)
                except Exception as exc:
                    if retry or not reader.lost(exc):
                        raise
                    self.local.reader = None  # reconnect: a look-up only reads, so it is tried again
                    with contextlib.suppress(Exception):
                        reader.close()

        return await asyncio.get_running_loop().run_in_executor(self.pool, call)

    async def warm_up(self) -> None:
        """Every worker thread opens its memory and answers one look-up (which loads the script
        and pinyin tables and builds the recognizer) before the first user waits on it; the
        barrier holds each thread until all have started, so each one gets a look-up."""
        barrier = threading.Barrier(self.threads)

        def first(reader: Reader) -> None:
            answers.search(reader.memory, reader.termbase, "國(guó)", recognizer=reader.recognizer)
            barrier.wait(timeout=60)

        await asyncio.gather(*(self.run(first) for _ in range(self.threads)))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class Headers:
    """Security headers and the server's own time (Server-Timing) on every response, errors
    included: it wraps the whole application."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(SECURITY_HEADERS)
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(db: str | Path | None, threads: int = 4, local_only: bool = True, name: str = "memory"):
    """The ASGI application serving the memory ``db`` names (as --db does; it must exist);
    ``name``: what the page calls it."""
    readers = Readers(db, threads)
    env = environment()
    site = {"memory_name": name}

    def html(name: str, code: int = 200, **context) -> HTMLResponse:
        body = env.get_template(name).render(site=site, **context)
        return HTMLResponse(body, code, headers={"Cache-Control": "no-cache"})

    def params(request: Request) -> dict[str, str]:
        return parse_query_string(request.scope.get("query_string", b""))

    async def search(request: Request) -> answers.Answer:
        p = params(request)
        query = text_param(p, "q") or ""
        min_score = int_param(p, "min", answers.MIN_SCORE, 50, 100)
        prev, next_ = text_param(p, "prev"), text_param(p, "next")
        if not query.strip():
            return answers.Answer(query, min_score=min_score)
        return await readers.run(
            lambda r: answers.search(r.memory, r.termbase, query, min_score, prev, next_, r.recognizer)
        )

    def path_id(request: Request, what: str) -> int:
        value = request.path_params["item_id"]
        if value > MAX_ID:
            raise HTTPException(404, f"no {what} {value}")
        return value

    async def index(request: Request) -> Response:
        answer = await search(request)
        return html("index.html", answer=answer, query=answer.query)

    async def results(request: Request) -> Response:
        return html("_results.html", answer=await search(request))

    async def term(request: Request) -> Response:
        term_id = path_id(request, "glossary entry")
        page = await readers.run(lambda r: answers.term_page(r.memory, r.termbase, term_id))
        if page is None:
            raise HTTPException(404, f"no glossary entry {term_id} (removed, or the link is wrong)")
        return html("term.html", page=page, query=page.entry.source)

    async def unit(request: Request) -> Response:
        unit_id = path_id(request, "unit")
        found = await readers.run(lambda r: answers.unit_page(r.memory, unit_id))
        if found is None:
            raise HTTPException(404, f"no unit {unit_id} in the memory (deleted? `tm history {unit_id}`)")
        return html("unit.html", unit=found[0], history=found[1], query=found[0].source)

    async def api_lookup(request: Request) -> Response:
        return JSONResponse(answers.answer_json(await search(request)))

    async def api_term(request: Request) -> Response:
        term_id = path_id(request, "glossary entry")
        page = await readers.run(lambda r: answers.term_page(r.memory, r.termbase, term_id))
        if page is None:
            raise HTTPException(404, "no such glossary entry")
        return JSONResponse(answers.term_json(page))

    async def api_unit(request: Request) -> Response:
        unit_id = path_id(request, "unit")
        found = await readers.run(lambda r: answers.unit_page(r.memory, unit_id))
        if found is None:
            raise HTTPException(404, f"no unit {unit_id} in the memory")
        return JSONResponse(answers.unit_page_json(*found))

    def error(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status)
        if request.url.path == "/results":  # replaces the results as the user types
            return html("_error.html", status, status=status, message=message)
        return html("error.html", status, status=status, message=message, query="")

    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "no such page"
        response = error(request, exc.status_code, message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def bad_request(request: Request, exc: Exception) -> Response:
        return error(request, 400, str(exc))

    async def unavailable(request: Request, exc: Exception) -> Response:
        return error(request, 503, f"the memory cannot be read now ({exc}); try again")

    async def server_error(request: Request, exc: Exception) -> Response:
        # uvicorn logs the traceback on the server's terminal; the client gets only this.
        if type(exc).__module__.startswith("psycopg"):  # the team's database server, not the query
            return error(request, 503, "the memory's server did not answer; try again")
        return error(request, 500, "the server could not answer this; its log says why")

    @asynccontextmanager
    async def lifespan(app):
        await readers.warm_up()
        yield
        readers.close()

    routes = [
        Route("/", index),
        Route("/results", results),
        Route("/term/{item_id:int}", term),
        Route("/unit/{item_id:int}", unit),
        Route("/api/lookup", api_lookup),
        Route("/api/term/{item_id:int}", api_term),
        Route("/api/unit/{item_id:int}", api_unit),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    hosts = LOCAL_HOSTS if local_only else ["*"]  # a page elsewhere must not read it through DNS rebinding
    app = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False)],
        exception_handlers={
            HTTPException: http_error,
            BadRequest: bad_request,
            UserError: bad_request,
            sqlite3.OperationalError: unavailable,  # locked, or the disk failed: not the query's fault
            Unavailable: unavailable,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    return Headers(app)
