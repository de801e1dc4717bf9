"""A glossary entry: one concept with its approved rendering and what else is known about it."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("approved", "proposed", "deprecated")
DEFAULT_GLOSSARY = "general"
# What a translator curates in an entry (and what the interchange formats carry, with glossary).
CONTENT_FIELDS = (
    "source",
    "target",
    "source_variants",
    "alternatives",
    "forbidden",
    "note",
    "domain",
    "reference",
    "status",
    "case_sensitive",
)


@dataclass
class Entry:
    source: str
    target: str  # the approved rendering
    source_variants: list[str] = field(default_factory=list)  # more source forms
    alternatives: list[str] = field(default_factory=list)  # other accepted renderings
    forbidden: list[str] = field(default_factory=list)
    note: str | None = None
    domain: str | None = None
    reference: str | None = None  # where the rendering is documented
    status: str = "approved"
    case_sensitive: bool = False  # the English must match case exactly
    glossary: str = DEFAULT_GLOSSARY
    source_lang: str = "zh"
    target_lang: str = "en"
    created_at: str | None = None
    changed_at: str | None = None
    id: int | None = None

    @property
    def source_forms(self) -> list[str]:
        return [self.source, *self.source_variants]

    @property
    def accepted(self) -> list[str]:
        return [self.target, *self.alternatives]
