"""The batch MT engine: an installed argos package's CTranslate2 and SentencePiece models, driven
directly over lists of segments (argostranslate.translate is never imported: it loads stanza
and torch, seconds of start-up, and re-splits text we have already segmented).

Glossary enforcement (tm.mt.enforce) works on the parts whose first output lacks an approved
rendering or holds a forbidden one; what it cannot place is flagged per segment.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from tm.errors import UserError
from tm.mt.enforce import Lexicon, enforce
from tm.mt.packages import Model, find, missing_model_help
from tm.mt.renderings import missing, needs_enforcing
from tm.text.normalize import strip_ruby, to_simplified

MAX_SOURCE_TOKENS = 200  # longer segments are split at clause punctuation
MAX_DECODING_TOKENS = 256  # an output never runs longer (nor past twice the input + 16)
LENGTH_PENALTY = 0.2  # argos-translate's setting: the same outputs as its own path
_CLAUSE_RE = re.compile(r"(?<=[，,；;：:、])")


@dataclass
class Translation:
    source: str
    text: str
    confidence: float  # exp(mean token log-probability), 0–1
    alternatives: list[tuple[str, float]] = field(default_factory=list)  # n-best (text, confidence)
    missing_terms: list[str] = field(default_factory=list)  # approved renderings it could not place
    enforced: bool = False  # the glossary changed the output


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

    def _chunks(self, text: str) -> list[str]:
        """The parts a segment is decoded in: itself, or clauses when it is too long for the model
        (a clause longer than the limit is cut by tokens)."""
        if len(self.sp.encode(text)) <= MAX_SOURCE_TOKENS:
            return [text]
        chunks, current = [], ""
        for clause in _CLAUSE_RE.split(text):
            if current and len(self.sp.encode(current + clause)) > MAX_SOURCE_TOKENS:
                chunks.append(current)
                current = ""
            current += clause
        chunks.append(current)
        out = []
        for chunk in chunks:
            tokens = self.sp.encode(chunk, out_type=str)
            if len(tokens) <= MAX_SOURCE_TOKENS:
                out.append(chunk)
            else:
                out += [
                    self.sp.decode(tokens[i : i + MAX_SOURCE_TOKENS])
                    for i in range(0, len(tokens), MAX_SOURCE_TOKENS)
                ]
        return out

    def translate(
        self,
        segments: list[str],
        beam_size: int | None = None,
        n_best: int = 1,
        recognizer=None,
        lexicon: Lexicon | None = None,
    ) -> list[Translation]:
        """Translations in input order; a segment repeated in the list is translated once.

        ``recognizer`` (glossary.match.Recognizer) turns on glossary enforcement (tm.mt.enforce);
        ``lexicon`` lets it find the model's rendering of a term by the term's dictionary glosses."""
        beam = beam_size or self.beam_size
        prepared = [self.prepare(s) for s in segments]
        unique = list(dict.fromkeys(p for p in prepared if p))
        chunks = {text: self._chunks(text) for text in unique}
        parts = list(dict.fromkeys(c for text in unique for c in chunks[text]))
        first = dict(zip(parts, self._decode(parts, beam, n_best)))
        best = {part: first[part][0] for part in parts}
        if recognizer is not None:
            hits = {part: _approved(recognizer.find(part)) for part in parts}
            todo = [part for part in parts if hits[part] and needs_enforcing(best[part][0], hits[part])]
            if todo:
                best.update(enforce(self, todo, hits, best, beam, lexicon))
        out = []
        for segment, text in zip(segments, prepared):
            if not text:
                out.append(Translation(segment, "", 1.0))
                continue
            results = [best[c] for c in chunks[text]]
            output = " ".join(r[0] for r in results)
            confidence = math.prod(r[1] for r in results) ** (1 / len(results))
            alternatives = [h for h in first[chunks[text][0]] if h[0] != output] if len(results) == 1 else []
            if recognizer is not None:  # an alternative must keep the glossary too
                alternatives = [h for h in alternatives if not needs_enforcing(h[0], hits[chunks[text][0]])]
            result = Translation(segment, output, confidence, alternatives[: n_best - 1])
            if recognizer is not None:
                segment_hits = hits[text] if text in hits else _approved(recognizer.find(text))
                result.missing_terms = missing(output, segment_hits)
                result.enforced = any(best[c][0] != first[c][0][0] for c in chunks[text])
            out.append(result)
        return out

    def _target(self, text: str) -> list[str]:
        return ([self.target_prefix] if self.target_prefix else []) + self.sp.encode(text, out_type=str)

    def _decode(
        self,
        texts: list[str],
        beam: int,
        hypotheses: int,
        forbidden: tuple[str, ...] = (),
        prefixes: list[str] | None = None,
    ) -> list[list[tuple[str, float]]]:
        """For each text (a part no longer than the model takes), its hypotheses (text,
        confidence), best first. ``prefixes``: target text each output must start with;
        ``forbidden``: text no output may hold beyond its prefix."""
        pieces = [self.sp.encode(t, out_type=str) for t in texts]
        options: dict = {
            "max_decoding_length": min(MAX_DECODING_TOKENS, 2 * max((len(p) for p in pieces), default=1) + 16)
        }
        if forbidden:
            options["suppress_sequences"] = [self.sp.encode(f, out_type=str) for f in forbidden]
        if self.target_prefix or prefixes:
            options["target_prefix"] = [
                self._target(prefixes[n] if prefixes else "") for n in range(len(texts))
            ]
            longest = max(len(p) for p in options["target_prefix"]) + 8  # room to finish a forced prefix
            options["max_decoding_length"] = min(
                MAX_DECODING_TOKENS, max(options["max_decoding_length"], longest)
            )
        options.update(self.decoding)
        results = self.translator.translate_batch(
            pieces,
            beam_size=max(beam, hypotheses),
            num_hypotheses=hypotheses,
            return_scores=True,
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
            length_penalty=LENGTH_PENALTY,
            replace_unknowns=True,
            **options,
        )
        return [[(self._text(h), _confidence(h, s)) for h, s in zip(r.hypotheses, r.scores)] for r in results]

    def complete(
        self, texts: list[str], prefixes: list[str], beam: int, forbidden: tuple[str, ...]
    ) -> list[str]:
        """The model's best output for each text that starts with the given prefix."""
        return [h[0][0] for h in self._decode(texts, beam, 1, forbidden, prefixes)]

    def _scored(self, texts: list[str], outputs: list[str]) -> list[list[float]]:
        """Each output token's log-probability given the source, the end of sentence last."""
        results = self.translator.score_batch(
            [self.sp.encode(t, out_type=str) for t in texts],
            [self._target(o) for o in outputs],
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
        )
        return [list(r.log_probs)[1 if self.target_prefix else 0 :] for r in results]

    def score(self, texts: list[str], outputs: list[str]) -> list[float]:
        """The model's mean log-probability per token of each output given its source (the end
        of the sentence included): the measure its confidence is taken from."""
        return [sum(lp) / max(1, len(lp)) for lp in self._scored(texts, outputs)]

    def token_scores(
        self, texts: list[str], outputs: list[str]
    ) -> list[tuple[list[tuple[int, int]], list[float]]]:
        """For each output given its source: the character span of each of its tokens and the
        token's log-probability."""
        spans = [self._piece_spans(o) for o in outputs]
        return [(s, lp[: len(s)]) for s, lp in zip(spans, self._scored(texts, outputs))]

    def attention_links(
        self, segments: list[str], outputs: list[str]
    ) -> list[list[tuple[tuple[int, int], tuple[int, int]]]]:
        """For each output given its segment: (span in ``prepare(segment)``, span in the output) of
        each output piece and the source piece the decoder attends to most when it writes that
        piece, decoding forced along the output (so a glossary-enforced output has them too). A
        segment decoded in clauses (too long for the model) gets none."""
        prepared = [self.prepare(s) for s in segments]
        todo = [
            n
            for n, (text, output) in enumerate(zip(prepared, outputs))
            if text and output.strip() and len(self.sp.encode(text)) <= MAX_SOURCE_TOKENS
        ]
        out: list[list] = [[] for _ in segments]
        if not todo:
            return out
        targets = [self._target(outputs[n]) for n in todo]
        results = self.translator.translate_batch(
            [self.sp.encode(prepared[n], out_type=str) for n in todo],
            target_prefix=targets,
            beam_size=1,
            return_attention=True,
            max_decoding_length=max(len(t) for t in targets) + 1,
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
        )
        skip = 1 if self.target_prefix else 0
        for n, result in zip(todo, results):
            sources, pieces = self._piece_spans(prepared[n]), self._piece_spans(outputs[n])
            rows = result.attention[0][skip : skip + len(pieces)] if result.attention else []
            for (start, end), weights in zip(pieces, rows):
                while start < end and outputs[n][start].isspace():  # a piece's span holds the space before it
                    start += 1
                span = start, end
                best = max(range(min(len(weights), len(sources))), key=weights.__getitem__, default=None)
                if best is not None and span[0] < span[1] and sources[best][0] < sources[best][1]:
                    out[n].append((sources[best], span))
        return out

    def _piece_spans(self, text: str) -> list[tuple[int, int]]:
        """The character span of each SentencePiece piece of a text, from SentencePiece's own
        offsets (it folds spaces and width, so the pieces' surfaces do not add up to the text)."""
        try:
            proto = self.sp.encode(text, out_type="immutable_proto")
        except ValueError:  # sentencepiece 0.2.1 and later
            proto = self.sp.encode(text, return_type="proto")
        char_of = [n for n, c in enumerate(text) for _ in c.encode("utf-8")] + [len(text)]
        return [(char_of[p.begin], char_of[p.end]) for p in proto.pieces]


def _confidence(tokens: list[str], score: float) -> float:
    """exp(mean log-probability per token): CTranslate2 divides the summed log-probability by
    length ** length_penalty; undo that and divide by the length."""
    length = len(tokens) + 1  # the end-of-sentence token is scored too
    return math.exp(score * length**LENGTH_PENALTY / length)


def _approved(hits: list) -> list:
    """Only approved entries are enforced: a proposed one (mined, not yet curated) is a suggestion."""
    return [hit for hit in hits if hit.entry.enforced]
