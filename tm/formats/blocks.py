"""What every document reader (docx, html, xliff) hands the pipeline: blocks of text with
placeholders. The readers import this, never the registry (tm.formats.documents) that picks
between them, so no format module depends on another."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One translatable piece: its text with placeholders, what they stand for, and where it is."""

    text: str
    tags: dict = field(default_factory=dict)
    node: object = None
    extra: dict = field(default_factory=dict)  # format-specific (a proposal, the run properties)
