"""The top-k selection kernel of the neighbour searches: one pass over each row of scores,
keeping the k best in a small sorted buffer, rows spread over the cores. Nothing else
lives here; the tests check it against `numpy.argsort`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True, parallel=True)
def top_k(scores, k, indices, values):
    """Writes the `k` largest scores of each row of `scores`, best first (ties: the lower
    column first), into `indices` and `values` (both of shape (rows, k))."""
    for r in prange(scores.shape[0]):
        row = scores[r]
        vals = values[r]
        idx = indices[r]
        filled = 0
        for j in range(row.shape[0]):
            v = row[j]
            if filled == k and not v > vals[k - 1]:
                continue
            p = filled if filled < k else k - 1
            while p > 0 and vals[p - 1] < v:
                if p < k:
                    vals[p] = vals[p - 1]
                    idx[p] = idx[p - 1]
                p -= 1
            vals[p] = v
            idx[p] = j
            if filled < k:
                filled += 1


def topn(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the `n` largest scores of each row, best first."""
    n = min(n, scores.shape[1])
    indices = np.empty((scores.shape[0], n), dtype=np.int64)
    values = np.empty((scores.shape[0], n), dtype=scores.dtype)
    top_k(scores, n, indices, values)
    return indices, values
