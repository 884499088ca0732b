# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The compiled kernels of `kembed.vectors.subwords`: every n-gram of a batch of `<word>`
byte strings hashed to its bucket (fastText's `computeSubwords`), and the mean of each
word's rows (fastText's `getWordVector`). Checked by the tests against the plain-Python
`fnv1a` / `ngrams` and against fastText itself.

Compiled ahead of time (Cython), like `kembed.vectors.parse`, because they run on every
first load of a `.bin`: numba's start (about 0.5 s) cost as much as the whole load. The
words are split over the cores by threads that release the GIL.
"""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from libc.stdint cimport int8_t, int64_t, uint8_t, uint32_t

cdef extern from *:
    """
    /* Asks the CPU for a cache line without waiting for it: only a hint. */
    #define KEMBED_PREFETCH(p) __builtin_prefetch((p), 0, 3)
    """
    void KEMBED_PREFETCH(const void* p) noexcept nogil

cdef uint32_t _OFFSET = 2166136261u
cdef uint32_t _PRIME = 16777619u
cdef Py_ssize_t _CHUNK = 4096  # words below which one thread does the whole batch


cdef Py_ssize_t _walk(
    const uint8_t* buffer, Py_ssize_t start, Py_ssize_t stop, int minn, int maxn,
    uint32_t bucket, const int64_t* remap, Py_ssize_t kept, int64_t* out,
) noexcept nogil:
    """Writes the buckets of the n-grams of `buffer[start:stop]` to `out` (unless NULL)
    and returns how many there are; `remap` (`kept` entries, else NULL) maps a bucket to
    its row in a pruned model, -1 for a dropped one."""
    cdef Py_ssize_t count = 0, i, j, n
    cdef uint32_t h
    cdef int64_t b
    for i in range(start, stop):
        if (buffer[i] & 0xC0) == 0x80:
            continue  # a UTF-8 continuation byte starts no character
        h = _OFFSET
        j = i
        n = 1
        while j < stop and n <= maxn:
            # a byte read as a signed char, sign-extended, as fastText's int8_t
            h = (h ^ <uint32_t><int8_t>buffer[j]) * _PRIME
            j += 1
            while j < stop and (buffer[j] & 0xC0) == 0x80:
                h = (h ^ <uint32_t><int8_t>buffer[j]) * _PRIME
                j += 1
            if n >= minn and not (n == 1 and (i == start or j == stop)):
                b = h % bucket
                if remap != NULL:
                    b = remap[b] if b < kept else -1
                if b >= 0:
                    if out != NULL:
                        out[count] = b
                    count += 1
            n += 1
    return count


def _split(Py_ssize_t words, task):
    """Runs `task(first, last)` over `range(words)` in one chunk per core (one chunk for a
    small batch)."""
    workers = min(os.cpu_count() or 1, max(words // _CHUNK, 1))
    if workers == 1:
        task(0, words)
        return
    edges = np.linspace(0, words, workers + 1).astype(np.int64).tolist()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(task, edges[:-1], edges[1:]))


def hash_ngrams(const uint8_t[::1] buffer, const int64_t[::1] starts, int minn, int maxn,
                uint32_t bucket, const int64_t[::1] remap):
    """(offsets, buckets) of the n-grams of each word `buffer[starts[k]:starts[k + 1]]`;
    `remap` (bucket -> kept index, -1 dropped) for a pruned model, else empty."""
    cdef Py_ssize_t words = starts.shape[0] - 1
    offsets = np.zeros(words + 1, dtype=np.int64)
    cdef int64_t[::1] at = offsets
    cdef const uint8_t* data = &buffer[0] if buffer.shape[0] else NULL
    cdef const int64_t* map_ = &remap[0] if remap.shape[0] else NULL
    cdef Py_ssize_t kept = remap.shape[0]
    if maxn <= 0 or words == 0:
        return offsets, np.empty(0, dtype=np.int64)
    if bucket == 0:
        raise ValueError("A model with n-grams needs at least one bucket.")

    def count(Py_ssize_t first, Py_ssize_t last):
        cdef Py_ssize_t k
        with nogil:
            for k in range(first, last):
                at[k + 1] = _walk(data, starts[k], starts[k + 1], minn, maxn, bucket, map_,
                                  kept, NULL)

    _split(words, count)
    np.cumsum(offsets, out=offsets)
    buckets = np.empty(offsets[words], dtype=np.int64)
    cdef int64_t[::1] filled = buckets
    cdef int64_t* out = &filled[0] if filled.shape[0] else NULL

    def fill(Py_ssize_t first, Py_ssize_t last):
        cdef Py_ssize_t k
        with nogil:
            for k in range(first, last):
                _walk(data, starts[k], starts[k + 1], minn, maxn, bucket, map_, kept,
                      out + at[k])

    if out != NULL:
        _split(words, fill)
    return offsets, buckets


cdef inline void _prefetch_rows(const float[:, ::1] matrix, const int64_t* rows,
                                Py_ssize_t count, int64_t shift) noexcept nogil:
    cdef Py_ssize_t r, c
    for r in range(count):
        for c in range(0, matrix.shape[1], 16):  # one hint per 64-byte line
            KEMBED_PREFETCH(&matrix[rows[r] + shift, c])


cdef inline void _mean(float[:, ::1] out, Py_ssize_t k, const float[:, ::1] matrix,
                       int64_t word_row, const int64_t* rows, Py_ssize_t count,
                       int64_t shift) noexcept nogil:
    """`out[k]` (zeros) = the mean of row `word_row` (if >= 0) and rows `rows[:count]` +
    `shift`, summed in float32 in that order, as fastText sums them."""
    cdef Py_ssize_t c, r, dim = matrix.shape[1], total = count
    cdef int64_t row
    cdef float scale
    if word_row >= 0:
        for c in range(dim):
            out[k, c] += matrix[word_row, c]
        total += 1
    for r in range(count):
        row = rows[r] + shift
        for c in range(dim):
            out[k, c] += matrix[row, c]
    if total:
        scale = <float>(1.0 / total)
        for c in range(dim):
            out[k, c] *= scale


def mean_rows(const float[:, ::1] matrix, const int64_t[::1] offsets,
              const int64_t[::1] rows, const int64_t[::1] word_rows):
    """Each word's mean of its own row `word_rows[k]` (if >= 0) and its n-gram rows
    `rows[offsets[k]:offsets[k + 1]]`, summed in float32 in that order as fastText sums
    them; zeros for a word with no row. The next word's rows, scattered over the matrix,
    are prefetched while this word's are added."""
    cdef Py_ssize_t words = offsets.shape[0] - 1
    result = np.zeros((words, matrix.shape[1]), dtype=np.float32)
    cdef float[:, ::1] out = result
    cdef const int64_t* at = &rows[0] if rows.shape[0] else NULL

    def task(Py_ssize_t first, Py_ssize_t last):
        cdef Py_ssize_t k
        with nogil:
            for k in range(first, last):
                if k + 1 < last:
                    _prefetch_rows(matrix, at + offsets[k + 1],
                                   offsets[k + 2] - offsets[k + 1], 0)
                _mean(out, k, matrix, word_rows[k], at + offsets[k],
                      offsets[k + 1] - offsets[k], 0)

    if words and matrix.shape[1]:
        _split(words, task)
    return result


