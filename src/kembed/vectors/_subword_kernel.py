"""The numba kernels of `kembed.vectors.subwords`: every n-gram of a batch of `<word>`
byte strings hashed to its bucket (fastText's `computeSubwords`), and the mean of each
word's rows (fastText's `getWordVector`). Checked by the tests against the plain-Python
`fnv1a` / `ngrams` and against fastText itself.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from kembed._prefetch import prefetch_rows

_OFFSET = np.uint64(2166136261)
_PRIME = np.uint64(16777619)
_MASK = np.uint64(0xFFFFFFFF)
_HIGH = np.uint64(0xFFFFFF00)  # a byte above 127, sign-extended as fastText's int8_t


@njit(cache=True, nogil=True, inline="always")
def _mix(h, byte):
    """One FNV-1a step on a byte read as a signed char (in uint64, kept to 32 bits)."""
    value = np.uint64(byte)
    if byte > 127:
        value = value | _HIGH
    return ((h ^ value) * _PRIME) & _MASK


@njit(cache=True, nogil=True)
def _walk(buffer, start, stop, minn, maxn, bucket, remap, out, at):
    """Writes the buckets of the n-grams of `buffer[start:stop]` into `out[at:]` (when
    `out` is long enough) and returns how many there are."""
    count = 0
    for i in range(start, stop):
        if (buffer[i] & 0xC0) == 0x80:
            continue  # a UTF-8 continuation byte starts no character
        h = _OFFSET
        j = i
        n = 1
        while j < stop and n <= maxn:
            h = _mix(h, buffer[j])
            j += 1
            while j < stop and (buffer[j] & 0xC0) == 0x80:
                h = _mix(h, buffer[j])
                j += 1
            if n >= minn and not (n == 1 and (i == start or j == stop)):
                b = np.int64(h % np.uint64(bucket))
                if remap.shape[0]:
                    b = remap[b]
                if b >= 0:
                    if at + count < out.shape[0]:
                        out[at + count] = b
                    count += 1
            n += 1
    return count


@njit(cache=True, nogil=True, parallel=True)
def hash_ngrams(buffer, starts, minn, maxn, bucket, remap):
    """(offsets, buckets) of the n-grams of each word `buffer[starts[k]:starts[k + 1]]`;
    `remap` (bucket -> kept index, -1 dropped) for a pruned model, else empty. The words
    are counted, then hashed, in parallel."""
    words = starts.shape[0] - 1
    offsets = np.zeros(words + 1, dtype=np.int64)
    empty = np.empty(0, dtype=np.int64)
    if maxn > 0:
        for k in prange(words):
            offsets[k + 1] = _walk(buffer, starts[k], starts[k + 1], minn, maxn, bucket,
                                   remap, empty, 0)  # fmt: skip
        for k in range(words):
            offsets[k + 1] += offsets[k]
    out = np.empty(offsets[words], dtype=np.int64)
    if maxn > 0:
        for k in prange(words):
            _walk(buffer, starts[k], starts[k + 1], minn, maxn, bucket, remap, out, offsets[k])
    return offsets, out


@njit(cache=True, nogil=True, parallel=True)
def mean_rows(matrix, offsets, rows, word_rows):
    """Each word's mean of its own row `word_rows[k]` (if >= 0) and its n-gram rows, in
    float32 as fastText sums them; zeros for a word with no row."""
    words = offsets.shape[0] - 1
    out = np.zeros((words, matrix.shape[1]), dtype=np.float32)
    for k in prange(words):
        if k + 1 < words:  # the next word's rows, scattered over the matrix, on their way
            prefetch_rows(matrix, rows, offsets[k + 1], offsets[k + 2])
        count = 0
        if word_rows[k] >= 0:
            out[k] += matrix[word_rows[k]]
            count += 1
        for r in range(offsets[k], offsets[k + 1]):
            out[k] += matrix[rows[r]]
            count += 1
        if count:
            out[k] *= np.float32(1.0 / count)
    return out
