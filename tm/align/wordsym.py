"""Symmetrisation of two directional word alignments: grow-diag-final-and (Koehn et al. 2003),
and its soft form over link posteriors."""

from __future__ import annotations

import numpy as np

_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def grow_diag_final_and(forward: set, backward: set, zh_len: int, en_len: int) -> set:
    """Start from the links both directions agree on, grow into neighbouring links either
    direction has where a word is still unlinked, then add the remaining links of either
    direction between two unlinked words."""
    union = forward | backward
    links = set(forward & backward)
    zh_linked = {i for i, _ in links}
    en_linked = {j for _, j in links}
    grew = True
    while grew:
        grew = False
        for i, j in sorted(links):
            for di, dj in _NEIGHBOURS:
                cand = (i + di, j + dj)
                if (
                    cand in union
                    and cand not in links
                    and (cand[0] not in zh_linked or cand[1] not in en_linked)
                ):
                    links.add(cand)
                    zh_linked.add(cand[0])
                    en_linked.add(cand[1])
                    grew = True
    for direction in (forward, backward):
        for i, j in sorted(direction):
            if i not in zh_linked and j not in en_linked:
                links.add((i, j))
                zh_linked.add(i)
                en_linked.add(j)
    return links


def soft_grow(posterior: np.ndarray, high: float, low: float) -> set:
    """Links whose posterior (zh × en) reaches ``high``, grown into neighbours that reach
    ``low`` where one of the two words is still unlinked: grow-diag over probabilities, so
    a phrase's second word joins on weaker evidence than a lone link needs."""
    links = {(int(i), int(j)) for i, j in zip(*np.nonzero(posterior >= high))}
    zh_linked = {i for i, _ in links}
    en_linked = {j for _, j in links}
    frontier = sorted(links)
    zh_len, en_len = posterior.shape
    while frontier:
        i, j = frontier.pop()
        for di, dj in _NEIGHBOURS:
            a, b = i + di, j + dj
            if 0 <= a < zh_len and 0 <= b < en_len and (a, b) not in links and posterior[a, b] >= low:
                if a not in zh_linked or b not in en_linked:
                    links.add((a, b))
                    zh_linked.add(a)
                    en_linked.add(b)
                    frontier.append((a, b))
    return links
