"""The top-k selection kernel of the neighbour searches: one pass over each row of scores,
keeping the k best in a small sorted buffer, rows spread over the cores. Nothing else
lives here; the tests check it against `numpy.argsort`.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
from numba import njit, prange

_PARALLEL_SCORES = 20_000_000  # smaller searches stay on one thread


@njit(cache=True, nogil=True, parallel=True)
def top_k(scores, k, indices, values):
    """Writes the `k` largest scores of each row of `scores`, best first (ties: the lower
    column first), into `indices` and `values` (both of shape (rows, k))."""
    filled = np.zeros(scores.shape[0], dtype=np.int64)
    for r in prange(scores.shape[0]):
        merge_top_k(
            scores[r : r + 1], 0, k, indices[r : r + 1], values[r : r + 1], filled[r : r + 1]
        )


@njit(cache=True, nogil=True)
def merge_top_k(scores, offset, k, indices, values, filled):
    """Merges a tile of scores, whose column j is column `offset + j` of the whole, into
    the best `k` so far of each row (`filled[r]` of them are set). Tiles merged in column
    order give what `top_k` gives on the whole row. One thread: it runs between matrix
    products, whose BLAS threads would compete with a parallel loop's."""
    for r in range(scores.shape[0]):
        row = scores[r]
        vals = values[r]
        idx = indices[r]
        count = filled[r]
        for j in range(row.shape[0]):
            v = row[j]
            if count == k and not v > vals[k - 1]:
                continue
            p = count if count < k else k - 1
            while p > 0 and vals[p - 1] < v:
                if p < k:
                    vals[p] = vals[p - 1]
                    idx[p] = idx[p - 1]
                p -= 1
            vals[p] = v
            idx[p] = offset + j
            if count < k:
                count += 1
        filled[r] = count


def tiled_topn(
    score_tile, rows: int, columns: int, n: int, *, tile: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the `n` best of `rows` rows of scores over `columns`
    columns, computed tile by tile by `score_tile(start, stop)` (a (rows, stop - start)
    float32 array) so that each tile stays in the processor's cache.

    Large searches split the columns over the cores, one thread each with a one-thread
    BLAS (numba's and OpenBLAS's thread pools would otherwise fight over the cores), and
    merge the parts' best."""
    n = min(n, columns)
    workers = min(os.cpu_count() or 1, max(columns // (4 * tile), 1))
    if workers == 1 or rows * columns < _PARALLEL_SCORES:
        return _tiles(score_tile, rows, 0, columns, n, tile)
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    edges = np.linspace(0, columns, workers + 1).astype(np.int64) // tile * tile
    edges[-1] = columns
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        parts = list(
            pool.map(
                lambda part: _tiles(score_tile, rows, part[0], part[1], n, tile),
                itertools.pairwise(edges),
            )
        )
    indices = np.concatenate([i for i, _ in parts], axis=1)
    values = np.concatenate([v for _, v in parts], axis=1)
    # Parts are in column order and each is sorted best first, lower column first on
    # ties: a stable sort by value keeps that order.
    best = np.argsort(-values, axis=1, kind="stable")[:, :n]
    return np.take_along_axis(indices, best, axis=1), np.take_along_axis(values, best, axis=1)


def _tiles(score_tile, rows, start, stop, n, tile):
    indices = np.zeros((rows, n), dtype=np.int64)
    values = np.full((rows, n), -np.inf, dtype=np.float32)
    filled = np.zeros(rows, dtype=np.int64)
    for first in range(start, stop, tile):
        last = min(first + tile, stop)
        merge_top_k(score_tile(first, last), first, n, indices, values, filled)
    return indices, values


def topn(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the `n` largest scores of each row, best first."""
    n = min(n, scores.shape[1])
    indices = np.empty((scores.shape[0], n), dtype=np.int64)
    values = np.empty((scores.shape[0], n), dtype=scores.dtype)
    top_k(scores, n, indices, values)
    return indices, values
