"""MT evaluation with sacrebleu (BLEU, chrF, TER, each with its signature) and term accuracy."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MTScores:
    bleu: float
    chrf: float
    ter: float
    signatures: dict[str, str]
    segments: int
    term_hits: int | None = None
    term_total: int | None = None
    per_segment: list[tuple[float, float, float]] = field(default_factory=list)

    @property
    def term_accuracy(self) -> float | None:
        if not self.term_total:
            return None
        return self.term_hits / self.term_total


def score_mt(
    hyps: list[str],
    refs: list[str],
    target_lang: str = "en",
    per_segment: bool = False,
    sources: list[str] | None = None,
    recognizer=None,
) -> MTScores:
    """Corpus scores (and optionally sentence scores) of hypotheses against one reference each."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    tokenize = "zh" if target_lang.lower().startswith("zh") else "13a"
    bleu, chrf, ter = BLEU(tokenize=tokenize), CHRF(), TER(asian_support=tokenize == "zh")
    scores = MTScores(
        bleu=bleu.corpus_score(hyps, [refs]).score,
        chrf=chrf.corpus_score(hyps, [refs]).score,
        ter=ter.corpus_score(hyps, [refs]).score,
        signatures={
            "bleu": str(bleu.get_signature()),
            "chrf": str(chrf.get_signature()),
            "ter": str(ter.get_signature()),
        },
        segments=len(hyps),
    )
    if per_segment:
        sentence_bleu = BLEU(tokenize=tokenize, effective_order=True)
        scores.per_segment = [
            (
                sentence_bleu.sentence_score(h, [r]).score,
                chrf.sentence_score(h, [r]).score,
                ter.sentence_score(h, [r]).score,
            )
            for h, r in zip(hyps, refs)
        ]
    if sources is not None and recognizer is not None:
        scores.term_hits, scores.term_total = term_accuracy(sources, hyps, recognizer)
    return scores


def term_accuracy(sources: list[str], hyps: list[str], recognizer) -> tuple[int, int]:
    """(recognized term occurrences whose approved or accepted rendering is in the output, all)."""
    from glossary.match import find_accepted

    hits = total = 0
    for source, hyp in zip(sources, hyps):
        for hit in recognizer.find(source):
            total += 1
            hits += bool(find_accepted(hyp, hit.entry))
    return hits, total
