"""The top-k selection kernels of the neighbour and analogy searches: one pass over each
row of scores, keeping the k best in a small sorted buffer, and the tiled, multi-core
drivers around them. Nothing else lives here; the tests check them against
`numpy.argsort` and against each other.
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
    products, whose BLAS threads would compete with a parallel loop's. A full row first
    checks, in a loop the compiler vectorises, whether any score beats its k-th best."""
    for r in range(scores.shape[0]):
        row = scores[r]
        vals = values[r]
        idx = indices[r]
        count = filled[r]
        if count == k:
            bar, beaten = vals[k - 1], False
            for j in range(row.shape[0]):
                beaten |= row[j] > bar
            if not beaten:
                continue
        for j in range(row.shape[0]):
            count = _offer(vals, idx, count, k, row[j], offset + j)
        filled[r] = count


@njit(cache=True, nogil=True)
def merge_analogies(shared, offset, abc, rows, scale, cosmul, k, indices, values, filled):
    """Merges a tile of analogy scores into the best `k` so far of each question, as
    `merge_top_k` does, from `shared`: the scores of the questions' distinct words
    (rows) against the tile's candidates (columns `offset + j`). Question `r` asks
    `a : b :: c : ?` with its words at rows `abc[:, r]` of `shared` and at rows
    `rows[:, r]` of the whole table (those three candidates never win). 3CosAdd scores
    `(b + c - a) * scale[r]`, 3CosMul `b' c' / (a' + 1e-6)` with `x' = (x + 1) / 2`.

    Each question first checks, in a loop the compiler vectorises, whether any candidate
    of the tile may beat its k-th best; only then does it merge, so most question-tile
    pairs cost a few vector instructions. The check never rejects a candidate the merge
    would keep: 3CosAdd computes each score by the same operations in both loops (no
    fast-math), 3CosMul checks with a margin wider than its rounding."""
    columns = shared.shape[1]
    one, half, eps = np.float32(1), np.float32(0.5), np.float32(1e-6)
    for r in range(abc.shape[1]):
        sa, sb, sc = shared[abc[0, r]], shared[abc[1, r]], shared[abc[2, r]]
        s = scale[r]
        vals = values[r]
        idx = indices[r]
        count = filled[r]
        bar = vals[k - 1] if count == k else np.float32(-np.inf)
        beaten = False
        if cosmul:
            # Without the division: num / den > bar implies num > floor * den, for a
            # `floor` a few rounding errors below `bar` (den > 0, bar >= 0 or -inf).
            floor = bar - abs(bar) * np.float32(1e-5)
            for j in range(columns):
                beaten |= (sb[j] + one) * half * ((sc[j] + one) * half) > floor * (
                    (sa[j] + one) * half + eps
                )
        else:
            for j in range(columns):
                beaten |= (sb[j] + sc[j] - sa[j]) * s > bar
        if not beaten:
            continue
        ra, rb, rc = rows[0, r] - offset, rows[1, r] - offset, rows[2, r] - offset
        for j in range(columns):
            if j in (ra, rb, rc):
                continue
            if cosmul:
                v = _cosmul(sa[j], sb[j], sc[j], one, half, eps)
            else:
                v = (sb[j] + sc[j] - sa[j]) * s
            count = _offer(vals, idx, count, k, v, offset + j)
        filled[r] = count


@njit(cache=True, nogil=True, inline="always")
def _offer(vals, idx, count, k, v, column):
    """Offers the score `v` of `column` to a best-first buffer holding `count` of its
    `k` (ties: the earlier offer stays first); returns the new count."""
    if count == k and not v > vals[k - 1]:
        return count
    p = count if count < k else k - 1
    while p > 0 and vals[p - 1] < v:
        if p < k:
            vals[p] = vals[p - 1]
            idx[p] = idx[p - 1]
        p -= 1
    vals[p] = v
    idx[p] = column
    return count + 1 if count < k else count


@njit(cache=True, nogil=True, inline="always")
def _cosmul(a, b, c, one, half, eps):
    return (b + one) * half * ((c + one) * half) / ((a + one) * half + eps)


def tiled_topn(
    score_tile, rows: int, columns: int, n: int, *, tile: int = 4096
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the `n` best of `rows` rows of scores over `columns`
    columns, computed tile by tile by `score_tile(start, stop)` (a (rows, stop - start)
    float32 array) so that each tile stays in the processor's cache."""

    def merge(start, stop, indices, values, filled):
        merge_top_k(score_tile(start, stop), start, n, indices, values, filled)

    return tiled_merge(merge, rows, columns, min(n, columns), tile=tile, work=rows * columns)


def tiled_merge(
    merge, rows: int, columns: int, n: int, *, tile: int, work: int
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the best `n` of each of `rows` rows over `columns` columns,
    as merged tile by tile by `merge(start, stop, indices, values, filled)`.

    Large searches (`work` above a threshold) split the columns over the cores, one
    thread each with a one-thread BLAS (numba's and OpenBLAS's thread pools would
    otherwise fight over the cores), and merge the parts' best."""
    workers = min(os.cpu_count() or 1, max(columns // (4 * tile), 1))
    if workers == 1 or work < _PARALLEL_SCORES:
        return _tiles(merge, rows, 0, columns, n, tile)
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    edges = np.linspace(0, columns, workers + 1).astype(np.int64) // tile * tile
    edges[-1] = columns
    with threadpool_limits(1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        parts = list(
            pool.map(
                lambda part: _tiles(merge, rows, part[0], part[1], n, tile),
                itertools.pairwise(edges),
            )
        )
    indices = np.concatenate([i for i, _ in parts], axis=1)
    values = np.concatenate([v for _, v in parts], axis=1)
    # Parts are in column order and each is sorted best first, lower column first on
    # ties: a stable sort by value keeps that order.
    best = np.argsort(-values, axis=1, kind="stable")[:, :n]
    return np.take_along_axis(indices, best, axis=1), np.take_along_axis(values, best, axis=1)


def _tiles(merge, rows, start, stop, n, tile):
    indices = np.zeros((rows, n), dtype=np.int64)
    values = np.full((rows, n), -np.inf, dtype=np.float32)
    filled = np.zeros(rows, dtype=np.int64)
    for first in range(start, stop, tile):
        merge(first, min(first + tile, stop), indices, values, filled)
    return indices, values


def topn(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the `n` largest scores of each row, best first. One row (a
    single query, just after its matrix product) stays on this thread: a parallel loop
    would wait for the cores that BLAS' threads still spin on (15 ms instead of 0.3 ms
    for 400,000 scores on 2 cores)."""
    n = min(n, scores.shape[1])
    indices = np.empty((scores.shape[0], n), dtype=np.int64)
    values = np.empty((scores.shape[0], n), dtype=scores.dtype)
    if scores.shape[0] == 1:
        merge_top_k(scores, 0, n, indices, values, np.zeros(1, dtype=np.int64))
    else:
        top_k(scores, n, indices, values)
    return indices, values
