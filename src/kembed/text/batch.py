"""The Tokenizer's fast path: texts in batches of UTF-8 bytes, through the compiled kernel.

Used when words are split by a single ASCII character and every filtered character is
ASCII (the default settings and most real ones): such separators are single bytes that
never occur inside a multi-byte UTF-8 character, so splitting the bytes gives exactly the
words `text_to_word_sequence` gives. Texts are lower-cased with `str.lower` first, as the
legacy Tokenizer did. Memory stays bounded: texts are read a batch of 4,096 at a
time, and only the distinct words are kept. No Keras here.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from kembed._threads import in_order
from kembed.text.wordtable import Chunk, WordTable, chunks, encode_utf8

# One thread looks words up (texts_to_sequences) while the caller's thread lower-cases and
# encodes the next batch and builds the lists of the last: that Python work is the slower
# half, so a second lookup thread gained nothing and held 18 MiB more on 100 MB of text.
WORKERS = 1


@functools.lru_cache(maxsize=32)
def byte_separators(filters: str, split: str) -> np.ndarray | None:
    """The separator bytes as a `bool[256]` lookup, or `None` if the fast path can't apply."""
    if len(split) != 1 or not split.isascii() or not filters.isascii():
        return None
    is_sep = np.zeros(256, dtype=np.bool_)
    is_sep[list((filters + split).encode("ascii"))] = True
    is_sep.flags.writeable = False
    return is_sep


def count_texts(texts: Iterable, *, lower: bool, is_sep: np.ndarray) -> WordTable:
    """Counts words and documents over `texts`.

    Returns:
        A `WordTable` whose words are in order of first appearance, with their token
        counts (`counts`), document counts (`docs`) and the number of texts (`n_docs`).
    """
    table = WordTable(counting=True)
    scan = functools.partial(table.scan, is_sep=is_sep, record=False)
    for _ in in_order(scan, chunks(texts, lower), workers=WORKERS):
        pass
    return table


def word_table(words: Iterable[str]) -> WordTable:
    """A `WordTable` holding `words`, in their order (they must be distinct)."""
    chunk = Chunk()
    chunk.add_tokens([encode_utf8(word) for word in words])
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
    for ids, doc_offset in in_order(scan, chunks(texts, lower), workers=WORKERS):
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


