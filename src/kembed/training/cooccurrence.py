"""Word-word co-occurrence counts for GloVe, in bounded memory: a symmetric window,
each pair weighted 1/distance, sentences never crossed (as Stanford's `cooccur`).

Pairs of frequent words, where `(i + 1) * (j + 1) <= max_product`, are added straight
into a dense float64 table; the others go to a buffer that, when full, is sorted, summed
and kept as a run, spilled to a temporary folder once the runs outgrow the memory
budget, and merged two by two at the end (streaming from and to memory-mapped files).
numba kernels and numpy; no Keras.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

import numba
import numpy as np

_ENTRY = 12  # bytes of one co-occurrence entry: int32 row, int32 column, float32 value


@dataclass(frozen=True)
class Cooccurrences:
    """The nonzero co-occurrence counts, by (row, column), as three parallel arrays
    (memory-mapped from a temporary folder when they were spilled).

    Example:

    >>> c = Cooccurrences(np.array([0, 1], "int32"), np.array([1, 0], "int32"),
    ...                   np.array([0.5, 0.5], "float32"))
    >>> len(c), c.dense(2).tolist()
    (2, [[0.0, 0.5], [0.5, 0.0]])
    """

    rows: np.ndarray  # int32
    cols: np.ndarray  # int32
    values: np.ndarray  # float32

    def __len__(self) -> int:
        return len(self.values)

    def dense(self, size: int) -> np.ndarray:
        """As a dense (size, size) matrix (for small vocabularies and tests).

        Example:

        >>> one = np.array([1], "int32")
        >>> c = Cooccurrences(one, one - 1, np.array([2], "float32"))
        >>> c.dense(2).tolist()
        [[0.0, 0.0], [2.0, 0.0]]
        """
        matrix = np.zeros((size, size), dtype=np.float64)
        matrix[self.rows, self.cols] = self.values
        return matrix


@numba.njit(nogil=True, cache=True)
def _count(ids, bounds, first, window, lookup, table, keys, values, vocab):
    """Adds the pairs of sentences `first...` into `table` (dense part) or the buffer
    `keys`/`values` (the rest) until the buffer might overflow. Returns the next
    sentence and the number of buffered entries."""
    used = 0
    capacity = len(keys)
    s = first
    while s < len(bounds) - 1:
        start, end = bounds[s], bounds[s + 1]
        if used + 2 * window * (end - start) > capacity:
            if used == 0:  # a single sentence larger than the buffer cannot happen: MAX_SENTENCE
                raise ValueError("co-occurrence buffer too small for one sentence")
            break
        for j in range(start, end):
            b = ids[j]
            for k in range(max(start, j - window), j):
                a = ids[k]
                weight = 1.0 / (j - k)
                for row, col in ((a, b), (b, a)):
                    if col < lookup[row + 1] - lookup[row]:
                        table[lookup[row] + col] += weight
                    else:
                        keys[used] = np.int64(row) * vocab + col
                        values[used] = np.float32(weight)
                        used += 1
        s += 1
    return s, used


@numba.njit(nogil=True, cache=True)
def _reduce(keys, values):
    """Sums the values of equal keys of sorted `keys`, in place; returns the new length."""
    n = 0
    for i in range(len(keys)):
        if n and keys[n - 1] == keys[i]:
            values[n - 1] += values[i]
        else:
            keys[n] = keys[i]
            values[n] = values[i]
            n += 1
    return n


@numba.njit(nogil=True, cache=True)
def _merge(k1, v1, k2, v2, keys, values):
    """Merges two sorted runs (summing equal keys) into `keys`/`values`; returns the
    length."""
    i = j = n = 0
    while i < len(k1) or j < len(k2):
        if j == len(k2) or (i < len(k1) and k1[i] < k2[j]):
            key, value = k1[i], v1[i]
            i += 1
        elif i == len(k1) or k2[j] < k1[i]:
            key, value = k2[j], v2[j]
            j += 1
        else:
            key, value = k1[i], v1[i] + v2[j]
            i += 1
            j += 1
        keys[n] = key
        values[n] = value
        n += 1
    return n


def _lookup(vocab: int, max_product: int) -> np.ndarray:
    """Row offsets of the dense table: row i holds the columns below
    min(max_product / (i + 1), vocab); the last element is max_product."""
    widths = np.minimum(max_product // np.arange(1, vocab + 1, dtype=np.int64), vocab)
    lookup = np.zeros(vocab + 2, dtype=np.int64)
    np.cumsum(widths, out=lookup[1 : vocab + 1])
    lookup[-1] = max_product
    return lookup


class _Runs:
    """Sorted runs of (key, value), in memory until they outgrow `budget` bytes, then
    in `.npy` files of a temporary folder."""

    def __init__(self, budget: int):
        self.budget, self.memory, self.runs, self.folder = budget, 0, [], None

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        self.runs.append((keys, values))
        self.memory += keys.nbytes + values.nbytes
        if self.memory > self.budget:
            self.runs = [self._spill(k, v) for k, v in self.runs]
            self.memory = 0

    def _spill(self, keys, values):
        if not isinstance(keys, np.memmap):
            if self.folder is None:
                self.folder = tempfile.mkdtemp(prefix="kembed-cooccur-")
            base = os.path.join(self.folder, f"run{len(os.listdir(self.folder))}")
            np.save(base + "-keys.npy", keys, allow_pickle=False)
            np.save(base + "-values.npy", values, allow_pickle=False)
            keys = np.load(base + "-keys.npy", mmap_mode="r")
            values = np.load(base + "-values.npy", mmap_mode="r")
        return keys, values

    def merged(self) -> tuple[np.ndarray, np.ndarray]:
        runs = self.runs
        while len(runs) > 1:
            paired = []
            for a in range(0, len(runs) - 1, 2):
                (k1, v1), (k2, v2) = runs[a], runs[a + 1]
                keys, values = self._empty(len(k1) + len(k2))
                n = _merge(k1, v1, k2, v2, keys, values)
                paired.append((keys[:n], values[:n]))
            runs = paired + runs[len(runs) - len(runs) % 2 :]
        return runs[0] if runs else (np.zeros(0, np.int64), np.zeros(0, np.float32))

    def _empty(self, size: int):
        if self.folder is None:
            return np.empty(size, np.int64), np.empty(size, np.float32)
        base = os.path.join(self.folder, f"merge{len(os.listdir(self.folder))}")
        keys = np.lib.format.open_memmap(base + "-keys.npy", "w+", np.int64, (size,))
        values = np.lib.format.open_memmap(base + "-values.npy", "w+", np.float32, (size,))
        return keys, values

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def count_cooccurrences(
    ids: np.ndarray,
    bounds: np.ndarray,
    vocab: int,
    *,
    window: int = 10,
    memory: float = 2.0,
) -> Cooccurrences:
    """Counts the co-occurrences of an encoded corpus (`encode_corpus`).

    Example:

    >>> c = count_cooccurrences(np.array([0, 1, 2], np.int32), np.array([0, 3]), 3, window=2)
    >>> c.dense(3).tolist()
    [[0.0, 1.0, 0.5], [1.0, 0.0, 1.0], [0.5, 1.0, 0.0]]

    Args:
        ids: The corpus as row numbers (int32).
        bounds: Sentence k is `ids[bounds[k]:bounds[k + 1]]`.
        vocab: The number of words.
        window: Largest distance counted, on each side.
        memory: GiB to use, about (the dense table, the buffer and the runs kept in
            memory take a third each; more is spilled to disk).

    Returns:
        `Cooccurrences`, sorted by row then column.
    """
    if not isinstance(window, int) or window < 1:
        raise ValueError(f"`window` must be a positive integer. Received: window={window!r}")
    if not memory > 0:
        raise ValueError(f"`memory` must be a positive number of GiB. Received: {memory!r}")
    third = int(memory * 2**30 / 3)
    max_product = 1
    while _lookup(vocab, max_product * 2)[vocab] * 8 <= third and max_product < vocab * vocab:
        max_product *= 2
    lookup = _lookup(vocab, max_product)
    # Frequent pairs add up in double precision, as in `cooccur` (float32 would round
    # each addition to a count of 10^5 or more by several per cent).
    table = np.zeros(int(lookup[vocab]), dtype=np.float64)
    capacity = max(third // _ENTRY, 4 * window * 10_000)
    keys = np.empty(capacity, np.int64)
    values = np.empty(capacity, np.float32)
    runs = _Runs(third)
    try:
        sentence = 0
        while sentence < len(bounds) - 1:
            sentence, used = _count(
                ids, bounds, sentence, window, lookup, table, keys, values, vocab
            )
            order = np.argsort(keys[:used], kind="stable")
            k, v = keys[:used][order], values[:used][order]
            n = _reduce(k, v)
            runs.add(k[:n].copy(), v[:n].copy())
        # The dense part, in key order: row r holds its columns below its width.
        nonzero = np.flatnonzero(table)
        dense_rows = np.searchsorted(lookup[: vocab + 1], nonzero, side="right") - 1
        dense_keys = dense_rows * vocab + (nonzero - lookup[dense_rows])
        runs.add(dense_keys, table[nonzero].astype(np.float32))
        del table, keys, values, nonzero, dense_rows
        merged_keys, merged_values = runs.merged()
        return Cooccurrences(
            (merged_keys // vocab).astype(np.int32),
            (merged_keys % vocab).astype(np.int32),
            np.asarray(merged_values, dtype=np.float32),
        )
    finally:
        runs.close()  # memory maps still open keep their (deleted) files