def word_vectors(const float[:, ::1] matrix, const uint8_t[::1] buffer,
                 const int64_t[::1] starts, int minn, int maxn, uint32_t bucket,
                 const int64_t[::1] remap, int64_t shift, const int64_t[::1] word_rows):
    """`mean_rows` of the words `buffer[starts[k]:starts[k + 1]]` (as `hash_ngrams`), their
    n-gram rows being bucket + `shift`, hashed word by word as the means are taken: the
    same numbers, without writing the rows of all words first."""
    cdef Py_ssize_t words = starts.shape[0] - 1
    result = np.zeros((words, matrix.shape[1]), dtype=np.float32)
    cdef float[:, ::1] out = result
    cdef const uint8_t* data = &buffer[0] if buffer.shape[0] else NULL
    cdef const int64_t* map_ = &remap[0] if remap.shape[0] else NULL
    cdef Py_ssize_t kept = remap.shape[0]
    cdef int grams = maxn - minn + 1 if maxn > 0 and maxn >= minn else 0
    if grams and bucket == 0:
        raise ValueError("A model with n-grams needs at least one bucket.")

    def task(Py_ssize_t first, Py_ssize_t last):
        cdef Py_ssize_t k, now = 0, ahead = 0
        # A word of b bytes has at most b * grams n-grams: room for two words' rows.
        longest = int(np.diff(np.asarray(starts[first:last + 1])).max()) if grams else 0
        space = np.empty((2, longest * grams + 1), dtype=np.int64)
        cdef int64_t[:, ::1] rows = space
        cdef int64_t* this = &rows[0, 0]
        cdef int64_t* next_ = &rows[1, 0]
        cdef int64_t* swap
        with nogil:
            if grams:
                now = _walk(data, starts[first], starts[first + 1], minn, maxn, bucket, map_,
                            kept, this)
            for k in range(first, last):
                if grams and k + 1 < last:
                    ahead = _walk(data, starts[k + 1], starts[k + 2], minn, maxn, bucket,
                                  map_, kept, next_)
                    _prefetch_rows(matrix, next_, ahead, shift)
                _mean(out, k, matrix, word_rows[k], this, now, shift)
                now = ahead
                swap = this
                this = next_
                next_ = swap

    if words and matrix.shape[1]:
        _split(words, task)
    return result
