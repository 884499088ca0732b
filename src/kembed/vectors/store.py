"""`Vectors`: words, a `word -> index` mapping and a float32 matrix, and the maths on them
(lookup, cosine similarity, nearest neighbours, analogies), batched into matrix products.
No file paths here: loading and saving go through `kembed.vectors.io`; no Keras.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from kembed.vectors.report import LoadReport


class Neighbor(NamedTuple):
    """A word and its cosine similarity (or 3CosMul score) to a query.

    Example:

    >>> word, similarity = Neighbor("queen", 0.78)
    >>> word
    'queen'
    """

    word: str
    similarity: float


class Vectors:
    """Word vectors: `index_to_key` (the words, in row order), `key_to_index` and the
    read-only float32 matrix `vectors`.

    Example:

    >>> import numpy as np
    >>> v = Vectors(["king", "queen", "man"], np.eye(3, dtype="float32"))
    >>> len(v), v.dim, "king" in v
    (3, 3, True)
    >>> v["queen"]
    array([0., 1., 0.], dtype=float32)

    Args:
        words: The words, one per row, all distinct.
        vectors: A (len(words), dim) array; stored as float32 (a float32 array, memory
            maps included, is kept as it is, made read-only).
        norms: Optional precomputed row norms.
        report: Optional `LoadReport` of the load that made these vectors.
        header: Optional dict of metadata (source, settings) saved with the vectors.
        counts: Optional corpus count of each word (trained vectors have them), saved
            with the vectors in the native format.

    Raises:
        ValueError: if the shapes disagree or a word repeats.
    """

    def __init__(
        self,
        words: Sequence[str],
        vectors: np.ndarray,
        *,
        norms: np.ndarray | None = None,
        report: LoadReport | None = None,
        header: dict | None = None,
        counts: np.ndarray | None = None,
    ):
        vectors = np.asarray(vectors)
        if vectors.dtype != np.float32:
            vectors = vectors.astype(np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(words):
            raise ValueError(
                f"`vectors` must have one row per word ({len(words)}). "
                f"Received: vectors.shape={vectors.shape}"
            )
        if vectors.flags.writeable:
            vectors = vectors.view()
            vectors.flags.writeable = False
        self.index_to_key = list(words)
        self.vectors = vectors
        self._norms = norms
        self.report = report
        self.header = dict(header or {})
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        if self.counts is not None and self.counts.shape != (len(words),):
            raise ValueError(
                f"`counts` must hold one count per word ({len(words)}). "
                f"Received: counts.shape={self.counts.shape}"
            )
        if len(self.key_to_index) != len(self.index_to_key):
            raise ValueError("`words` must be distinct; a word appears twice.")

    @classmethod
    def _trusted(
        cls,
        words,
        vectors,
        *,
        norms=None,
        report=None,
        header=None,
        key_to_index=None,
        counts=None,
    ) -> Vectors:
        """Wraps checked data (a reader's output, a native folder) without copying it or
        checking it again. `words` may be a function returning them (decoded on first use);
        `key_to_index` is built on first use unless given."""
        self = cls.__new__(cls)
        if vectors.flags.writeable:
            vectors.flags.writeable = False
        if callable(words):
            self._words = words
        else:
            self.index_to_key = words
        self.vectors, self._norms = vectors, norms
        self.report, self.header = report, dict(header or {})
        self.counts = counts
        if key_to_index is not None:
            self.__dict__["key_to_index"] = key_to_index
        return self

    # --- loading and saving ------------------------------------------------------------

    @classmethod
    def load(cls, source: str | os.PathLike[str], **options) -> Vectors:
        """Loads vectors from a file, a kembed folder or a named source.

        See `kembed.vectors.io.load` for the options (`format`, `member`, `vocab`,
        `limit`, `errors`, `duplicates`, `dim`, `cache`, `verify`, `progress`).

        Example:

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.txt"
        >>> _ = path.write_text("the 0.1 0.2\\ncat 0.3 0.4\\n", encoding="utf-8")
        >>> Vectors.load(path, cache=False, vocab=["cat", "dog"]).index_to_key
        ['cat']
        """
        from kembed.vectors import io

        return io.load(source, **options)

    def save(
        self, path: str | os.PathLike[str], *, format: str | None = None, overwrite: bool = False
    ) -> None:
        """Saves the vectors atomically as `"native"` (a folder), `"glove"`, `"word2vec"`
        (text) or `"word2vec-binary"`; a `.gz`, `.bz2` or `.xz` name compresses. By
        default the name says which: `.txt` GloVe, `.vec` word2vec text, `.bin` word2vec
        binary, anything else a native folder.

        The path is checked before anything is written: an existing file, or a kembed
        folder, is replaced only with `overwrite=True`; any other folder never is.

        Example:

        >>> import numpy as np, pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> Vectors(["a", "b"], np.eye(2)).save(folder / "tiny.kembed")  # a native folder
        >>> Vectors(["a", "b"], np.eye(2)).save(folder / "tiny.vec.gz")  # word2vec text, gzipped
        >>> Vectors.load(folder / "tiny.vec.gz", cache=False).index_to_key
        ['a', 'b']

        Raises:
            OutputError: if `path` exists (without `overwrite=True`) or is a folder that
                kembed did not write, or its parent folder is missing or read-only.
        """
        from kembed.vectors import io

        io.save(self, path, format=format, overwrite=overwrite)

    # --- lookup --------------------------------------------------------------------------

    @functools.cached_property
    def index_to_key(self) -> list[str]:
        """The words, in row order."""
        return self._words()

    @functools.cached_property
    def key_to_index(self) -> dict[str, int]:
        """word -> row index."""
        return dict(zip(self.index_to_key, range(len(self.index_to_key)), strict=False))

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        """The vector size."""
        return int(self.vectors.shape[1])

    def __contains__(self, word: object) -> bool:
        return word in self.key_to_index

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of `word` (a read-only view). Raises `KeyError` if absent."""
        return self.vectors[self.index(word)]

    def get(self, word: str, default: np.ndarray | None = None) -> np.ndarray | None:
        """The vector of `word`, or `default` if absent.

        Example:

        >>> v = Vectors(["a"], np.ones((1, 2), "float32"))
        >>> v.get("a"), v.get("b")
        (array([1., 1.], dtype=float32), None)
        """
        index = self.key_to_index.get(word)
        return default if index is None else self.vectors[index]

    def index(self, word: str) -> int:
        """The row of `word`. Raises `KeyError` naming it if absent.

        Example:

        >>> Vectors(["a", "b"], np.eye(2)).index("b")
        1
        """
        try:
            return self.key_to_index[word]
        except KeyError:
            raise KeyError(f"{word!r} is not in the vocabulary ({len(self):,} words)") from None

    def __repr__(self) -> str:
        return f"<Vectors {len(self):,} x {self.dim}>"

    # --- norms ---------------------------------------------------------------------------

    @property
    def norms(self) -> np.ndarray:
        """The Euclidean norm of each row."""
        if self._norms is None:
            self._norms = np.sqrt(np.einsum("ij,ij->i", self.vectors, self.vectors))
        return self._norms

    @functools.cached_property
    def unit(self) -> np.ndarray:
        """The rows scaled to unit length (zero rows stay zero), float32, read-only."""
        norms = np.asarray(self.norms, dtype=np.float32)
        unit = np.ascontiguousarray(self.vectors / np.where(norms == 0, 1, norms)[:, None])
        unit.flags.writeable = False
        return unit

    def similarity(self, word1: str, word2: str) -> float:
        """Cosine similarity of two words."""
        return float(self.unit[self.index(word1)] @ self.unit[self.index(word2)])

    # --- neighbours ----------------------------------------------------------------------

    def searched_rows(self, restrict_vocab: int | None) -> int:
        """How many rows a search with `restrict_vocab` looks at (the first ones).

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
        used = [self.index(w) for w in positive + negative]
        weights = np.array([1.0] * len(positive) + [-1.0] * len(negative), dtype=np.float32)
        mean = (weights[:, None] * self.unit[used]).mean(axis=0)
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

        >>> import numpy as np
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
            or, when fewer words are left to answer with, their number.
        """
        _check_topn(topn)
        ids = np.array([self.index(w) for w in words], dtype=np.int64)
        limit = self.searched_rows(restrict_vocab)
        from kembed.vectors import search

        queries = np.ascontiguousarray(self.unit[ids])
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

        Args:
            a, b, c: The words.
            method: `"3cosadd"` (gensim's `most_similar`) or `"3cosmul"` (Levy &
                Goldberg 2014, gensim's `most_similar_cosmul`).
            topn: How many answers.
            restrict_vocab: Optional int. Search only the first `restrict_vocab` rows.

        Returns:
            A list of `Neighbor(word, score)`, best first.
        """
        indices, scores = self.analogy_batch(
            [a], [b], [c], method=method, topn=topn, restrict_vocab=restrict_vocab
        )
        return [
            Neighbor(self.index_to_key[i], float(s))
            for i, s in zip(indices[0], scores[0], strict=False)
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

    # --- subsets -------------------------------------------------------------------------

    def subset(self, words: Iterable[str]) -> Vectors:
        """The vectors of `words` that are present, in the order given (duplicates once)."""
        index = self.key_to_index
        keep = [w for w in dict.fromkeys(words) if w in index]
        rows = np.array([index[w] for w in keep], dtype=np.int64)
        counts = None if self.counts is None else self.counts[rows]
        return Vectors(keep, self.vectors[rows], header=self.header, counts=counts)


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
