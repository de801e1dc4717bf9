"""The HMM word-alignment model (Vogel et al. 1996, with Och & Ney's empty word): each column
word picks a row word, the pick depending on the previous pick by the jump between them, so a
phrase translated as a block stays together where IBM model 1 scatters it. Each row has an
empty twin (a column word with no counterpart) that remembers the position it was at."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MAX_JUMP = 7  # jumps further than this share one probability


def initial_jumps() -> np.ndarray:
    """Jump probabilities before training: forward by one is likeliest, then near jumps."""
    jumps = np.arange(-MAX_JUMP, MAX_JUMP + 1)
    prior = np.exp(-0.5 * np.abs(jumps - 1))
    return prior / prior.sum()


def _transitions(rows: int, jumps: np.ndarray, null: float) -> tuple[np.ndarray, np.ndarray]:
    """(transition matrix over the 2·rows states, start probabilities), read-only: the same for
    every pair with as many rows while the jumps stay (all of alignment, an HMM pass of training)."""
    key = (rows, jumps.tobytes(), null)
    found = _TRANSITIONS.get(key)
    if found is None:
        if len(_TRANSITIONS) > 4096:
            _TRANSITIONS.clear()
        found = _TRANSITIONS[key] = _build_transitions(rows, jumps, null)
        for array in found:
            array.flags.writeable = False
    return found


_TRANSITIONS: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}


@lru_cache(maxsize=1024)
def _jump_index(rows: int) -> np.ndarray:
    """Index into the jump probabilities of each move from a row position to another."""
    position = np.arange(rows)
    jump = np.clip(position[None, :] - position[:, None], -MAX_JUMP, MAX_JUMP) + MAX_JUMP
    jump.flags.writeable = False
    return jump


def _build_transitions(rows: int, jumps: np.ndarray, null: float) -> tuple[np.ndarray, np.ndarray]:
    position = np.arange(rows)
    jump = _jump_index(rows)
    real = jumps[jump]
    real /= real.sum(axis=1, keepdims=True)
    moves = np.zeros((2 * rows, 2 * rows))
    moves[:rows, :rows] = (1 - null) * real
    moves[rows:, :rows] = (1 - null) * real  # an empty twin jumps from the position it keeps
    moves[position, rows + position] = null
    moves[rows + position, rows + position] = null
    first = jumps[np.clip(position + 1, -MAX_JUMP, MAX_JUMP) + MAX_JUMP]
    start = np.concatenate([(1 - null) * first / first.sum(), np.full(rows, null / rows)])
    return moves, start


def posteriors(emission: np.ndarray, null_emission: np.ndarray, jumps: np.ndarray, null: float):
    """(posterior, jump counts): posterior is (rows + 1) × columns, the last row the empty word
    (its twins summed); jump counts are the expected number of each jump, for training."""
    rows, columns = emission.shape
    moves, start = _transitions(rows, jumps, null)
    out = np.vstack([emission, np.repeat(null_emission[None, :], rows, axis=0)]).T  # columns × states
    out = np.maximum(out, 1e-300)
    alpha = np.empty_like(out)
    scale = np.empty(columns)
    alpha[0] = start * out[0]
    for j in range(columns):  # alpha is column-major like out: BLAS sums a strided row its own way
        if j:
            alpha[j] = (alpha[j - 1] @ moves) * out[j]
        scale[j] = alpha[j].sum()
        alpha[j] /= scale[j]
    beta = np.empty_like(out)
    beta[-1] = 1.0
    for j in range(columns - 1, 0, -1):
        beta[j - 1] = moves @ (out[j] * beta[j]) / scale[j]
    gamma = alpha * beta
    gamma /= gamma.sum(axis=1, keepdims=True)
    posterior = np.vstack([gamma[:, :rows].T, gamma[:, rows:].sum(axis=1)[None, :]])
    counts = np.zeros_like(jumps)
    if columns > 1:
        flow = (alpha[:-1].T @ (out[1:] * beta[1:] / scale[1:, None])) * moves  # expected moves
        into_real = flow[:, :rows].reshape(2, rows, rows).sum(axis=0)  # from a position, either state
        np.add.at(counts, _jump_index(rows).ravel(), into_real.ravel())
    return posterior, counts


BATCH = 256  # pairs whose forward-backward runs as one matrix product a column


def posteriors_many(items, jumps: np.ndarray, null: float, counts: bool = False):
    """``posteriors`` of many pairs ((emission, null emission) each) at once: pairs with as many
    rows share their transitions, so each column is one matrix product for a batch of them
    instead of a few small numpy calls a pair (the loop over columns is what a pair cost).
    Shorter pairs are padded at the end with emissions of 1, which changes nothing before; a
    pair's backward pass starts at its own last column. Returns the posteriors in order and,
    with ``counts``, the jump counts summed over all pairs (None otherwise). The sums run in
    another order than one pair at a time: equal to ~1e-15, not bit for bit."""
    out: list[np.ndarray | None] = [None] * len(items)
    total = np.zeros_like(jumps) if counts else None
    groups: dict[int, list[int]] = {}
    for n, (emission, _) in enumerate(items):
        groups.setdefault(emission.shape[0], []).append(n)
    for rows, members in groups.items():
        members.sort(key=lambda n: items[n][0].shape[1])  # similar lengths together: less padding
        for at in range(0, len(members), BATCH):
            batch = members[at : at + BATCH]
            found, moved = _batch(rows, [items[n] for n in batch], jumps, null, counts)
            for n, posterior in zip(batch, found):
                out[n] = posterior
            if counts:
                total += moved
    return out, total


def _batch(rows: int, items, jumps: np.ndarray, null: float, counts: bool):
    moves, start = _transitions(rows, jumps, null)
    lengths = np.array([e.shape[1] for e, _ in items])
    size, width = len(items), int(lengths.max())
    out = np.ones((size, width, 2 * rows))  # pair × column × state
    for k, (emission, null_emission) in enumerate(items):
        out[k, : lengths[k], :rows] = emission.T
        out[k, : lengths[k], rows:] = null_emission[:, None]
    np.maximum(out, 1e-300, out=out)
    alpha = np.empty_like(out)
    scale = np.empty((size, width))
    alpha[:, 0] = start * out[:, 0]
    for j in range(width):
        if j:
            alpha[:, j] = (alpha[:, j - 1] @ moves) * out[:, j]
        scale[:, j] = alpha[:, j].sum(axis=1)
        alpha[:, j] /= scale[:, j, None]
    beta = np.empty_like(out)
    beta[:, -1] = 1.0
    for j in range(width - 1, 0, -1):
        beta[:, j - 1] = (out[:, j] * beta[:, j]) @ moves.T / scale[:, j, None]
        beta[lengths == j, j - 1] = 1.0  # that pair's last column
    gamma = alpha * beta
    gamma /= gamma.sum(axis=2, keepdims=True)
    found = [
        np.vstack([gamma[k, :n, :rows].T, gamma[k, :n, rows:].sum(axis=1)[None, :]])
        for k, n in enumerate(lengths)
    ]
    if not counts or width < 2:
        return found, np.zeros_like(jumps)
    after = out[:, 1:] * beta[:, 1:] / scale[:, 1:, None]
    after[np.arange(1, width)[None, :] >= lengths[:, None]] = 0.0  # padding moves nowhere
    flow = np.einsum("bji,bjk->ik", alpha[:, :-1], after) * moves
    into_real = flow[:, :rows].reshape(2, rows, rows).sum(axis=0)
    moved = np.zeros_like(jumps)
    np.add.at(moved, _jump_index(rows).ravel(), into_real.ravel())
    return found, moved
