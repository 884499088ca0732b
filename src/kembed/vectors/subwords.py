"""Vectors for any string from its character n-grams, as fastText builds them
(`Dictionary::computeSubwords`, `FastText::getWordVector`): the n-grams of `<word>` of
`minn` to `maxn` UTF-8 characters (single boundary characters left out), each hashed by
32-bit FNV-1a over its bytes read as signed chars, to the row `nwords + hash % bucket`;
a word's vector is the mean of its rows (its own row too, when it is in the dictionary).
Compiled kernels (`_ngrams.pyx`) hash every n-gram of a batch of words at once and take the
means. No Keras, no file paths.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619


def fnv1a(data: bytes) -> int:
    """fastText's 32-bit FNV-1a hash of `data`, its bytes read as signed chars (so a byte
    above 127 is xored in sign-extended, as fastText's `uint32_t(int8_t(c))` does).

    Example:

    >>> fnv1a(b"<wh"), fnv1a("é".encode())
    (1048167652, 1023043777)
    """
    h = _FNV_OFFSET
    for byte in data:
        h ^= byte | 0xFFFFFF00 if byte > 127 else byte
        h = (h * _FNV_PRIME) & 0xFFFFFFFF
    return h


def ngrams(word: str, minn: int, maxn: int) -> list[str]:
    """The character n-grams of `<word>` fastText hashes, in its order (the plain-Python
    reference of the kernel).

    Example:

    >>> ngrams("où", 2, 3)
    ['<o', '<où', 'où', 'où>', 'ù>']
    """
    text = f"<{word}>"
    found = []
    for i in range(len(text)):
        for n in range(1, maxn + 1):
            if i + n > len(text):
                break
            if n >= minn and not (n == 1 and (i == 0 or i + n == len(text))):
                found.append(text[i : i + n])
    return found


def _bracketed(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every `<word>` in UTF-8 in one byte buffer, and where each starts (and the last
    ends). One encode of the joined words; when that is not all ASCII, the byte offsets
    add the extra UTF-8 bytes of the characters before them (none for a byte kept by
    `surrogateescape`)."""
    text = "<" + "><".join(words) + ">" if words else ""
    buffer = text.encode("utf-8", errors="surrogateescape")
    chars = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), np.int64, count=len(words)) + 2, out=chars[1:])
    if len(buffer) == len(text):
        return np.frombuffer(buffer, dtype=np.uint8), chars
    points = np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)
    wide = np.flatnonzero(points >= 0x80)  # the few characters of more than one byte
    code = points[wide]
    extra = 1 + (code >= 0x800).astype(np.int64) + (code >= 0x10000)
    extra[(code >= 0xDC80) & (code <= 0xDCFF)] = 0  # a byte escaped by surrogateescape
    before = np.concatenate([[0], np.cumsum(extra)])  # extra bytes before each wide one
    return np.frombuffer(buffer, dtype=np.uint8), chars + before[np.searchsorted(wide, chars)]


@dataclass
class SubwordTable:
    """The n-gram rows of a fastText model and what is needed to find them.

    Example:

    >>> table = SubwordTable(np.arange(12, dtype="float32").reshape(6, 2), nwords=1,
    ...                      minn=2, maxn=3, bucket=5)
    >>> table.rows_of("a")  # the buckets of '<a', '<a>', 'a>', after the one word row
    [1, 1, 2]

    Attributes:
        matrix: The input matrix: `nwords` word rows, then the n-gram rows.
        nwords: Word rows before the n-gram rows.
        minn, maxn: The n-gram lengths in characters (`maxn` 0: no subwords).
        bucket: The number of hash buckets.
        pruned: For a pruned `.ftz`, bucket -> n-gram row; buckets not in it are dropped.
    """

    matrix: np.ndarray
    nwords: int
    minn: int
    maxn: int
    bucket: int
    pruned: dict[int, int] | None = None

    def __post_init__(self):
        buckets = self.bucket if self.pruned is None else len(self.pruned)
        if self.maxn and self.matrix.shape[0] < self.nwords + buckets:
            raise ValueError(
                f"The matrix has {self.matrix.shape[0]:,} rows; {self.nwords:,} words and "
                f"{buckets:,} buckets need {self.nwords + buckets:,}."
            )
        if self.pruned:  # the kernels read the rows it names without checking them
            kept = np.array(list(self.pruned.items()), dtype=np.int64)
            if (
                kept.min(axis=0).min() < 0
                or kept[:, 0].max() >= self.bucket
                or (kept[:, 1].max() >= self.matrix.shape[0] - self.nwords)
            ):
                raise ValueError(
                    f"The pruned bucket index names buckets outside 0..{self.bucket - 1} "
                    f"or rows outside the {self.matrix.shape[0] - self.nwords:,} n-gram rows."
                )

    @functools.cached_property
    def _remap(self) -> np.ndarray:
        """Bucket -> kept n-gram row of a pruned model (-1: dropped), built once; empty
        when nothing is pruned."""
        if self.pruned is None:
            return np.empty(0, dtype=np.int64)
        remap = np.full(self.bucket, -1, dtype=np.int64)
        remap[list(self.pruned)] = list(self.pruned.values())
        return remap

    def rows_of(self, word: str) -> list[int]:
        """The matrix rows of the n-grams of `word` (not its own word row), in fastText's
        order, one per n-gram (repeats kept, as fastText adds them)."""
        offsets, rows = self.ngram_rows([word])
        return rows[offsets[0] : offsets[1]].tolist()

    def ngram_rows(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The n-gram rows of many words at once: `(offsets, rows)`, word `k`'s rows being
        `rows[offsets[k]:offsets[k + 1]]`."""
        from kembed.vectors._ngrams import hash_ngrams

        buffer, starts = _bracketed(words)
        offsets, buckets = hash_ngrams(
            buffer, starts, self.minn, self.maxn, self.bucket, self._remap
        )
        return offsets, buckets + self.nwords

    def vectors(self, words: list[str], word_rows: np.ndarray | None = None) -> np.ndarray:
        """fastText's vector of each word: the mean of its own row `word_rows[k]` (when
        0 or more; -1 or no `word_rows`: not in the dictionary) and its n-gram rows. A
        word with no row at all gets zeros, as in fastText.

        Example:

        >>> table = SubwordTable(np.eye(6, 2, dtype="float32"), nwords=1, minn=2, maxn=3,
        ...                      bucket=5)
        >>> [round(x, 4) for x in table.vectors(["a"])[0].tolist()]  # rows 1, 1 and 2
        [0.0, 0.6667]
        """
        from kembed.vectors._ngrams import word_vectors

        buffer, starts = _bracketed(words)
        if word_rows is None:
            word_rows = np.full(len(words), -1, dtype=np.int64)
        matrix = np.ascontiguousarray(self.matrix, dtype=np.float32)
        sizes = (self.minn, self.maxn, self.bucket, self._remap, self.nwords)
        return word_vectors(matrix, buffer, starts, *sizes, np.asarray(word_rows, np.int64))
