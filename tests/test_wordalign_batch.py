"""The word aligner's fast paths give what the one-pair paths give: the HMM over a batch of pairs
(padding, each pair's own last column, jump counts summed), align_all against align pair by pair
(glossary links and empty pairs too), and training's compacted evidence read back."""

from __future__ import annotations

import numpy as np
import pytest

from tm.align import wordhmm, wordlex
from tm.align.words import WordAligner, _Compact

from .test_wordalign import PAIRS


def _split(pairs):
    return [(z.split(), e.split()) for z, e in pairs]


@pytest.mark.parametrize("seed", [0, 1])
def test_the_hmm_over_a_batch_is_the_hmm_pair_by_pair(seed, monkeypatch):
    monkeypatch.setattr(wordhmm, "BATCH", 7)  # several batches of one row count, padded unevenly
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(80):
        rows, columns = int(rng.integers(1, 6)), int(rng.integers(1, 12))
        emission = rng.random((rows, columns)) * (rng.random((rows, columns)) < 0.4) + 1e-7
        items.append((emission, rng.random(columns) * 1e-3))
    jumps = wordhmm.initial_jumps()
    one = [wordhmm.posteriors(e, n, jumps, 0.2) for e, n in items]
    many, counts = wordhmm.posteriors_many(items, jumps, 0.2, counts=True)
    for (posterior, _), batched in zip(one, many):
        assert batched.shape == posterior.shape
        np.testing.assert_allclose(batched, posterior, rtol=0, atol=1e-12)
    np.testing.assert_allclose(counts, sum(c for _, c in one), rtol=1e-12)
    assert wordhmm.posteriors_many(items, jumps, 0.2)[1] is None


def test_align_all_links_each_pair_as_align_does():
    pairs = _split(PAIRS) + [
        (
            ["外交部", "发言人", "重申", "立场"],
            ["The", "Foreign", "Ministry", "spokesman", "reiterated", "it"],
        ),
        (["3月", "22日"], ["March", "22"]),
        ([], ["empty"]),
        (["空"], []),
    ]
    aligner = WordAligner.train(pairs, [("外交部", "Foreign Ministry")])
    expected = [aligner.align(z, e) for z, e in pairs]
    assert aligner.align_all(pairs) == expected
    assert expected[3] and expected[-1] == set() and expected[-2] == set()
    assert (0, 1) in expected[3] and (0, 2) in expected[3]  # the glossary's certain links


def test_compacted_evidence_reads_back_the_same_weights():
    zh, en = _split(PAIRS)[2]
    weights, _ = wordlex.evidence(zh, en)
    compact = _Compact(weights)
    assert compact.codes.dtype == np.uint8 and compact.shape == weights.shape
    assert np.array_equal(compact.array(), weights) and np.array_equal(compact.T.array(), weights.T)
    assert len(np.unique(weights)) > 2  # several kinds of evidence, not only 0 and 1
