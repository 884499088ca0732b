"""`Vectors`: words, a `word -> index` mapping and a float32 matrix: lookup, norms, cosine
similarity and subsets; the neighbour and analogy queries come from `vectors.queries`. No
file paths here: loading and saving go through `kembed.vectors.io`; no Keras.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Iterable, Sequence

import numpy as np

from kembed.vectors.queries import Queries
from kembed.vectors.report import LoadReport
from kembed.vectors.subwords import SubwordTable


class Vectors(Queries):
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
        subwords: Optional `SubwordTable` (a fastText model's n-gram rows): words not in
            the table then get a vector from their character n-grams.

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
        subwords: SubwordTable | None = None,
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
        self.subwords = subwords
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
        subwords=None,
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
        self.counts, self.subwords = counts, subwords
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
        (text), `"word2vec-binary"` or `"fasttext"` (a `.bin` that fastText loads, with
        the n-gram rows of vectors that have subwords); a `.gz`, `.bz2` or `.xz` name
        compresses. By default the name says which: `.txt` GloVe, `.vec` word2vec text,
        `.bin` word2vec binary, anything else a native folder.

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
        """Whether `word` has a row in the table (a word built from subwords has none)."""
        return word in self.key_to_index

    @property
    def has_subwords(self) -> bool:
        """Whether words outside the table get vectors from their character n-grams (a
        fastText `.bin` / `.ftz` model)."""
        return self.subwords is not None

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of `word`: its row (a read-only view) or, with subwords, one built
        from its n-grams. Raises `KeyError` if it has neither."""
        index = self.key_to_index.get(word)
        if index is None and self.subwords is not None:
            return self.subwords.vectors([word])[0]
        return self.vectors[self.index(word)]

    def get(self, word: str, default: np.ndarray | None = None) -> np.ndarray | None:
        """The vector of `word` (as `vectors[word]`), or `default` if it has none.

        Example:

        >>> v = Vectors(["a"], np.ones((1, 2), "float32"))
        >>> v.get("a"), v.get("b")
        (array([1., 1.], dtype=float32), None)
        """
        index = self.key_to_index.get(word)
        if index is None:
            return default if self.subwords is None else self[word]
        return self.vectors[index]

    def lookup(self, words: Sequence[str]) -> np.ndarray:
        """The vectors of many words at once, as a new (len(words), dim) float32 array:
        rows of the table, and for the other words (with subwords) vectors built from
        their n-grams, all in one pass of the compiled kernel.

        Example:

        >>> v = Vectors(["a", "b"], np.eye(2, dtype="float32"))
        >>> v.lookup(["b", "a", "b"]).tolist()
        [[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]

        Raises:
            KeyError: naming the first word without a vector (no subwords).
        """
        rows = self._rows(words)
        found = rows >= 0
        if found.all():
            return self.vectors[rows]
        missing = list(itertools.compress(words, ~found))
        if self.subwords is None:
            self.index(missing[0])  # raises the KeyError naming it
        built = self.subwords.vectors(missing)
        if not found.any():
            return built
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        out[found] = self.vectors[rows[found]]
        out[~found] = built
        return out

    def _rows(self, words: Sequence[str]) -> np.ndarray:
        """The row of each word, -1 for a word not in the table."""
        get = self.key_to_index.get
        return np.fromiter(map(get, words, itertools.repeat(-1)), np.int64, count=len(words))

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

    def unit_lookup(self, words: Sequence[str]) -> np.ndarray:
        """`lookup` scaled to unit length (zero vectors stay zero): the rows of `unit` for
        words in the table, and the normalised subword vectors of the others, as the
        queries use them.

        Example:

        >>> Vectors(["a", "b"], np.array([[3, 4], [0, 2]], "float32")).unit_lookup(["a"]).tolist()
        [[0.6000000238418579, 0.800000011920929]]

        Raises:
            KeyError: naming the first word without a vector (no subwords).
        """
        rows = self._rows(words)
        found = rows >= 0
        if found.all():
            return self.unit[rows]
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        out[found] = self.unit[rows[found]]
        built = self.lookup(list(itertools.compress(words, ~found)))
        out[~found] = built / np.maximum(np.linalg.norm(built, axis=1, keepdims=True), 1e-30)
        return out

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
        """Cosine similarity of two words (words outside the table too, when the vectors
        have subwords).

        Example:

        >>> v = Vectors(["a", "b"], np.array([[1, 0], [1, 1]], "float32"))
        >>> round(v.similarity("a", "b"), 4)
        0.7071

        Raises:
            KeyError: naming a word without a vector.
        """
        first, second = self.unit_lookup([word1, word2])
        return float(first @ second)

    # --- subsets -------------------------------------------------------------------------

    def subset(self, words: Iterable[str]) -> Vectors:
        """The vectors of `words` that are present, in the order given (duplicates once).

        Example:

        >>> v = Vectors(["a", "b", "c"], np.eye(3))
        >>> v.subset(["c", "x", "a"]).index_to_key
        ['c', 'a']
        """
        index = self.key_to_index
        keep = [w for w in dict.fromkeys(words) if w in index]
        rows = np.array([index[w] for w in keep], dtype=np.int64)
        counts = None if self.counts is None else self.counts[rows]
        return Vectors(
            keep, self.vectors[rows], header=self.header, counts=counts, subwords=self.subwords
        )
