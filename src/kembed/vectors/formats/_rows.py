"""The growing matrix and word list a reader fills, and what every reader does at the end:
decode words losslessly, apply the duplicate policy, trim the matrix. No parsing here.

The matrix grows with `ndarray.resize`, which on Linux moves large arrays with `mremap`
instead of copying them, so a load peaks near the final matrix size.
"""

from __future__ import annotations

import numpy as np

from kembed.errors import VectorFormatError
from kembed.vectors import parse
from kembed.vectors.report import LoadReport


def parse_header(line: bytes) -> tuple[int, int] | None:
    """(count, dim) if `line` is a word2vec header (two non-negative integers), else None."""
    fields = line.split()
    if len(fields) == 2 and all(f.isdigit() for f in fields):
        return int(fields[0]), int(fields[1])
    return None


def decode_words(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, report: LoadReport):
    """The words at the byte spans, decoded as UTF-8; invalid bytes are kept as surrogate
    escapes (`errors="surrogateescape"`, so encoding them back gives the same bytes) and
    counted in `report.invalid_utf8`."""
    if not len(starts):
        return []
    out = np.empty(int((ends - starts).sum()) + len(starts), dtype=np.uint8)
    size = parse.gather_words(buf, starts, ends, out)
    data = out[: size - 1].tobytes()
    try:
        return data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        words = data.decode("utf-8", "surrogateescape").split("\n")
        report.invalid_utf8 += sum(1 for w in words if not w.isascii() and _escaped(w))
        return words


def _escaped(word: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in word)


class Rows:
    """The rows read so far: a float32 matrix with spare capacity, words and line numbers."""

    def __init__(self, dim: int, capacity: int):
        self.matrix = np.empty((max(int(capacity), 16), dim), dtype=np.float32)
        self.n = 0
        self.words: list[str] = []
        self.lines: list[np.ndarray] = []
        # The distinct words so far, grown block by block while the kernels parse the
        # next blocks (so telling whether a word repeats costs nothing at the end).
        self.distinct: set[str] = set()

    def append(
        self, block: np.ndarray, words: list[str], lines: np.ndarray, keep: np.ndarray
    ) -> None:
        """Appends the rows of `block` (with their words and line numbers) where `keep`.
        `block` may be a view into the matrix at or after the next row (a kernel wrote
        there directly): then rows move only if some were dropped before them."""
        if not keep.all():
            kept = np.flatnonzero(keep)
            block, words, lines = block[kept], [words[i] for i in kept], lines[kept]
        need = self.n + len(words)
        in_place = (
            len(block)
            and block.base is not None
            and block.ctypes.data == self.matrix[self.n :].ctypes.data
        )
        self.distinct.update(words)
        if in_place:
            self.words.extend(words)
            self.lines.append(np.asarray(lines, dtype=np.int64))
            self.n = need
            return
        if need > self.matrix.shape[0]:
            self.matrix.resize(
                (max(need, int(self.matrix.shape[0] * 1.25)), self.matrix.shape[1]),
                refcheck=False,
            )
        self.matrix[self.n : need] = block
        self.words.extend(words)
        self.lines.append(np.asarray(lines, dtype=np.int64))
        self.n = need

    def finish(self, name: str, report: LoadReport, duplicates: str):
        """Applies the duplicate policy and returns (words, matrix, word -> row), the
        last `None` when no word repeats (a set finds that in a third of the time a
        dict takes, and is grown while the kernels parse; `Vectors` builds the dict on
        first use)."""
        words, matrix = self.words, self.matrix
        if self.n < matrix.shape[0]:
            matrix.resize((self.n, matrix.shape[1]), refcheck=False)
        index = None
        if len(self.distinct) != len(words):
            lines = np.concatenate(self.lines)
            first: dict[str, int] = {}
            dropped = []
            for i, word in enumerate(words):
                j = first.setdefault(word, i)
                if j != i:
                    if duplicates == "error":
                        raise VectorFormatError(
                            name,
                            int(lines[i]),
                            f"the word {word!r} was already on line {int(lines[j]):,}. Pass "
                            "duplicates='first' or 'last' to keep one of them.",
                        )
                    if duplicates == "last":
                        dropped.append(j)
                        first[word] = i
                    else:
                        dropped.append(i)
            keep = np.ones(len(words), dtype=bool)
            keep[dropped] = False
            kept = np.flatnonzero(keep)
            matrix[: len(kept)] = matrix[kept]
            words = [words[i] for i in kept]
            report.skip("duplicate word", len(dropped))
            index = dict(zip(words, range(len(words)), strict=True))
        matrix.resize((len(words), matrix.shape[1]), refcheck=False)
        self.matrix, self.distinct = None, set()
        report.vectors_kept = len(words)
        return words, matrix, index
