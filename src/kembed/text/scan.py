"""The numba kernel of the Tokenizer's fast path: one pass over UTF-8 bytes that splits
words, interns them in a hash table and counts them. Nothing else lives here.

The kernels work on numpy arrays only. The Python side (`kembed.text.wordtable`) prepares the
bytes, grows the arrays and turns the results back into Python objects; the tests check
the fast path against the plain-Python Tokenizer path on random input.

The hash table keeps, in each slot, the word's id + 1 (0: empty), its hash, and the start
and length of its bytes in the arena, so that a lookup touches one table row and the arena.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kembed.text.wordtable import HASH, ID, LENGTH, START

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@njit(cache=True, nogil=True, inline="always")
def _find(buf, start, end, h, table, arena):
    """The slot of the word `buf[start:end]` (hash `h`), and its id, or -1 if absent."""
    mask = table.shape[0] - 1
    length = end - start
    hs = np.int64(h)
    slot = np.int64(h & np.uint64(mask))
    while True:
        w = table[slot, ID] - 1
        if w < 0:
            return slot, -1
        if table[slot, HASH] == hs and table[slot, LENGTH] == length:
            a = table[slot, START]
            same = True
            for k in range(length):
                if arena[a + k] != buf[start + k]:
                    same = False
                    break
            if same:
                return slot, w
        slot = (slot + 1) & mask


@njit(cache=True, nogil=True)
def rehash(old, new):
    """Moves every word of the table `old` into the empty (zeroed) table `new`."""
    mask = new.shape[0] - 1
    for r in range(old.shape[0]):
        if old[r, ID] != 0:
            slot = np.int64(np.uint64(old[r, HASH]) & np.uint64(mask))
            while new[slot, ID] != 0:
                slot = (slot + 1) & mask
            new[slot, :] = old[r, :]


@njit(cache=True, nogil=True)
def scan_segments(
    buf,
    seg_start,
    seg_end,
    seg_is_text,
    seg_doc,
    first,
    is_sep,
    table,
    arena,
    state,
    ids,
    seg_tok,
    stats,
    frozen,
):
    """Splits segments of `buf` into words, interns them and records or counts them.

    A text segment yields its maximal runs of non-separator bytes (`is_sep[byte]`); any
    other segment is one word as it is. `state` is `[n_words, arena_used, n_tokens]`.
    With `frozen`, no word is added and an unknown word gets id -1.

    If `ids` is not empty, each token's word id is written to `ids[n_tokens]` and
    `seg_tok[s]` gets the index of segment `s`'s first token. If `stats` is not empty,
    each token adds 1 to `stats[w, 0]` and each document (`seg_doc`) 1 to `stats[w, 1]`
    (`stats[w, 2]` holds the last document seen).

    Returns:
        The first segment not handled: segments are handled from `first` on while the
        arrays surely have room for them; the caller grows the arrays and calls again.
    """
    capacity = min(table.shape[0] // 2, stats.shape[0] if stats.shape[0] else table.shape[0])
    record = ids.shape[0] > 0
    count = stats.shape[0] > 0
    n_words, used, n_tok = state[0], state[1], state[2]
    for s in range(first, seg_start.shape[0]):
        a = seg_start[s]
        b = seg_end[s]
        text = seg_is_text[s]
        room = (b - a + 1) // 2 if text else 1
        if not frozen and (n_words + room > capacity or used + (b - a) > arena.shape[0]):
            state[0], state[1], state[2] = n_words, used, n_tok
            return s
        if record:
            seg_tok[s] = n_tok
        doc = seg_doc[s]
        p = a
        while True:
            h = _FNV_OFFSET
            if text:
                while p < b and is_sep[buf[p]]:
                    p += 1
                if p == b:
                    break
                start = p
                while p < b and not is_sep[buf[p]]:
                    h = (h ^ np.uint64(buf[p])) * _FNV_PRIME
                    p += 1
            else:  # a given token is one word, even when empty
                start = a
                for q in range(a, b):
                    h = (h ^ np.uint64(buf[q])) * _FNV_PRIME
                p = b
            slot, w = _find(buf, start, p, h, table, arena)
            if w < 0 and not frozen:
                w = n_words
                table[slot, ID] = w + 1
                table[slot, HASH] = np.int64(h)
                table[slot, START] = used
                table[slot, LENGTH] = p - start
                arena[used : used + p - start] = buf[start:p]
                used += p - start
                n_words += 1
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
    state[0], state[1], state[2] = n_words, used, n_tok
    if record:
        seg_tok[seg_start.shape[0]] = n_tok
    return seg_start.shape[0]
