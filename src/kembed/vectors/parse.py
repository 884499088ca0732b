"""The byte-level numba kernels of the vector readers, nothing else.

`parse_block` splits a block of whole text lines into words and float32 rows (skipping
the numbers of unwanted words); `split_binary` walks word2vec binary records. The kernels
work on numpy arrays only; `kembed.vectors.formats` drives them and the tests check them against
Python's own `float()` and `str.split`.

Numbers are parsed exactly: a decimal with at most 18 digits and a power of ten
within 10^±22 is computed as one correctly rounded float64 operation (Clinger's fast
path), which equals Python's `float()`; anything else (more digits, larger exponents,
`nan`, `inf`, garbage) is left to Python's `float()` through the `slow` list.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
_POW10 = np.array([10.0**k for k in range(23)], dtype=np.float64)
_MAX_EXACT = 1 << 53

# Line status codes (`parse_block`).
OK = 0
FEW_FIELDS = 1
EMPTY_WORD = 2
BLANK = 3


@njit(cache=True, nogil=True, inline="always")
def _is_space(b):
    return b == 32 or b == 13 or b == 9


@njit(cache=True, nogil=True, inline="always")
def _is_digit(b):
    return 48 <= b <= 57


@njit(cache=True, nogil=True, inline="always")
def _number(buf, k):
    """Reads the field starting at `k` (up to a space, tab, `\r` or `\n`; the block ends
    in one, so no loop here needs to check for the end).

    Returns:
        (value, True if exact on the fast path, end of the field).
    """
    negative = False
    if buf[k] == 45 or buf[k] == 43:
        negative = buf[k] == 45
        k += 1
    mantissa = 0
    exp10 = 0
    start = k
    while True:
        d = np.int64(buf[k]) - 48
        if d < 0 or d > 9:
            break
        mantissa = mantissa * 10 + d
        k += 1
    digits = k - start
    if buf[k] == 46:
        k += 1
        frac = k
        # The loop above again: a shared helper returning a tuple made the kernel 2x slower.
        while True:
            d = np.int64(buf[k]) - 48
            if d < 0 or d > 9:
                break
            mantissa = mantissa * 10 + d
            k += 1
        exp10 = frac - k
        digits += k - frac
    # Leading zeros count as digits here: more than 18 (which could overflow int64) only
    # sends a value to Python.
    fast = digits > 0 and digits <= 18
    if buf[k] == 101 or buf[k] == 69:
        k += 1
        eneg = False
        if buf[k] == 45 or buf[k] == 43:
            eneg = buf[k] == 45
            k += 1
        e = 0
        edigits = 0
        while _is_digit(buf[k]):
            if e < 10000:
                e = e * 10 + (buf[k] - 48)
            edigits += 1
            k += 1
        fast = fast and edigits > 0
        exp10 += -e if eneg else e
    if not (_is_space(buf[k]) or buf[k] == 10):
        fast = False
        while not (_is_space(buf[k]) or buf[k] == 10):
            k += 1
    if not fast:
        return 0.0, False, k
    if mantissa == 0:
        value = 0.0
    elif mantissa > _MAX_EXACT or exp10 < -22 or exp10 > 22:
        return 0.0, False, k
    elif exp10 < 0:
        value = np.float64(mantissa) / _POW10[-exp10]
    else:
        value = np.float64(mantissa) * _POW10[exp10]
    return (-value if negative else value), True, k


@njit(cache=True, nogil=True, inline="always")
def _hash(buf, start, end):
    h = _FNV_OFFSET
    for k in range(start, end):
        h = (h ^ np.uint64(buf[k])) * _FNV_PRIME
    return h


@njit(cache=True, nogil=True)
def hash_spans(buf, starts, ends):
    """The FNV-1a hash of each span `buf[starts[i]:ends[i]]` (as `parse_block` hashes words)."""
    out = np.empty(starts.shape[0], dtype=np.uint64)
    for i in range(starts.shape[0]):
        out[i] = _hash(buf, starts[i], ends[i])
    return out


@njit(cache=True, nogil=True)
def hash_table(hashes):
    """An open-addressing set of `hashes` for `parse_block`: a power-of-two array at
    most a quarter full, 0 for an empty slot (a hash of 0 is stored as 1)."""
    size = 4
    while size < 4 * hashes.shape[0]:
        size *= 2
    table = np.zeros(size, dtype=np.uint64)
    for h in hashes:
        _insert(table, h)
    return table


@njit(cache=True, nogil=True, inline="always")
def _slot(table, h):
    """The slot of `h` in `table`, or of the empty slot where it would go."""
    h = h if h else np.uint64(1)
    mask = np.uint64(table.shape[0] - 1)
    k = (h ^ (h >> np.uint64(29))) & mask
    while table[k] and table[k] != h:
        k = (k + np.uint64(1)) & mask
    return k, h


@njit(cache=True, nogil=True, inline="always")
def _insert(table, h):
    k, h = _slot(table, h)
    table[k] = h


@njit(cache=True, nogil=True, inline="always")
def _wanted(h, table):
    k, h = _slot(table, h)
    return table[k] == h


@njit(cache=True, nogil=True, inline="always")
def _line_end(buf, k, size, count_spaces):
    """(position of the next `\n` from `k`, or `size`; if `count_spaces`, the spaces,
    tabs and `\r` before it, else 0). Whole 64-byte strides are checked in loops the
    compiler vectorises (on a slice: indices from 0 need no negative-index check)."""
    spaces = 0
    while k + 64 <= size:
        stride = buf[k : k + 64]
        newlines = 0
        for t in range(64):
            newlines += stride[t] == 10
        if newlines:
            for t in range(64):
                if stride[t] == 10:
                    return k + t, spaces
                spaces += count_spaces and _is_space(stride[t])
        if count_spaces:
            for t in range(64):
                spaces += _is_space(stride[t])
        k += 64
    while k < size and buf[k] != 10:
        spaces += count_spaces and _is_space(buf[k])
        k += 1
    return k, spaces


@njit(cache=True, nogil=True)
def count_lines(buf):
    """The lines in `buf`: its newlines, plus a last line without one."""
    size = buf.shape[0]
    n = 0
    k = 0
    while k + 64 <= size:
        stride = buf[k : k + 64]
        for t in range(64):
            n += stride[t] == 10
        k += 64
    while k < size:
        n += buf[k] == 10
        k += 1
    return n + (size > 0 and buf[size - 1] != 10)


@njit(cache=True, nogil=True)
def _fields(buf, k, row, out, slow, n_slow):
    """Parses the numbers from `k` to the end of the line into `out[row]` (the first
    `out.shape[1]` of them).

    Returns:
        (fields found, end of the last field, end of the line, entries in `slow`).
    """
    dim = out.shape[1]
    col = 0
    last = k
    while True:
        while _is_space(buf[k]):
            k += 1
        if buf[k] == 10:
            break
        s = k
        value, fast, k = _number(buf, k)
        last = k
        if col < dim:
            out[row, col] = value
            if not fast:
                if n_slow < slow.shape[0]:
                    slow[n_slow, 0] = row
                    slow[n_slow, 1] = col
                    slow[n_slow, 2] = s
                    slow[n_slow, 3] = k
                n_slow += 1
        col += 1
    return col, last, k, n_slow


@njit(cache=True, nogil=True)
def parse_block(buf, wanted, use_wanted, spaced, out, lines, slow):
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
    dim = out.shape[1]
    size = buf.shape[0]
    n = 0
    rows = 0
    n_slow = 0
    pos = 0
    if size and buf[size - 1] != 10:  # the loops stop at the last newline, never past
        raise ValueError("parse_block needs a block that ends in a newline")
    while pos < size:
        w = pos
        while buf[w] != 32 and buf[w] != 10:
            w += 1
        lines[n, 0] = pos
        lines[n, 1] = w
        lines[n, 3] = OK
        lines[n, 4] = -1
        lines[n, 5] = 0
        if use_wanted and w > pos and not _wanted(_hash(buf, pos, w), wanted):
            # Not wanted: skip the numbers, unless the line has enough spaces to hold a
            # word with spaces, which might be wanted.
            end, spaces = _line_end(buf, w, size, spaced)
            if not spaced or spaces <= dim:
                lines[n, 2] = end
                lines[n, 4] = -2
                n += 1
                pos = end + 1
                continue
        found, end, nxt, n_slow2 = _fields(buf, w, rows, out, slow, n_slow)
        lines[n, 2] = end if found else w
        lines[n, 5] = found
        nxt += 1
        if found == 0 and w == pos:
            lines[n, 3] = BLANK
        elif found < dim:
            lines[n, 3] = FEW_FIELDS
        elif found == dim and w > pos:
            if use_wanted and not _wanted(_hash(buf, pos, w), wanted):
                lines[n, 4] = -2
            else:
                lines[n, 4] = rows
                rows += 1
                n_slow = n_slow2
        else:
            # A word with spaces (or starting with one): it ends one space before the
            # last `dim` fields.
            q = end
            for f in range(dim):
                while q > pos and not _is_space(buf[q - 1]):
                    q -= 1
                if f < dim - 1:
                    while q > pos and _is_space(buf[q - 1]):
                        q -= 1
            lines[n, 1] = max(q - 1, pos)
            if q - 1 <= pos:
                lines[n, 3] = EMPTY_WORD
            elif use_wanted and not _wanted(_hash(buf, pos, q - 1), wanted):
                lines[n, 4] = -2
            else:
                found, end, _, n_slow = _fields(buf, q, rows, out, slow, n_slow)
                lines[n, 4] = rows
                rows += 1
        n += 1
        pos = nxt
    return n, rows, n_slow


@njit(cache=True, nogil=True)
def split_binary(buf, dim, word_start, word_end, data_start):
    """Walks the word2vec binary records (`word` space `4*dim` bytes) in `buf`.

    A newline before a word is skipped (the GoogleNews layout has one after each vector;
    other writers have none). Stops at the first incomplete record.

    Returns:
        (records found, bytes consumed).
    """
    size = buf.shape[0]
    width = 4 * dim
    n = 0
    pos = 0
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


@njit(cache=True, nogil=True)
def gather_words(buf, starts, ends, out):
    """Copies the spans `buf[starts[i]:ends[i]]` into `out`, each followed by `\\n`.

    Returns:
        The number of bytes written.
    """
    p = 0
    for i in range(starts.shape[0]):
        for k in range(starts[i], ends[i]):
            out[p] = buf[k]
            p += 1
        out[p] = 10
        p += 1
    return p


@njit(cache=True, nogil=True)
def copy_records(buf, data_start, out, first_row):
    """Copies the little-endian float32 records at `data_start` into `out[first_row:]`."""
    width = out.shape[1] * 4
    flat = out.view(np.uint8).reshape(out.shape[0], width)
    for i in range(data_start.shape[0]):
        s = data_start[i]
        for k in range(width):
            flat[first_row + i, k] = buf[s + k]
