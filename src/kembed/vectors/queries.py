"""The neighbour and analogy queries of `Vectors` (`Queries`, which `Vectors` inherits) and
their answers (`Neighbor`): cosine similarity over the unit rows, batched into matrix products
by `kembed.vectors.search`. numpy only; no file paths, no Keras.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np


class Neighbor(NamedTuple):
    """A word and its cosine similarity (or 3CosMul score) to a query.

    Example:

    >>> word, similarity = Neighbor("queen", 0.78)
    >>> word
    'queen'
    """

    word: str
    similarity: float


class Queries:
    """The queries of `Vectors` on its unit rows (`unit`, `index`, `index_to_key`): nearest
    neighbours and analogies, one at a time or batched."""

    # --- neighbours ----------------------------------------------------------------------

    def searched_rows(self, restrict_vocab: int | None) -> int:
        """How many rows a search with `restrict_vocab` looks at (the first ones).

        Example:

        >>> from kembed import Vectors
        >>> v = Vectors(["a", "b", "c"], np.eye(3))
        >>> v.searched_rows(2), v.searched_rows(None), v.searched_rows(10)
        (2, 3, 3)

        Raises:
            ValueError: if `restrict_vocab` is not a positive integer or None.
        """
        if restrict_vocab is None:
            return len(self)
        if not isinstance(restrict_vocab, int) or restrict_vocab < 1:
            raise ValueError(
                f"`restrict_vocab` must be a positive integer. Received: {restrict_vocab!r}"
            )
        return min(restrict_vocab, len(self))

    def _query(self, positive, negative) -> tuple[np.ndarray, list[int]]:
        positive = [positive] if isinstance(positive, str) else list(positive)
        negative = [negative] if isinstance(negative, str) else list(negative)
        if not positive and not negative:
            raise ValueError("Give at least one word in `positive` or `negative`.")
        words = positive + negative
        units = self.unit_lookup(words)  # words built from subwords exclude no row
        used = [self.key_to_index[w] for w in words if w in self.key_to_index]
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        mean = (weights[:, None] * units).mean(axis=0)
        norm = np.linalg.norm(mean)
        return (mean / norm if norm else mean).astype(np.float32), used

    def most_similar(
        self,
        positive: str | Iterable[str] = (),
        negative: str | Iterable[str] = (),
        *,
        topn: int = 10,
        restrict_vocab: int | None = None,
    ) -> list[Neighbor]:
        """The `topn` words closest (cosine) to the mean of the unit vectors of `positive`
        minus those of `negative`, the query words excluded (gensim's `most_similar`).

        Example:

        >>> from kembed import Vectors
        >>> v = Vectors(["cat", "dog", "car"], np.array([[1, 0], [0.9, 0.2], [0, 1]], "float32"))
        >>> [word for word, _ in v.most_similar("cat", topn=2)]
        ['dog', 'car']

        Args:
            positive: A word or words.
            negative: A word or words.
            topn: How many neighbours.
            restrict_vocab: Optional int. Search only the first `restrict_vocab` rows.

        Returns:
            A list of `Neighbor(word, similarity)`, best first.
        """
        _check_topn(topn)
        query, used = self._query(positive, negative)
        limit = self.searched_rows(restrict_vocab)
        scores = self.unit[:limit] @ query
        scores[[u for u in used if u < limit]] = -np.inf
        best = _topn(scores[None, :], topn)[0][0]
        return [
            Neighbor(self.index_to_key[i], float(scores[i])) for i in best if scores[i] > -np.inf
        ]

    def most_similar_batch(
        self, words: Sequence[str], *, topn: int = 10, restrict_vocab: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The neighbours of many words at once, in blocks of matrix products.

        Example:

        >>> from kembed import Vectors
        >>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], "float32"))
        >>> indices, similarities = v.most_similar_batch(["a", "c"], topn=1)
        >>> indices.tolist()
        [[1], [1]]

        Args:
            words: The query words.
            topn: Neighbours per word (the word itself excluded).
            restrict_vocab: Optional int. Search only the first `restrict_vocab` rows.

        Returns:
            (indices, similarities): two arrays of shape (len(words), k), k being `topn`
            or, when fewer words are left to answer with, their number. With subwords,
            words outside the table are asked too (they exclude no row).
        """
        _check_topn(topn)
        limit = self.searched_rows(restrict_vocab)
        from kembed.vectors import search

        queries = self.unit_lookup(words)
        ids = np.array([self.key_to_index.get(w, -1) for w in words], dtype=np.int64)
        return _answered(search.tiled(lambda q, start, stop: queries[q] @ self.unit[start:stop].T,
                                      len(ids), [ids], topn, limit))  # fmt: skip

    def analogy(
        self,
        a: str,
        b: str,
        c: str,
        *,
        method: str = "3cosadd",
        topn: int = 1,
        restrict_vocab: int | None = None,
    ) -> list[Neighbor]:
        """Answers "`a` is to `b` as `c` is to ?" (king - man + woman: `analogy("man",
        "king", "woman")`), excluding the three words.

        Example:

        >>> from kembed import Vectors
        >>> v = Vectors(["man", "king", "woman", "queen"],
        ...             np.array([[1, 0], [1, 1], [0, 1], [0.1, 2]], "float32"))
        >>> v.analogy("man", "king", "woman")[0].word
        'queen'

        Args:
            a, b, c: The words.
            method: `"3cosadd"` (gensim's `most_similar`) or `"3cosmul"` (Levy &
                Goldberg 2014, gensim's `most_similar_cosmul`).
            topn: How many answers.
            restrict_vocab: Optional int. Search only the first `restrict_vocab` rows.

        Returns:
            A list of `Neighbor(word, score)`, best first. With subwords, `a`, `b` and
            `c` may be words outside the table.
        """
        if self.subwords is not None and not all(w in self.key_to_index for w in (a, b, c)):
            return self._built_analogy(a, b, c, method, topn, restrict_vocab)
        indices, scores = self.analogy_batch(
            [a], [b], [c], method=method, topn=topn, restrict_vocab=restrict_vocab
        )
        return [
            Neighbor(self.index_to_key[i], float(s))
            for i, s in zip(indices[0], scores[0], strict=False)
        ]

    def _built_analogy(self, a, b, c, method, topn, restrict_vocab) -> list[Neighbor]:
        """`analogy` with words built from subwords: 3CosAdd is `most_similar`'s mean
        (the same ranking and scores), 3CosMul its shifted cosines, on their vectors."""
        from kembed.vectors.search import METHODS

        if method not in METHODS:
            raise ValueError(f"`method` must be one of {METHODS}. Received: method={method!r}")
        if method == "3cosadd":
            return self.most_similar([b, c], [a], topn=topn, restrict_vocab=restrict_vocab)
        _check_topn(topn)
        units = self.unit_lookup([a, b, c])
        limit = self.searched_rows(restrict_vocab)
        sa, sb, sc = (self.unit[:limit] @ units.T + 1).T / 2
        scores = sb * sc / (sa + np.float32(1e-6))
        scores[
            [self.key_to_index[w] for w in (a, b, c) if self.key_to_index.get(w, limit) < limit]
        ] = -np.inf
        best = _topn(scores[None, :], topn)[0][0]
        return [
            Neighbor(self.index_to_key[i], float(scores[i])) for i in best if scores[i] > -np.inf
        ]

    def analogy_batch(
        self,
        a: Sequence[str],
        b: Sequence[str],
        c: Sequence[str],
        *,
        method: str = "3cosadd",
        topn: int = 1,
        restrict_vocab: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Many analogies at once (see `analogy`), in blocks of matrix products.

        Example:

        >>> from kembed import Vectors
        >>> v = Vectors(["man", "king", "woman", "queen"],
        ...             np.array([[1, 0], [1, 1], [0, 1], [0.1, 2]], "float32"))
        >>> rows, scores = v.analogy_batch(["man"], ["king"], ["woman"], method="3cosmul")
        >>> v.index_to_key[rows[0, 0]]
        'queen'

        Returns:
            (indices, scores): two arrays of shape (len(a), k), k being `topn` or, when
            fewer words are left to answer with, their number.
        """
        _check_topn(topn)
        if not len(a) == len(b) == len(c):
            raise ValueError("`a`, `b` and `c` must have the same length.")
        ia, ib, ic = (np.array([self.index(w) for w in ws], dtype=np.int64) for ws in (a, b, c))
        return _answered(
            self.analogy_rows(ia, ib, ic, method=method, topn=topn, restrict_vocab=restrict_vocab)
        )

    def analogy_rows(
        self,
        a: np.ndarray,
        b: np.ndarray,
        c: np.ndarray,
        *,
        method: str = "3cosadd",
        topn: int = 1,
        restrict_vocab: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """`analogy_batch` on row indices (what an evaluation asks of 20 k questions):
        the `topn` best rows for each `a[i] : b[i] :: c[i]`, the three excluded. Every
        row of the result is full: where fewer rows are left to answer with, the last
        columns hold excluded rows at -inf.

        Example:

        >>> from kembed import Vectors
        >>> v = Vectors(["man", "king", "woman", "queen"],
        ...             np.array([[1, 0], [1, 1], [0, 1], [0.1, 2]], "float32"))
        >>> rows, _ = v.analogy_rows(np.array([0]), np.array([1]), np.array([2]))
        >>> v.index_to_key[rows[0, 0]]
        'queen'

        Returns:
            (rows, scores): two arrays of shape (len(a), min(topn, searched rows)).
        """
        from kembed.vectors import search

        _check_topn(topn)
        limit = self.searched_rows(restrict_vocab)
        return search.analogies(self.unit, a, b, c, method, topn, limit)


def _answered(found: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Drops the columns past the last one every query could fill: a `topn` above the
    words left to answer with gets excluded words at -inf, which are no answers."""
    indices, scores = found
    k = int(np.isfinite(scores).sum(axis=1).min()) if len(scores) else scores.shape[1]
    return indices[:, :k], scores[:, :k]


def _topn(scores: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    from kembed.vectors.topk import topn  # numba loads on the first query, not on import

    return topn(scores, n)


def _check_topn(topn: int) -> None:
    if not isinstance(topn, int) or isinstance(topn, bool) or topn < 1:
        raise ValueError(f"`topn` must be a positive integer. Received: topn={topn!r}")
