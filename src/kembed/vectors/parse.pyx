# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The compiled byte-level kernels of the vector readers, nothing else.

`parse_block` splits a block of whole text lines into words and float32 rows (skipping
the numbers of unwanted words); `split_binary` walks word2vec binary records,
`split_fasttext_entries` a fastText dictionary. The kernels
work on numpy arrays only and release the GIL; `kembed.vectors.formats` drives them and the
tests check them against Python's own `float()` and `str.split`, and the readers against
gensim's. They are compiled ahead of time (Cython), not numba kernels, because they run on
every first load: numba's start (about 0.7 s and 130 MiB) cost more than the whole parse
of a 50-d GloVe file.

Numbers are parsed exactly: a decimal with at most 18 digits and a power of ten
within 10^±22 is computed as one correctly rounded float64 operation (Clinger's fast
path), which equals Python's `float()`; anything else (more digits, larger exponents,
`nan`, `inf`, garbage) is left to Python's `float()` through the `slow` list.
"""

import numpy as np

from libc.stdint cimport int64_t, uint8_t, uint64_t
from libc.string cimport memchr, memcpy

cdef uint64_t _FNV_OFFSET = 0xCBF29CE484222325ULL
cdef uint64_t _FNV_PRIME = 0x100000001B3ULL
cdef uint64_t _MAX_EXACT = 1ULL << 53
cdef double _POW10[23]
for _k in range(23):
    _POW10[_k] = 10.0**_k  # exact: every power of ten up to 10^22 is a double

# Line status codes (`parse_block`).
cdef enum:
    _OK = 0
    _FEW_FIELDS = 1
    _EMPTY_WORD = 2
    _BLANK = 3
OK, FEW_FIELDS, EMPTY_WORD, BLANK = _OK, _FEW_FIELDS, _EMPTY_WORD, _BLANK


cdef struct Fields:
    Py_ssize_t found  # fields on the line
    Py_ssize_t last  # end of the last field
    Py_ssize_t end  # the line's newline
    Py_ssize_t n_slow  # entries in `slow` so far


cdef inline bint _is_space(uint8_t b) noexcept nogil:
    return b == 32 or b == 13 or b == 9


cdef inline Py_ssize_t _digits(
    const uint8_t* buf, Py_ssize_t k, uint64_t* mantissa
) noexcept nogil:
    """Appends the decimal digits from `k` on to `mantissa`; returns the first non-digit."""
    cdef int64_t d
    while True:
        d = <int64_t>buf[k] - 48
        if d < 0 or d > 9:
            return k
        mantissa[0] = mantissa[0] * 10 + <uint64_t>d
        k += 1


cdef inline Py_ssize_t _number(
    const uint8_t* buf, Py_ssize_t k, double* value, bint* fast
) noexcept nogil:
    """Reads the field starting at `k` (up to a space, tab, `\r` or `\n`; the block ends
    in one, so no loop here needs to check for the end) into `value`, with `fast` set if
    it was read exactly here. Returns the end of the field."""
    cdef bint negative = False, eneg = False, exact
    cdef uint64_t mantissa = 0
    cdef int64_t e = 0
    cdef Py_ssize_t exp10 = 0, start, digits, frac, edigits = 0
    cdef double v
    if buf[k] == 45 or buf[k] == 43:
        negative = buf[k] == 45
        k += 1
    start = k
    k = _digits(buf, k, &mantissa)
    digits = k - start
    if buf[k] == 46:
        frac = k + 1
        k = _digits(buf, frac, &mantissa)
        exp10 = frac - k
        digits += k - frac
    # Leading zeros count as digits here: more than 18 (which could overflow) only sends
    # a value to Python.
    exact = digits > 0 and digits <= 18
    if buf[k] == 101 or buf[k] == 69:
        k += 1
        if buf[k] == 45 or buf[k] == 43:
            eneg = buf[k] == 45
            k += 1
        while 48 <= buf[k] <= 57:
            if e < 10000:
                e = e * 10 + (buf[k] - 48)
            edigits += 1
            k += 1
        exact = exact and edigits > 0
        exp10 += -e if eneg else e
    if not (_is_space(buf[k]) or buf[k] == 10):
        exact = False
        while not (_is_space(buf[k]) or buf[k] == 10):
            k += 1
    value[0] = 0.0
    fast[0] = False
    if not exact:
        return k
    if mantissa == 0:
        v = 0.0
    elif mantissa > _MAX_EXACT or exp10 < -22 or exp10 > 22:
        return k
    elif exp10 < 0:
        v = <double>mantissa / _POW10[-exp10]
    else:
        v = <double>mantissa * _POW10[exp10]
    value[0] = -v if negative else v
    fast[0] = True
    return k


cdef inline uint64_t _hash(const uint8_t* buf, Py_ssize_t start, Py_ssize_t end) noexcept nogil:
    cdef uint64_t h = _FNV_OFFSET
    cdef Py_ssize_t k
    for k in range(start, end):
        h = (h ^ buf[k]) * _FNV_PRIME
    return h


def hash_spans(const uint8_t[::1] buf, const int64_t[::1] starts, const int64_t[::1] ends):
    """The FNV-1a hash of each span `buf[starts[i]:ends[i]]` (as `parse_block` hashes words)."""
    out = np.empty(starts.shape[0], dtype=np.uint64)
    cdef uint64_t[::1] hashes = out
    cdef const uint8_t* data = &buf[0] if buf.shape[0] else NULL
    cdef Py_ssize_t i
    with nogil:
        for i in range(starts.shape[0]):
            hashes[i] = _hash(data, starts[i], ends[i])
    return out


cdef inline Py_ssize_t _slot(const uint64_t* table, Py_ssize_t size, uint64_t h) noexcept nogil:
    """The slot of `h` (never 0) in `table`, or of the empty slot where it would go."""
    cdef uint64_t mask = <uint64_t>(size - 1)
    cdef uint64_t k = (h ^ (h >> 29)) & mask
    while table[k] and table[k] != h:
        k = (k + 1) & mask
    return <Py_ssize_t>k


cdef inline bint _wanted(uint64_t h, const uint64_t* table, Py_ssize_t size) noexcept nogil:
    h = h if h else 1
    return table[_slot(table, size, h)] == h


def hash_table(const uint64_t[::1] hashes):
    """An open-addressing set of `hashes` for `parse_block`: a power-of-two array at
    most a quarter full, 0 for an empty slot (a hash of 0 is stored as 1)."""
    cdef Py_ssize_t size = 4, i
    while size < 4 * hashes.shape[0]:
        size *= 2
    out = np.zeros(size, dtype=np.uint64)
    cdef uint64_t[::1] table = out
    cdef uint64_t h
    with nogil:
        for i in range(hashes.shape[0]):
            h = hashes[i] if hashes[i] else 1
            table[_slot(&table[0], size, h)] = h
    return out


def is_wanted(uint64_t h, const uint64_t[::1] table):
    """Whether the hash `h` is in a `hash_table`."""
    return _wanted(h, &table[0], table.shape[0])


cdef inline Py_ssize_t _line_end(
    const uint8_t* buf, Py_ssize_t k, Py_ssize_t size, bint count_spaces, Py_ssize_t* spaces
) noexcept nogil:
    """The position of the next `\n` from `k`, or `size`; with `count_spaces`, the
    spaces, tabs and `\r` before it go to `spaces`."""
    cdef const void* hit
    cdef Py_ssize_t n = 0
    if not count_spaces:
        spaces[0] = 0
        hit = memchr(buf + k, 10, size - k)
        return size if hit == NULL else <const uint8_t*>hit - buf
    while k < size and buf[k] != 10:
        n += _is_space(buf[k])
        k += 1
    spaces[0] = n
    return k


def count_lines(const uint8_t[::1] buf):
    """The lines in `buf`: its newlines, plus a last line without one."""
    cdef Py_ssize_t size = buf.shape[0], n = 0, k
    with nogil:
        for k in range(size):
            n += buf[k] == 10
    return n + (size > 0 and buf[size - 1] != 10)


cdef inline Fields _fields(
    const uint8_t* buf,
    Py_ssize_t k,
    Py_ssize_t row,
    float* out,
    Py_ssize_t dim,
    int64_t* slow,
    Py_ssize_t slow_size,
    Py_ssize_t n_slow,
) noexcept nogil:
    """Parses the numbers from `k` to the end of the line into row `row` of `out` (the
    first `dim` of them); values off the fast path go to `slow`."""
    cdef Fields f
    cdef Py_ssize_t col = 0, last = k, s
    cdef double value
    cdef bint fast
    while True:
        while _is_space(buf[k]):
            k += 1
        if buf[k] == 10:
            break
        s = k
        k = _number(buf, k, &value, &fast)
        last = k
        if col < dim:
            out[row * dim + col] = <float>value
            if not fast:
                if n_slow < slow_size:
                    slow[4 * n_slow] = row
                    slow[4 * n_slow + 1] = col
                    slow[4 * n_slow + 2] = s
                    slow[4 * n_slow + 3] = k
                n_slow += 1
        col += 1
    f.found = col
    f.last = last
    f.end = k
    f.n_slow = n_slow
    return f


def parse_block(
    const uint8_t[::1] buf,
    const uint64_t[::1] wanted,
    bint use_wanted,
    bint spaced,
    float[:, ::1] out,
    int64_t[:, ::1] lines,
    int64_t[:, ::1] slow,
):
    """Parses a block of whole text lines of vectors (`dim = out.shape[1]`).

    The word is the first field; when a line holds more than `dim + 1` fields, it is
    everything before the last `dim` fields and the one space before them (words with
    spaces). The block must end in a newline (its loops look for no other end). With
    `use_wanted`, lines whose word hash is not in `wanted` (a `hash_table`) are not
    parsed; unless `spaced` (a wanted word holds a space, tab or `\r`), a line whose
    first field is not wanted is skipped without counting its fields.
    `out` needs a row per line. For each line k, `lines[k]` receives (line start, word
    end, line end with trailing spaces and `\r` trimmed, status, row in `out` (-1: none,
    -2: not wanted), fields found).

    Values off the fast path are written as 0 and listed in `slow` as
    (row, column, byte start, byte end) for Python's `float()`.

    Returns:
        (lines, rows written to `out`, entries in `slow` (may exceed its length)).
    """
    cdef Py_ssize_t dim = out.shape[1], size = buf.shape[0]
    cdef Py_ssize_t n = 0, rows = 0, n_slow = 0, pos = 0, w, end, spaces, q, i
    cdef Py_ssize_t wanted_size = wanted.shape[0], slow_size = slow.shape[0]
    if size == 0:
        return 0, 0, 0
    if buf[size - 1] != 10:  # the loops stop at the last newline, never past
        raise ValueError("parse_block needs a block that ends in a newline")
    if use_wanted and wanted_size == 0:
        raise ValueError("parse_block needs a hash_table to skip unwanted words")
    cdef const uint8_t* data = &buf[0]
    cdef const uint64_t* table = &wanted[0] if wanted_size else NULL
    cdef float* rows_out = &out[0, 0] if out.shape[0] else NULL
    cdef int64_t* slow_out = &slow[0, 0] if slow_size else NULL
    cdef Fields f, g
    with nogil:
        while pos < size:
            w = pos
            while data[w] != 32 and data[w] != 10:
                w += 1
            lines[n, 0] = pos
            lines[n, 1] = w
            lines[n, 3] = _OK
            lines[n, 4] = -1
            lines[n, 5] = 0
            if use_wanted and w > pos and not _wanted(_hash(data, pos, w), table, wanted_size):
                # Not wanted: skip the numbers, unless the line has enough spaces to hold
                # a word with spaces, which might be wanted.
                end = _line_end(data, w, size, spaced, &spaces)
                if not spaced or spaces <= dim:
                    lines[n, 2] = end
                    lines[n, 4] = -2
                    n += 1
                    pos = end + 1
                    continue
            f = _fields(data, w, rows, rows_out, dim, slow_out, slow_size, n_slow)
            lines[n, 2] = f.last if f.found else w
            lines[n, 5] = f.found
            if f.found == 0 and w == pos:
                lines[n, 3] = _BLANK
            elif f.found < dim:
                lines[n, 3] = _FEW_FIELDS
            elif f.found == dim and w > pos:
                if use_wanted and not _wanted(_hash(data, pos, w), table, wanted_size):
                    lines[n, 4] = -2
                else:
                    lines[n, 4] = rows
                    rows += 1
                    n_slow = f.n_slow
            else:
                # A word with spaces (or starting with one): it ends one space before the
                # last `dim` fields.
                q = f.last
                for i in range(dim):
                    while q > pos and not _is_space(data[q - 1]):
                        q -= 1
                    if i < dim - 1:
                        while q > pos and _is_space(data[q - 1]):
                            q -= 1
                lines[n, 1] = max(q - 1, pos)
                if q - 1 <= pos:
                    lines[n, 3] = _EMPTY_WORD
                elif use_wanted and not _wanted(_hash(data, pos, q - 1), table, wanted_size):
                    lines[n, 4] = -2
                else:
                    g = _fields(data, q, rows, rows_out, dim, slow_out, slow_size, n_slow)
                    n_slow = g.n_slow
                    lines[n, 4] = rows
                    rows += 1
            n += 1
            pos = f.end + 1
    return n, rows, n_slow


def split_binary(
    const uint8_t[::1] buf,
    Py_ssize_t dim,
    int64_t[::1] word_start,
    int64_t[::1] word_end,
    int64_t[::1] data_start,
):
    """Walks the word2vec binary records (`word` space `4*dim` bytes) in `buf`.

    A newline before a word is skipped (the GoogleNews layout has one after each vector;
    other writers have none). Stops at the first incomplete record.

    Returns:
        (records found, bytes consumed).
    """
    cdef Py_ssize_t size = buf.shape[0], width = 4 * dim, n = 0, pos = 0, p, s
    with nogil:
        while n < word_start.shape[0]:
            p = pos
            while p < size and buf[p] == 10:
                p += 1
            s = p
            while p < size and buf[p] != 32:
                p += 1
            if p >= size or p + 1 + width > size:
                break
            word_start[n] = s
            word_end[n] = p
            data_start[n] = p + 1
            n += 1
            pos = p + 1 + width
    return n, pos


def gather_words(
    const uint8_t[::1] buf, const int64_t[::1] starts, const int64_t[::1] ends, uint8_t[::1] out
):
    """Copies the spans `buf[starts[i]:ends[i]]` into `out`, each followed by `\\n`.

    Returns:
        The number of bytes written.
    """
    cdef Py_ssize_t p = 0, i, length
    with nogil:
        for i in range(starts.shape[0]):
            length = ends[i] - starts[i]
            if length > 0:
                memcpy(&out[p], &buf[starts[i]], length)
                p += length
            out[p] = 10
            p += 1
    return p


def copy_records(
    const uint8_t[::1] buf, const int64_t[::1] data_start, float[:, ::1] out, Py_ssize_t first_row
):
    """Copies the little-endian float32 records at `data_start` into `out[first_row:]`."""
    cdef Py_ssize_t width = out.shape[1] * 4, i
    with nogil:
        for i in range(data_start.shape[0]):
            memcpy(&out[first_row + i, 0], &buf[data_start[i]], width)


def split_fasttext_entries(
    const uint8_t[::1] buf, Py_ssize_t at, int64_t[::1] word_start, int64_t[::1] word_end
):
    """Walks the entries of a fastText dictionary from byte `at`: a word ended by a NUL,
    then its int64 count and int8 type (9 bytes, which may hold NULs themselves).

    Returns:
        (entries found, the byte after the last one): fewer entries than asked when the
        buffer ends inside one.
    """
    cdef Py_ssize_t size = buf.shape[0], n = 0, p
    cdef const uint8_t* found
    with nogil:
        while n < word_start.shape[0]:
            if at >= size:
                break
            found = <const uint8_t*>memchr(&buf[at], 0, size - at)
            if found == NULL:
                break
            p = found - &buf[0]
            if p + 10 > size:
                break
            word_start[n] = at
            word_end[n] = p
            n += 1
            at = p + 10
    return n, at
