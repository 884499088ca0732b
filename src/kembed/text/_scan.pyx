# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
# cython: cdivision=True
"""The compiled kernel of the Tokenizer's fast path: one pass over UTF-8 bytes that splits
words, interns them in a hash table and counts them. Nothing else lives here.

It is compiled (Cython) rather than a numba kernel because it runs in every text workflow:
loading numba's runtime costs about 130 MiB of resident memory, more than the legacy
Tokenizer needs in all for 100 MB of text; this module costs well under 1 MiB and nothing
to load. The Python side (`kembed.text.wordtable`) prepares the bytes, grows the arrays
and turns the results back into Python objects; the tests check the fast path against the
plain-Python path and the legacy Tokenizer on random and real text.

The word table: `slots` (a power of 2 long) holds a word's id + 1 (0: empty), found by
linear probing from `hash & (len(slots) - 1)`; word `w` has the hash `hashes[w]` and the
bytes `arena[offsets[w]:offsets[w + 1]]` (words are stored one after another).
"""

from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libc.string cimport memcmp, memcpy

cdef uint64_t _FNV_OFFSET = 0xCBF29CE484222325ULL
cdef uint64_t _FNV_PRIME = 0x100000001B3ULL


cdef inline Py_ssize_t _find(
    const uint8_t* word,
    Py_ssize_t length,
    uint64_t h,
    const int32_t* slots,
    Py_ssize_t mask,
    const uint64_t* hashes,
    const int64_t* offsets,
    const uint8_t* arena,
    Py_ssize_t* slot,
) noexcept nogil:
    """The id of the word `word[:length]` (hash `h`), or -1 if absent; its slot in `slot`."""
    cdef Py_ssize_t s = <Py_ssize_t>(h & <uint64_t>mask)
    cdef Py_ssize_t w, a
    while True:
        w = slots[s] - 1
        if w < 0:
            slot[0] = s
            return -1
        if hashes[w] == h:
            a = offsets[w]
            if offsets[w + 1] - a == length and (
                length == 0 or memcmp(arena + a, word, length) == 0
            ):
                slot[0] = s
                return w
        s = (s + 1) & mask


def rebuild(int32_t[::1] slots, const uint64_t[::1] hashes, Py_ssize_t n_words):
    """Puts the words `0 .. n_words - 1` into the empty (zeroed) `slots`."""
    cdef Py_ssize_t mask = slots.shape[0] - 1
    cdef Py_ssize_t w, s
    with nogil:
        for w in range(n_words):
            s = <Py_ssize_t>(hashes[w] & <uint64_t>mask)
            while slots[s] != 0:
                s = (s + 1) & mask
            slots[s] = <int32_t>(w + 1)


def scan_segments(
    const uint8_t[::1] buf,
    const int64_t[::1] seg_start,
    const int64_t[::1] seg_end,
    const uint8_t[::1] seg_is_text,
    const int64_t[::1] seg_doc,
    Py_ssize_t first,
    const uint8_t[::1] is_sep,
    int32_t[::1] slots,
    uint64_t[::1] hashes,
    int64_t[::1] offsets,
    uint8_t[::1] arena,
    int64_t[::1] state,
    int64_t[::1] ids,
    int64_t[::1] seg_tok,
    int64_t[:, ::1] stats,
    bint frozen,
):
    """Splits segments of `buf` into words, interns them and records or counts them.

    A text segment yields its maximal runs of non-separator bytes (`is_sep[byte]`); any
    other segment is one word as it is. `state` is `[n_words, arena_used, n_tokens]`.
    With `frozen`, no word is added (an unknown word gets id -1) and nothing shared is
    written, so several threads may scan at once (the GIL is released).

    If `ids` is not empty, each token's word id is written to `ids[n_tokens]` and
    `seg_tok[s]` gets the index of segment `s`'s first token. If `stats` is not empty,
    each token adds 1 to `stats[w, 0]` and each document (`seg_doc`) 1 to `stats[w, 1]`
    (`stats[w, 2]` holds the last document seen).

    Returns:
        The first segment not handled: segments are handled from `first` on while the
        arrays surely have room for them; the caller grows the arrays and calls again.
    """
    cdef Py_ssize_t n_seg = seg_start.shape[0]
    cdef Py_ssize_t capacity = min(slots.shape[0] // 2, hashes.shape[0], offsets.shape[0] - 1)
    cdef bint record = ids.shape[0] > 0
    cdef bint count = stats.shape[0] > 0
    if count:
        capacity = min(capacity, stats.shape[0])
    cdef Py_ssize_t n_words = state[0], used = state[1], n_tok = state[2]
    cdef Py_ssize_t mask = slots.shape[0] - 1, arena_size = arena.shape[0]
    cdef Py_ssize_t s, a, e, p, q, start, length, room, w, slot, doc
    cdef Py_ssize_t stop = n_seg
    cdef uint64_t h
    cdef bint text
    cdef const uint8_t* bytes_ = &buf[0] if buf.shape[0] else NULL
    with nogil:
        for s in range(first, n_seg):
            a = seg_start[s]
            e = seg_end[s]
            text = seg_is_text[s]
            room = (e - a + 1) // 2 if text else 1
            if not frozen and (n_words + room > capacity or used + (e - a) > arena_size):
                stop = s
                break
            if record:
                seg_tok[s] = n_tok
            doc = seg_doc[s]
            p = a
            while True:
                h = _FNV_OFFSET
                if text:
                    while p < e and is_sep[bytes_[p]]:
                        p += 1
                    if p == e:
                        break
                    start = p
                    while p < e and not is_sep[bytes_[p]]:
                        h = (h ^ bytes_[p]) * _FNV_PRIME
                        p += 1
                else:  # a given token is one word, even when empty
                    start = a
                    for q in range(a, e):
                        h = (h ^ bytes_[q]) * _FNV_PRIME
                    p = e
                length = p - start
                w = _find(
                    bytes_ + start, length, h, &slots[0], mask, &hashes[0], &offsets[0],
                    &arena[0], &slot,
                )
                if w < 0 and not frozen:
                    w = n_words
                    slots[slot] = <int32_t>(w + 1)
                    hashes[w] = h
                    if length:
                        memcpy(&arena[used], bytes_ + start, length)
                    used += length
                    n_words += 1
                    offsets[n_words] = used
                if record:
                    ids[n_tok] = w
                    n_tok += 1
                if count and w >= 0:
                    stats[w, 0] += 1
                    if stats[w, 2] != doc:
                        stats[w, 2] = doc
                        stats[w, 1] += 1
                if not text:
                    break
    state[0] = n_words
    state[1] = used
    state[2] = n_tok
    if record and stop == n_seg:
        seg_tok[n_seg] = n_tok
    return stop
