"""The look-up web page behind `tm serve`: one search box answering from the glossary, the memory's
matches and its concordance, a page per term and per unit, and the same answers as JSON.

Read-only and answering with the library's own functions (glossary.lookup, Memory.lookup,
Memory.concordance, tm.align.renderings for how the memory renders a phrase), never a second
implementation. Imports tm.memory, glossary, tm.align and tm.text;
Starlette, uvicorn and Jinja2 are imported only here, never by the command line's start-up.
"""