class Lookup:
    """The fast path's view of a `word_index`: its words in a frozen `WordTable`, the id of
    each table word (`to_index`, with a last -1 for words the table lacks), and the Python
    ints that the output lists share."""

    def __init__(self, word_index: WordIndex, table: WordTable, to_index: np.ndarray):
        self.word_index = word_index
        self.version = word_index.version
        self.table = table
        self.to_index = to_index
        self._ints = np.zeros(0, dtype=object)

    @classmethod
    def of(cls, word_index: WordIndex) -> Lookup:
        """Builds the lookup of any `word_index` (its keys must be str)."""
        if not all(isinstance(word, str) for word in word_index):
            raise TypeError("`word_index` must map str words to integer ids.")
        to_index = np.fromiter(word_index.values(), dtype=np.int64, count=len(word_index))
        return cls(word_index, word_table(word_index), np.append(to_index, -1))

    def is_current(self, word_index: dict) -> bool:
        """Whether this lookup still describes `word_index` (same object, unchanged)."""
        return word_index is self.word_index and self.version == word_index.version

    def ints(self, oov: int | None) -> np.ndarray:
        """An object array of the Python ints `0 .. max id`, reusing `word_index`'s own."""
        top = max(int(self.to_index.max(initial=0)), oov or 0) + 1
        if self._ints.shape[0] < top:
            ints = np.empty(top, dtype=object)  # None everywhere: no int made and dropped
            values = [i for i in self.word_index.values() if 0 <= i < top]
            ints[np.array(values, dtype=np.int64)] = values
            for i in np.flatnonzero(np.equal(ints, None)).tolist():  # ids of no word
                ints[i] = i
            self._ints = ints
        return self._ints


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pauses the cyclic garbage collector while millions of small lists and dict entries
    are made (they form no cycles; the collector would rescan them again and again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The Tokenizer attributes that a fast-path fit builds only when they are read.
COUNTED = ("word_counts", "word_docs", "index_docs", "index_word")


@dataclass(frozen=True)
class Counts:
    """What a first fit on the fast path counted, kept as arrays: the Tokenizer builds its
    `word_counts`, `word_docs`, `index_docs` and `index_word` dicts from it when they are
    first read (see `CountedDict`), so a fit followed by `texts_to_sequences` never holds
    them (about 40 MiB for 300,000 words).

    Attributes:
        words: The words in order of first appearance.
        counts: Their token counts; `docs` their document counts.
        order: The ranking: `words[order[k]]` has the id `first + k`.
        first: The id of the most frequent word (2 with an `oov_token`, which has 1).
        oov_token: The `oov_token`, or `None`.
    """

    words: list[str]
    counts: np.ndarray
    docs: np.ndarray
    order: np.ndarray
    first: int
    oov_token: str | None

    def ranked(self) -> list[str]:
        """The words by id."""
        return list(map(self.words.__getitem__, self.order.tolist()))

    def build(self, name: str) -> dict:
        """The Tokenizer attribute `name`, as the legacy class would hold it."""
        if name == "word_counts":
            return dict(zip(self.words, self.counts.tolist(), strict=True))
        if name == "word_docs":
            return defaultdict(int, zip(self.words, self.docs.tolist(), strict=True))
        if name == "index_docs":  # in word_docs' order, as the legacy class filled it
            ids = np.empty(len(self.words), dtype=np.int64)
            ids[self.order] = np.arange(len(self.words)) + self.first
            return defaultdict(int, zip(ids.tolist(), self.docs.tolist(), strict=True))
        # The inverse of word_index as it was built (an oov_token that is also a word
        # keeps only its word's id there).
        return {i: word for word, i in word_index_of(self.oov_token, self.ranked()).items()}


def word_index_of(oov_token: str | None, ranked: list[str]) -> WordIndex:
    """`word_index` as the legacy class builds it: `oov_token` (if any) id 1, then the
    `ranked` words (a word equal to `oov_token` keeps its own id)."""
    vocabulary = [] if oov_token is None else [oov_token]
    vocabulary.extend(ranked)
    return WordIndex(zip(vocabulary, range(1, len(vocabulary) + 1), strict=True))


def first_fit(table: WordTable, oov_token: str | None) -> tuple[Counts, Lookup]:
    """What a first fit on the fast path keeps: the counts as arrays, ranked with a stable
    sort (ties keep their first-appearance order), and the table as the lookup of
    `texts_to_sequences`, with the new `word_index` (`Lookup.word_index`)."""
    n = len(table)
    order = np.argsort(-table.counts, kind="stable")
    first = 1 if oov_token is None else 2
    words = table.words(0, n)
    counts = Counts(words, table.counts.copy(), table.docs.copy(), order, first, oov_token)
    to_index = np.full(n + 1, -1, dtype=np.int64)  # the last entry is for unknown words
    to_index[order] = np.arange(n) + first
    table.stats = np.zeros((0, 3), dtype=np.int64)  # counts copied out: free them
    return counts, Lookup(word_index_of(oov_token, counts.ranked()), table, to_index)


class CountedDict:
    """A Tokenizer dict attribute that a fast-path fit leaves unbuilt until it is read.

    Reading it builds it from the Tokenizer's `_counts` (a `Counts`) once; from then on,
    and whenever it is assigned, it is an ordinary attribute holding an ordinary dict.
    Once all four are built, `_counts` is dropped.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, tokenizer, owner: type | None = None):
        if tokenizer is None:
            return self
        values = tokenizer.__dict__
        if self.name not in values:
            values[self.name] = tokenizer._counts.build(self.name)
            if all(name in values for name in COUNTED):
                tokenizer._counts = None  # all four built: the arrays are not needed
        return values[self.name]

    def __set__(self, tokenizer, value) -> None:
        tokenizer.__dict__[self.name] = value
