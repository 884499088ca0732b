"""Two vector sets side by side (GloVe before and after fine-tuning, word2vec against GloVe
on one corpus): `align` rotates one onto the other by orthogonal Procrustes on their shared
words, `compare` measures per word how far it moved and how many of its neighbours it kept.
numpy and scipy; no Keras, no file paths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kembed.vectors import Vectors


@dataclass(frozen=True)
class Comparison:
    """How the words shared by two vector sets differ.

    Example:

    >>> a = Vectors(["x", "y", "z", "w"], np.eye(4, dtype="float32"))
    >>> result = compare(a, a, top=4, topn=2)
    >>> result.mean_overlap, float(result.moved.max())
    (1.0, 0.0)

    Attributes:
        words: The words compared (shared, in the first set's order), at most `top`.
        overlap: For each word, the share of its `topn` neighbours (among the shared
            words) that both sets give.
        moved: For each word, the cosine distance between its vector in the second set
            and its vector of the first set rotated onto the second (0 = same place).
        topn: The neighbours compared per word.
        shared: How many words the two sets share (before the `top` cut).
    """

    words: list[str]
    overlap: np.ndarray
    moved: np.ndarray
    topn: int
    shared: int

    @property
    def mean_overlap(self) -> float:
        """The mean neighbour overlap@topn over the words compared."""
        return float(self.overlap.mean()) if len(self.overlap) else 0.0

    def most_moved(self, n: int = 20) -> list[tuple[str, float, float]]:
        """The `n` words that moved most: `(word, moved, overlap)`, farthest first.

        Example:

        >>> a = Vectors(["x", "y", "z"], np.eye(3, dtype="float32"))
        >>> b = Vectors(["x", "y", "z"], np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0.1]], "float32"))
        >>> compare(a, b, topn=1).most_moved(1)[0][0]
        'z'
        """
        order = np.argsort(-self.moved, kind="stable")[:n]
        return [(self.words[i], float(self.moved[i]), float(self.overlap[i])) for i in order]


def shared_words(first: Vectors, second: Vectors) -> list[str]:
    """The words of `first` that `second` has too, in `first`'s order.

    Example:

    >>> a = Vectors(["x", "y", "z"], np.eye(3, dtype="float32"))
    >>> shared_words(a, a.subset(["z", "x"]))
    ['x', 'z']
    """
    index = second.key_to_index
    return [word for word in first.index_to_key if word in index]


def align(first: Vectors, second: Vectors, words: list[str] | None = None) -> np.ndarray:
    """The orthogonal matrix `R` minimising `||A R - B||` over the unit vectors of the
    shared `words` (orthogonal Procrustes). When the sizes differ the smaller set is
    padded with zero components, so `R` maps the first set's space into the second's.

    Example:

    >>> a = Vectors(["x", "y", "z"], np.eye(3, dtype="float32"))
    >>> b = Vectors(["x", "y", "z"], np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1]], "float32"))
    >>> (np.eye(3, dtype="float32") @ align(a, b)).round(3).tolist()[0]
    [0.0, 1.0, 0.0]

    Args:
        first, second: The two `Vectors`.
        words: Optional words to align on (all shared words by default).

    Returns:
        A (max dim, max dim) float32 rotation, applied to the first set's padded unit rows.

    Raises:
        ValueError: if fewer than 2 words are shared.
    """
    from scipy.linalg import orthogonal_procrustes

    words = shared_words(first, second) if words is None else words
    if len(words) < 2:
        raise ValueError(f"Aligning needs at least 2 shared words; found {len(words)}.")
    a, b = _padded(first, second, words)
    rotation, _ = orthogonal_procrustes(a, b)
    return rotation.astype(np.float32)


def compare(first: Vectors, second: Vectors, *, top: int = 5_000, topn: int = 10) -> Comparison:
    """Compares the `top` first shared words of two vector sets: neighbour overlap@topn
    (neighbours searched among the shared words in each set) and the distance each word
    moved once the first set is rotated onto the second (`align` on all shared words).

    Example:

    >>> a = Vectors(["x", "y", "z", "w"], np.eye(4, dtype="float32"))
    >>> compare(a, a.subset(["w", "y", "x"]), topn=1).words
    ['x', 'y', 'w']

    Args:
        first, second: The two `Vectors`.
        top: How many shared words to compare (the first ones, in `first`'s order).
        topn: Neighbours compared per word.

    Returns:
        A `Comparison`.

    Raises:
        ValueError: if fewer than `topn + 1` words are shared, or `top` / `topn` is not a
            positive integer.
    """
    for name, value in (("top", top), ("topn", topn)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    words = shared_words(first, second)
    if len(words) <= topn:
        raise ValueError(
            f"The two sets share {len(words)} words: too few to compare {topn} neighbours "
            "each. Compare vectors of the same language and vocabulary."
        )
    rotation = align(first, second, words)
    a, b = _padded(first, second, words)
    compared = words[:top]
    count = len(compared)
    moved = 1 - np.einsum("ij,ij->i", _unit(a[:count] @ rotation), b[:count])
    near_a = _neighbours(a, count, topn)
    near_b = _neighbours(b, count, topn)
    overlap = np.array(
        [
            len(np.intersect1d(x, y, assume_unique=True)) / topn
            for x, y in zip(near_a, near_b, strict=True)
        ]
    )
    return Comparison(compared, overlap, np.clip(moved, 0, 2).astype(np.float32), topn, len(words))


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def _padded(first: Vectors, second: Vectors, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The unit rows of `words` in both sets, padded with zeros to the larger dim."""
    dim = max(first.dim, second.dim)
    out = []
    for vectors in (first, second):
        rows = np.array([vectors.key_to_index[w] for w in words], dtype=np.int64)
        padded = np.zeros((len(words), dim), dtype=np.float32)
        padded[:, : vectors.dim] = vectors.unit[rows]
        out.append(padded)
    return out[0], out[1]


def _neighbours(unit: np.ndarray, count: int, topn: int) -> np.ndarray:
    """The `topn` nearest rows of `unit` to each of its first `count` rows (itself
    excluded), in blocks of queries."""
    found = np.empty((count, topn), dtype=np.int64)
    for start in range(0, count, 1024):
        stop = min(start + 1024, count)
        scores = unit[start:stop] @ unit.T
        scores[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        best = np.argpartition(-scores, topn - 1, axis=1)[:, :topn]
        found[start:stop] = best
    return found
