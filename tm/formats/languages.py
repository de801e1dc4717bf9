"""Which languages of a multilingual file (TMX, TBX) are the pair to read. Chinese and English
are picked by family (zh, zh-CN, zh-Hans, zh-TW, zh-Hant, zh-HK; en-*), so a file in zh-CN and
en-US needs no option; the real tags are kept. A unit holding two variants of one side (zh-CN and
zh-TW) is a question only the user can answer: the reader asks for --source-lang/--target-lang.
A unit lacking one side is a gap, not an error: it is skipped and its line reported."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tm.errors import UserError
from tm.text.langs import family, normalize_lang

_SIDE_NAMES = {"zh": "Chinese", "en": "English"}


def _key(tag: str) -> str:
    return tag.replace("_", "-").lower()


def _shown(lines: list[int], limit: int = 10) -> str:
    more = f" and {len(lines) - limit} more" if len(lines) > limit else ""
    return ", ".join(str(n) for n in lines[:limit]) + more


@dataclass
class PairReading:
    """The pair a reader takes from each unit, and what it read and skipped on the way."""

    name: str  # the file, for messages
    source: str | None = None  # --source-lang (None: any Chinese variant)
    target: str | None = None  # --target-lang (None: any English variant)
    unit: str = "unit"  # what the file calls a unit (<tu>, entry), for messages
    units: str = "units"  # and more than one
    read: Counter = field(default_factory=Counter)  # (source tag, target tag) -> units read
    skipped: list[int] = field(default_factory=list)  # lines of units lacking a side
    seen: Counter = field(default_factory=Counter)  # every language tag met, for the summary

    def pick(self, tags: list[str], line: int, prefer: str | None = None) -> tuple[str, str] | None:
        """(source tag, target tag), as the file writes them, among the languages a unit holds
        text in; None (and the line kept) when one side is missing. ``prefer``: the source the
        file itself names (TMX srclang), heeded when it is Chinese and no --source-lang was given."""
        self.seen.update(list(dict.fromkeys(tags)))
        wanted = self.source or (prefer if prefer and family(prefer) == "zh" else None)
        source = self._one(tags, wanted or "zh", "--source-lang", line, exact=bool(wanted))
        others = [t for t in tags if family(t) != family(wanted or "zh")]
        target = self._one(others, self.target or "en", "--target-lang", line, exact=bool(self.target))
        if source is None or target is None:
            self.skipped.append(line)
            return None
        self.read[(self.tag(source, line), self.tag(target, line))] += 1
        return source, target

    def tag(self, tag: str, line: int) -> str:
        """The tag as stored (zh_cn → zh-CN); one that is no language tag is an error."""
        try:
            return normalize_lang(tag)
        except UserError as exc:
            raise UserError(f"{self.name}: line {line}: {exc}") from None

    def _one(self, tags: list[str], wanted: str, option: str, line: int, exact: bool) -> str | None:
        """The one tag of ``wanted``'s family; where the unit holds several, the one named
        (``exact``: an option or the file named it), else a question."""
        variants: dict[str, str] = {}
        for tag in tags:
            if family(tag) == family(wanted):
                variants.setdefault(_key(tag), tag)  # zh-CN and zh_cn are one variant
        candidates = list(variants.values())
        named = [t for t in candidates if exact and _key(t) == _key(wanted)]
        if named or len(candidates) <= 1:
            return (named or candidates or [None])[0]
        side = _SIDE_NAMES.get(family(wanted), family(wanted))
        choices = " or ".join(f"{option} {t}" for t in candidates)
        raise UserError(
            f"{self.name}: line {line}: the {self.unit} holds {side} in {len(candidates)} variants "
            f"({', '.join(candidates)}): say which to read ({choices})"
        )

    def summary(self) -> list[str]:
        """What was read, and the units skipped with their lines."""
        pairs = ", ".join(
            f"{s} → {t}" + (f" ({n})" if len(self.read) > 1 else "") for (s, t), n in self.read.items()
        )
        out = [f"read {pairs}"] if pairs else []
        if self.skipped:
            count = len(self.skipped)
            what = f"{count} {self.unit if count == 1 else self.units} without both {self._sides()}"
            out.append(f"skipped {what}: line{'s' if count > 1 else ''} {_shown(self.skipped)}")
        return out

    def check_any(self) -> None:
        """Refuse a file none of whose units holds the pair: the wrong file, or other languages."""
        if self.skipped and not self.read:
            held = ", ".join(self.seen) or "none"
            raise UserError(
                f"{self.name}: no {self.unit} holds both {self._sides()} (the file's languages: {held}); "
                "pass --source-lang and --target-lang to read other languages"
            )

    def _sides(self) -> str:
        source, target = (family(tag) for tag in (self.source or "zh", self.target or "en"))
        return f"{_SIDE_NAMES.get(source, source)} and {_SIDE_NAMES.get(target, target)}"
