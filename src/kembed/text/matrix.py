"""Bag-of-words matrices from sequences of word ids (the Tokenizer's `*_to_matrix`).

Vectorised with numpy: one `np.unique` over (row, id) cells instead of the legacy class's
Python loop over every id, with the same float64 results. No Keras here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

import numpy as np

MODES = ("binary", "count", "tfidf", "freq")


def bag_of_words(
    sequences: Iterable[Iterable[int]],
    width: int,
    mode: str,
    *,
    document_count: int,
    index_docs: Mapping[int, int],
) -> np.ndarray:
    """Builds the `(len(sequences), width)` float64 matrix of `Tokenizer.sequences_to_matrix`.

    Example:

    >>> bag_of_words([[1, 2, 2]], 3, "freq", document_count=1, index_docs={})
    array([[0.        , 0.33333333, 0.66666667]])

    Args:
        sequences: Sequences of non-negative integer ids; ids of `width` or more are
            ignored (but still count in the length used by `freq`).
        width: The number of columns.
        mode: `"binary"`, `"count"`, `"tfidf"` or `"freq"`.
        document_count: Documents seen, for `tfidf`.
        index_docs: id -> documents holding it, for `tfidf`.

    Returns:
        The matrix.

    Raises:
        TypeError: if an id is not an integer.
        ValueError: if an id is negative.
    """
    sequences = list(sequences)
    lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
    ids = _integer_ids(sequences)
    x = np.zeros((len(sequences), width))
    rows = np.repeat(np.arange(len(sequences)), lengths)
    kept = ids < width
    cells, counts = np.unique(rows[kept] * width + ids[kept], return_counts=True)
    r, c = np.divmod(cells, width)
    if mode == "binary":
        x[r, c] = 1.0
    elif mode == "count":
        x[r, c] = counts
    elif mode == "freq":
        x[r, c] = counts / lengths[r]
    else:
        columns, where = np.unique(c, return_inverse=True)
        docs = np.array([index_docs.get(int(j), 0) for j in columns], dtype=np.float64)
        idf = np.log(1 + document_count / (1 + docs))
        x[r, c] = (1 + np.log(counts)) * idf[where]
    return x


def _integer_ids(sequences: list) -> np.ndarray:
    ids = np.array(list(chain.from_iterable(sequences)))
    if ids.size == 0:
        return ids.astype(np.int64)
    if ids.dtype.kind not in "iu":
        raise TypeError(
            f"`sequences` must hold integer ids; found {ids.dtype} values "
            f"(e.g. {ids.flat[0]!r}). Convert them with int() or .astype(int) first."
        )
    if ids.min() < 0:
        raise ValueError(
            f"`sequences` must hold ids of 0 or more; found {ids.min()}. "
            "Negative ids have no column in the matrix."
        )
    return ids.astype(np.int64, copy=False)


class BagOfWords:
    """The Tokenizer's matrix methods (`texts_to_matrix`, `sequences_to_matrix`), kept
    here beside `bag_of_words`; `Tokenizer` inherits them. They read `num_words`,
    `word_index`, `document_count`, `index_docs` and `texts_to_sequences` of the
    tokenizer."""

    def texts_to_matrix(
        self, texts: Iterable[str | list[str]], mode: str = "binary"
    ) -> np.ndarray:
        """Converts texts to a `(len(texts), width)` float64 bag-of-words matrix.

        Args:
            texts: An iterable of str, or of lists of str tokens.
            mode: `"binary"`, `"count"`, `"tfidf"` or `"freq"`.

        Returns:
            The matrix; see `sequences_to_matrix`.
        """
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: Sequence[Iterable[int]], mode: str = "binary"):
        """Converts sequences of ids to a float64 bag-of-words matrix.

        The width is `num_words`, or `len(word_index) + 1`; ids beyond it are ignored.
        `binary` marks presence, `count` counts, `freq` divides counts by the length of
        the sequence, and `tfidf` gives `(1 + log(count)) * log(1 + N / (1 + df))` with
        N documents seen and df the documents holding the id.

        Example:

        >>> from kembed.text import Tokenizer
        >>> Tokenizer(num_words=4).sequences_to_matrix([[1, 3, 3], []], mode="count")
        array([[0., 1., 0., 2.],
               [0., 0., 0., 0.]])

        Args:
            sequences: Sequences of non-negative integer ids.
            mode: `"binary"`, `"count"`, `"tfidf"` or `"freq"`.

        Returns:
            A `(len(sequences), width)` float64 array.

        Raises:
            ValueError: if `mode` is unknown, the width is unknown (no `num_words` and
                no fit), `tfidf` is asked before any fit, or an id is negative.
            TypeError: if an id is not an integer.
        """
        if mode not in MODES:
            raise ValueError(f"`mode` must be one of {MODES}. Received: mode={mode!r}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError(
                "Specify a dimension (`num_words` argument), or fit on some text data first."
            )
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        return bag_of_words(
            sequences, width, mode, document_count=self.document_count, index_docs=self.index_docs
        )
