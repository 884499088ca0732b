"""The Tokenizer's fast path: texts in chunks of UTF-8 bytes, through the numba kernels.

Used when words are split by a single ASCII character and every filtered character is
ASCII (the default settings and most real ones): such separators are single bytes that
never occur inside a multi-byte UTF-8 character, so splitting the bytes gives exactly the
words `text_to_word_sequence` gives. Texts are lower-cased with `str.lower` first, as the
legacy Tokenizer did. Memory stays bounded: texts are read a batch of 4,096 at a
time, and only the distinct words are kept. No Keras here.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice, pairwise, repeat
from operator import methodcaller

import numpy as np

from kembed.text.words import element_error

BATCH_TEXTS = 4096
# Threads that look words up at once (texts_to_sequences); the machines have 2+ cores.
WORKERS = max(1, min(4, os.cpu_count() or 1))
_ENCODING = ("utf-8", "surrogatepass")
_encode = methodcaller("encode", *_ENCODING)


# The layout of a hash-table row (see kembed.text.scan, imported only when first used).
ID, HASH, START, LENGTH = 0, 1, 2, 3
_kernel = {}


def kernel_loaded() -> bool:
    """Whether the numba kernel has run in this process (its first call loads it)."""
    return "loaded" in _kernel


def _scan():
    from kembed.text import scan

    return scan


@functools.lru_cache(maxsize=32)
def byte_separators(filters: str, split: str) -> np.ndarray | None:
    """The separator bytes as a `bool[256]` lookup, or `None` if the fast path can't apply."""
    if len(split) != 1 or not split.isascii() or not filters.isascii():
        return None
    is_sep = np.zeros(256, dtype=np.bool_)
    is_sep[list((filters + split).encode("ascii"))] = True
    is_sep.flags.writeable = False
    return is_sep


