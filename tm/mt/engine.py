"""The batch MT engine: an installed argos package's CTranslate2 and SentencePiece models, driven
directly over lists of segments (argostranslate.translate is never imported: it loads stanza
and torch, seconds of start-up, and re-splits text we have already segmented).

Glossary enforcement, measured on the test model (see README): for the segments whose output
lacks an approved rendering,
1. where the output holds a forbidden rendering, the output up to it plus the approved
   rendering is forced as a target prefix and the model completes the sentence;
2. the segment is decoded again for more hypotheses with the forbidden renderings suppressed
   (CTranslate2 ``suppress_sequences``);
3. the candidate missing the fewest approved renderings wins (the first output stays a
   candidate and wins ties, so enforcement never makes a result worse); what is still
   missing is flagged for the reviewer.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from tm.errors import UserError
from tm.mt.packages import Model, find, missing_model_help
from tm.text.normalize import strip_ruby, to_simplified

MAX_SOURCE_TOKENS = 200  # longer segments are split at clause punctuation
MAX_DECODING_TOKENS = 256  # an output never runs longer (nor past twice the input + 16)
ENFORCE_NBEST = 4  # hypotheses considered when a segment holds glossary terms
LENGTH_PENALTY = 0.2  # argos-translate's setting: the same outputs as its own path
_CLAUSE_RE = re.compile(r"(?<=[，,；;：:、])")


@dataclass
class Translation:
    source: str
    text: str
    confidence: float  # exp(mean token log-probability), 0–1
    alternatives: list[tuple[str, float]] = field(default_factory=list)  # n-best (text, confidence)
    missing_terms: list[str] = field(default_factory=list)  # approved renderings not in the text
    enforced: bool = False  # the glossary changed the output (a forced or re-decoded hypothesis won)


def _device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


class Engine:
    """One loaded model; translate lists of segments in token-budget batches."""

    def __init__(
        self,
        model: Model | None = None,
        device: str = "cpu",
        threads: int = 0,
        beam_size: int = 4,
        max_batch_tokens: int = 2048,
        decoding: dict | None = None,
        compute_type: str = "auto",
    ):
        """``decoding``: extra CTranslate2 options (benchmarks fix the output length with them)."""
        import ctranslate2
        import sentencepiece

        model = model or find()
        if model is None:
            raise UserError(missing_model_help())
        self.model = model
        self.beam_size = beam_size
        self.max_batch_tokens = max_batch_tokens
        self.decoding = decoding or {}
        try:
            self.translator = ctranslate2.Translator(
                str(model.path / "model"),
                device=_device(device),
                inter_threads=1,
                intra_threads=threads,
                compute_type=compute_type,  # "auto": int8 where the CPU has it, as argos does
            )
        except (RuntimeError, ValueError) as exc:
            hint = (
                " CTranslate2's CUDA build needs the CUDA 12 runtime (cuBLAS); see the README."
                if device != "cpu"
                else ""
            )
            raise UserError(f"cannot load {model.name} on {device}: {exc}.{hint}") from None
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
        meta = json.loads((model.path / "metadata.json").read_text(encoding="utf-8"))
        self.target_prefix = meta.get("target_prefix", "")  # multilingual packages need one

    def _text(self, pieces: list[str]) -> str:
        if self.target_prefix and pieces[:1] == [self.target_prefix]:
            pieces = pieces[1:]
        return self.sp.decode(pieces)

    def prepare(self, segment: str) -> str:
        """What the model reads: pinyin stripped, simplified for a zh model."""
        text = strip_ruby(segment).strip()  # spacing as given: the model saw text like this
        return to_simplified(text) if self.model.from_code == "zh" else text

    def _pieces(self, text: str) -> list[list[str]]:
        """Token pieces of a segment, split at clause punctuation when it is too long."""
        pieces = self.sp.encode(text, out_type=str)
        if len(pieces) <= MAX_SOURCE_TOKENS:
            return [pieces]
        chunks, current = [], ""
        for clause in _CLAUSE_RE.split(text):
            if current and len(self.sp.encode(current + clause)) > MAX_SOURCE_TOKENS:
                chunks.append(current)
                current = ""
            current += clause
        chunks.append(current)
        out = []
        for chunk in chunks:  # a clause longer than the limit is cut by tokens
            tokens = self.sp.encode(chunk, out_type=str)
            out += [tokens[i : i + MAX_SOURCE_TOKENS] for i in range(0, len(tokens), MAX_SOURCE_TOKENS)]
        return out

    def translate(
        self, segments: list[str], beam_size: int | None = None, n_best: int = 1, recognizer=None
    ) -> list[Translation]:
        """Translations in input order; a segment repeated in the list is translated once.

        ``recognizer`` (glossary.match.Recognizer) turns on glossary enforcement."""
        beam = beam_size or self.beam_size
        prepared = [self.prepare(s) for s in segments]
        unique = list(dict.fromkeys(p for p in prepared if p))
        terms = {text: (recognizer.find(text) if recognizer else []) for text in unique}
        done = dict(zip(unique, self._decode(unique, beam, n_best)))
        retry = [t for t in unique if terms[t] and _missing(done[t][0][0], terms[t])]
        if retry:
            self._enforce(retry, terms, done, beam)
        out = []
        for segment, text in zip(segments, prepared):
            if not text:
                out.append(Translation(segment, "", 1.0))
                continue
            result = done[text]
            hits = terms.get(text) or []
            if hits:
                out.append(_choose(segment, result, hits, n_best))
            else:
                out.append(Translation(segment, *result[0], alternatives=result[1:n_best]))
        return out

    def _enforce(self, texts: list[str], terms: dict, done: dict, beam: int) -> None:
        """More candidates for segments whose best output lacks an approved rendering; the first
        decoding stays a candidate (and comes first), so enforcement never makes a result worse.

        (a) Where the output holds a forbidden rendering, the output up to it plus the approved
            rendering is forced as a target prefix and the model completes the sentence.
        (b) The segment is decoded for more hypotheses with forbidden renderings suppressed.
        """
        from glossary.match import find_forbidden

        forced: list[tuple[str, str]] = []
        for text in texts:
            best = done[text][0][0]
            for hit in terms[text]:
                for _, (start, _end) in find_forbidden(best, hit.entry)[:1]:
                    forced.append((text, best[:start] + hit.entry.target))
        if forced:
            results = self._decode([t for t, _ in forced], beam, 1, prefixes=[p for _, p in forced])
            for (text, _), result in zip(forced, results):
                done[text] = _merge(done[text], result)
        groups: dict[tuple[str, ...], list[str]] = defaultdict(list)  # suppression is per call
        for text in texts:
            if _missing(done[text][0][0], terms[text]):
                groups[tuple(sorted({f for hit in terms[text] for f in hit.entry.forbidden}))].append(text)
        for forbidden, group in groups.items():
            wider = self._decode(group, max(beam, ENFORCE_NBEST), ENFORCE_NBEST, forbidden)
            for text, result in zip(group, wider):
                done[text] = _merge(done[text], result)

    def _decode(
        self,
        texts: list[str],
        beam: int,
        hypotheses: int,
        forbidden: tuple[str, ...] = (),
        prefixes: list[str] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """For each text, its hypotheses (text, confidence), best first. ``prefixes``: target text
        each output must start with (a segment split into parts is then not forced)."""
        pieces = [self._pieces(t) for t in texts]
        flat = [p for ps in pieces for p in ps]
        options: dict = {
            "max_decoding_length": min(MAX_DECODING_TOKENS, 2 * max((len(p) for p in flat), default=1) + 16)
        }
        if forbidden:
            options["suppress_sequences"] = [self.sp.encode(f, out_type=str) for f in forbidden]
        head = [self.target_prefix] if self.target_prefix else []
        if head or prefixes:
            options["target_prefix"] = [
                head + (self.sp.encode(prefixes[n], out_type=str) if prefixes and len(ps) == 1 else [])
                for n, ps in enumerate(pieces)
                for _ in ps
            ]
        options.update(self.decoding)
        results = self.translator.translate_batch(
            flat,
            beam_size=max(beam, hypotheses),
            num_hypotheses=hypotheses,
            return_scores=True,
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            **options,
        )
        out, i = [], 0
        for ps in pieces:
            parts = results[i : i + len(ps)]
            i += len(ps)
            if len(parts) == 1:
                out.append(
                    [(self._text(h), _confidence(h, s)) for h, s in zip(parts[0].hypotheses, parts[0].scores)]
                )
            else:  # a split segment: the best of every part, joined
                text = " ".join(self._text(p.hypotheses[0]) for p in parts)
                confidence = math.prod(_confidence(p.hypotheses[0], p.scores[0]) for p in parts)
                out.append([(text, confidence ** (1 / len(parts)))])
        return out


def _confidence(tokens: list[str], score: float) -> float:
    """exp(mean log-probability per token): CTranslate2 divides the summed log-probability by
    length ** length_penalty; undo that and divide by the length."""
    length = len(tokens) + 1  # the end-of-sentence token is scored too
    return math.exp(score * length**LENGTH_PENALTY / length)


def _merge(first: list[tuple[str, float]], more: list[tuple[str, float]]) -> list[tuple[str, float]]:
    seen = {text for text, _ in first}
    return first + [h for h in more if h[0] not in seen]


def _missing(text: str, hits) -> list[str]:
    from glossary.match import find_accepted

    return [hit.entry.target for hit in hits if not find_accepted(text, hit.entry)]


def _choose(segment: str, hypotheses: list[tuple[str, float]], hits, n_best: int) -> Translation:
    """The hypothesis missing the fewest approved renderings, then holding the fewest forbidden
    ones, then the earliest (the first decoding's best comes first); what is missing is flagged."""
    from glossary.match import find_forbidden

    def cost(item: tuple[int, tuple[str, float]]) -> tuple[int, int, int]:
        index, (text, _) = item
        forbidden = sum(len(find_forbidden(text, hit.entry)) for hit in hits)
        return len(_missing(text, hits)), forbidden, index

    index, (text, confidence) = min(enumerate(hypotheses), key=cost)
    others = [h for i, h in enumerate(hypotheses) if i != index][: n_best - 1]
    return Translation(segment, text, confidence, others, _missing(text, hits), enforced=index != 0)
