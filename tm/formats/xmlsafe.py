"""Expat parsers that refuse entity declarations and external entities (no billion laughs,
no local files read through XXE), for every XML format the tool reads."""

from __future__ import annotations

import zipfile
import zlib
from xml.parsers import expat

from tm.errors import UserError


def hardened_parser(name: str) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse_entity(entity, *_args) -> None:
        raise UserError(
            f"{name}: line {parser.CurrentLineNumber}: entity declaration {entity!r} "
            "refused (entities are not allowed)"
        )

    def refuse_external(*_args) -> int:
        raise UserError(f"{name}: line {parser.CurrentLineNumber}: external entity refused")

    parser.EntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    parser.buffer_text = True
    return parser


def parse_file(parser: expat.XMLParserType, path, chunk: int = 1 << 16):
    """Parse a file in chunks, yielding after each so that callers can stream results."""
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UserError(f"{name}: cannot read ({exc.strerror})") from None
    with handle:
        yield from parse_stream(parser, handle, name, chunk)


def parse_stream(parser: expat.XMLParserType, handle, name: str, chunk: int = 1 << 16):
    """Parse an open binary stream in chunks, yielding after each (as parse_file)."""
    while True:
        try:
            data = handle.read(chunk)
        except (zlib.error, zipfile.BadZipFile, EOFError) as exc:  # a damaged member of a zip package
            raise UserError(f"{name}: damaged, it does not decompress ({exc}); the file is corrupt") from None
        try:
            parser.Parse(data, not data)
        except expat.ExpatError as exc:
            raise UserError(
                f"{name}: line {exc.lineno}: bad XML ({expat.errors.messages[exc.code]})"
            ) from None
        yield
        if not data:
            return
