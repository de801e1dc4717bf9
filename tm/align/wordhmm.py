"""The HMM word-alignment model (Vogel et al. 1996, with Och & Ney's empty word): each column
word picks a row word, the pick depending on the previous pick by the jump between them, so a
phrase translated as a block stays together where IBM model 1 scatters it. Each row has an
empty twin (a column word with no counterpart) that remembers the position it was at."""

from __future__ import annotations

import numpy as np

MAX_JUMP = 7  # jumps further than this share one probability


def initial_jumps() -> np.ndarray:
    """Jump probabilities before training: forward by one is likeliest, then near jumps."""
    jumps = np.arange(-MAX_JUMP, MAX_JUMP + 1)
    prior = np.exp(-0.5 * np.abs(jumps - 1))
    return prior / prior.sum()


def _transitions(rows: int, jumps: np.ndarray, null: float) -> tuple[np.ndarray, np.ndarray]:
    """(transition matrix over the 2·rows states, start probabilities)."""
    position = np.arange(rows)
    jump = np.clip(position[None, :] - position[:, None], -MAX_JUMP, MAX_JUMP) + MAX_JUMP
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
    for j in range(columns):
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
        position = np.arange(rows)
        jump = np.clip(position[None, :] - position[:, None], -MAX_JUMP, MAX_JUMP) + MAX_JUMP
        np.add.at(counts, jump.ravel(), into_real.ravel())
    return posterior, counts