class _Chunk:
    """Texts as one byte buffer cut into segments: one per text, one per given token."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.is_text: list[bool] = []
        self.doc_segments: list[int] = [0]

    def add_texts(self, texts: list[bytes]) -> None:
        first = len(self.parts)
        self.parts.extend(texts)
        self.is_text.extend(repeat(True, len(texts)))
        self.doc_segments.extend(range(first + 1, first + len(texts) + 1))

    def add_tokens(self, tokens: list[bytes]) -> None:
        self.parts.extend(tokens)
        self.is_text.extend(repeat(False, len(tokens)))
        self.doc_segments.append(len(self.parts))

    def arrays(self, first_doc: int):
        """The buffer; each segment's start, end, kind and document; each text's first
        segment."""
        buf = np.frombuffer(b"".join(self.parts), dtype=np.uint8)
        sizes = np.fromiter(map(len, self.parts), dtype=np.int64, count=len(self.parts))
        ends = np.cumsum(sizes)
        doc_segments = np.array(self.doc_segments, dtype=np.int64)
        docs = np.repeat(
            np.arange(first_doc, first_doc + len(doc_segments) - 1), np.diff(doc_segments)
        )
        is_text = np.array(self.is_text, dtype=np.bool_)
        return buf, ends - sizes, ends, is_text, docs, doc_segments


def _chunks(texts: Iterable, lower: bool) -> Iterator[_Chunk]:
    texts = iter(texts)
    position = 0
    while batch := list(islice(texts, BATCH_TEXTS)):
        chunk = _Chunk()
        if set(map(type, batch)) == {str}:
            # The common case, with no Python-level loop: a whole batch of plain texts.
            chunk.add_texts(list(map(_encode, map(str.lower, batch) if lower else batch)))
        else:
            for offset, text in enumerate(batch):
                if isinstance(text, str):
                    chunk.add_texts([_encode(text.lower() if lower else text)])
                elif isinstance(text, list) and all(isinstance(token, str) for token in text):
                    chunk.add_tokens([_encode(t.lower() if lower else t) for t in text])
                else:
                    raise element_error(text, position + offset)
        position += len(batch)
        yield chunk


class WordTable:
    """The distinct words seen so far, as byte strings in a growing hash table, with
    their token and document counts when `counting`."""

    def __init__(self, *, counting: bool, capacity: int = 1 << 12) -> None:
        capacity = 1 << max(0, capacity - 1).bit_length()  # the table size is a power of 2
        self.counting = counting
        self.table = np.zeros((2 * capacity, 4), dtype=np.int64)
        self.arena = np.empty(8 * capacity, dtype=np.uint8)
        # Per word: tokens, documents, last document seen.
        self.stats = np.zeros((capacity if counting else 0, 3), dtype=np.int64)
        self.stats[:, 2] = -1
        self.state = np.zeros(3, dtype=np.int64)  # words, arena bytes used, tokens recorded
        self.n_docs = 0

    def __len__(self) -> int:
        return int(self.state[0])

    @property
    def counts(self) -> np.ndarray:
        return self.stats[: len(self), 0]

    @property
    def docs(self) -> np.ndarray:
        return self.stats[: len(self), 1]

    def scan(self, chunk: _Chunk, is_sep: np.ndarray, *, record: bool, frozen: bool = False):
        """Interns (and counts) the words of a chunk; with `frozen`, only looks them up
        (an unknown word gets id -1).

        Returns:
            With `record`, `(ids, doc_offset)`: each token's word id and each text's first
            token (one more entry at the end); otherwise `None`.
        """
        buf, starts, ends, is_text, seg_doc, doc_segments = chunk.arrays(self.n_docs)
        if frozen:  # read-only, so that several threads can look up at once
            state = self.state.copy()
        else:
            state = self.state
            self.n_docs += len(doc_segments) - 1
        if record:
            bound = int(((ends - starts + 1) // 2)[is_text].sum() + (~is_text).sum())
            ids = np.empty(max(bound, 1), dtype=np.int64)
            seg_tok = np.empty(len(starts) + 1, dtype=np.int64)
        else:
            ids = seg_tok = np.empty(0, dtype=np.int64)
        state[2] = 0
        first = 0
        while first < len(starts):
            first = _scan().scan_segments(
                buf,
                starts,
                ends,
                is_text,
                seg_doc,
                first,
                is_sep,
                self.table,
                self.arena,
                state,
                ids,
                seg_tok,
                self.stats,
                frozen,
            )
            if first < len(starts):
                size = int(ends[first] - starts[first])
                self._grow((size + 1) // 2 if is_text[first] else 1, size)
        _kernel["loaded"] = True
        if record:
            return ids[: state[2]], seg_tok[doc_segments]
        return None

    def _grow(self, words: int, size: int) -> None:
        n_words, used = int(self.state[0]), int(self.state[1])
        capacity = self.table.shape[0] // 2
        if n_words + words > capacity:
            while n_words + words > capacity:
                capacity *= 2
            table = np.zeros((2 * capacity, 4), dtype=np.int64)
            _scan().rehash(self.table, table)
            self.table = table
            if self.counting:
                stats = np.zeros((capacity, 3), dtype=np.int64)
                stats[:, 2] = -1
                stats[:n_words] = self.stats[:n_words]
                self.stats = stats
        if used + size > self.arena.shape[0]:
            arena = np.empty(max(2 * self.arena.shape[0], used + size), dtype=np.uint8)
            arena[:used] = self.arena[:used]
            self.arena = arena

    def words(self, start: int, stop: int) -> list[str]:
        """The words with ids `start .. stop - 1`, as str."""
        rows = self.table[(self.table[:, ID] > start) & (self.table[:, ID] <= stop)]
        rows = rows[np.argsort(rows[:, ID])]
        data = self.arena[: self.state[1]].tobytes()
        spans = zip(rows[:, START].tolist(), rows[:, LENGTH].tolist(), strict=True)
        return [data[a : a + n].decode(*_ENCODING) for a, n in spans]


def in_order(func: Callable, items: Iterable, *, workers: int) -> Iterator:
    """Yields `func(item)` for each item, in order, computed in `workers` background
    threads while the caller prepares the next items (the kernels release the GIL)."""
    pending: deque[Future] = deque()
    with ThreadPoolExecutor(workers) as pool:
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def count_texts(texts: Iterable, *, lower: bool, is_sep: np.ndarray) -> WordTable:
    """Counts words and documents over `texts`.

    Returns:
        A `WordTable` whose words are in order of first appearance, with their token
        counts (`counts`), document counts (`docs`) and the number of texts (`n_docs`).
    """
    table = WordTable(counting=True)
    scan = functools.partial(table.scan, is_sep=is_sep, record=False)
    for _ in in_order(scan, _chunks(texts, lower), workers=1):
        pass
    return table


def word_table(words: Iterable[str]) -> WordTable:
    """A `WordTable` holding `words`, in their order (they must be distinct)."""
    chunk = _Chunk()
    chunk.add_tokens([_encode(word) for word in words])
    table = WordTable(counting=False)
    table.scan(chunk, np.zeros(256, dtype=np.bool_), record=True)
    return table


def encode_texts(
    texts: Iterable,
    *,
    lower: bool,
    is_sep: np.ndarray,
    table: WordTable,
    to_index: np.ndarray,
    ints: np.ndarray,
    limit: int | None,
    oov: int | None,
) -> Iterator[list[list[int]]]:
    """Yields, a batch at a time, each text as word ids, with the rules of
    `Tokenizer.texts_to_sequences`.

    Args:
        texts: The texts.
        lower: Whether to lower-case them.
        is_sep: The separator bytes.
        table: The vocabulary; it is only read.
        to_index: The tokenizer id of each word of `table`, -1 for none, and a last -1
            for the words the table lacks (id -1).
        ints: An object array of the Python ints `0 .. max id`, so that the lists hold
            references to them (8 bytes a token, as in the legacy class) instead of a new
            int object each (36 bytes).
        limit: Ids of `limit` or more count as unknown (if `limit`).
        oov: The id that replaces unknown words, or `None` to drop them.
    """
    scan = functools.partial(table.scan, is_sep=is_sep, record=True, frozen=True)
    for ids, doc_offset in in_order(scan, _chunks(texts, lower), workers=WORKERS):
        index = to_index[ids]
        unknown = index < 0
        if limit:
            unknown |= index >= limit
        if oov is None:
            kept = np.concatenate([[0], np.cumsum(~unknown)])
            index, doc_offset = index[~unknown], kept[doc_offset]
        else:
            index[unknown] = oov
        flat = ints[index].tolist()  # shared int objects, not one new int per token
        bounds = doc_offset.tolist()
        yield [flat[a:b] for a, b in pairwise(bounds)]


class WordIndex(dict):
    """A dict that counts its changes, so that caches built from it know when to renew.

    The Tokenizer's `word_index` is one: code that edits it in place (as legacy code
    sometimes does) invalidates the fast path's lookup table instead of going unseen.
    """

    version = 0

    def _changed(self) -> None:
        self.version += 1

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self._changed()

    def __ior__(self, other):
        self._changed()
        return super().__ior__(other)

    def update(self, *args, **kwargs) -> None:
        super().update(*args, **kwargs)
        self._changed()

    def setdefault(self, key, default=None):
        self._changed()
        return super().setdefault(key, default)

    def pop(self, *args):
        self._changed()
        return super().pop(*args)

    def popitem(self):
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        super().clear()
        self._changed()
