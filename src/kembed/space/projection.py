"""2-D maps of word vectors: `project` places words on a plane by PCA (numpy, always
there), UMAP (`umap-learn`) or t-SNE (scikit-learn), the last two imported only when asked
for (`pip install "kembed[maps]"`). No Keras, no file paths.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np

from kembed.vectors import Vectors

METHODS = ("pca", "umap", "tsne")
_PACKAGES = {"umap": "umap", "tsne": "sklearn"}  # method -> the module it needs
_INSTALL = {"umap": "umap-learn", "tsne": "scikit-learn"}


@dataclass(frozen=True)
class Projection:
    """Words placed on a plane.

    Example:

    >>> v = Vectors(["a", "b", "c"], np.array([[1, 0, 0], [0, 2, 0], [0, 0, 3]], "float32"))
    >>> p = project(v, top=3)
    >>> p.words, p.xy.shape, p.method
    (['a', 'b', 'c'], (3, 2), 'pca')

    Attributes:
        words: The words, in the order of the rows of `xy`.
        xy: A (len(words), 2) float32 array.
        method: `"pca"`, `"umap"` or `"tsne"`.
        explained: For PCA, the share of the variance each axis explains; else None.
    """

    words: list[str]
    xy: np.ndarray
    method: str
    explained: tuple[float, float] | None = None


def available_methods() -> list[str]:
    """The projection methods that can run here: PCA always, UMAP and t-SNE when their
    package is installed.

    Example:

    >>> available_methods()[0]
    'pca'
    """
    return [m for m in METHODS if m not in _PACKAGES or importlib.util.find_spec(_PACKAGES[m])]


def project(
    vectors: Vectors,
    words: list[str] | None = None,
    *,
    top: int = 5_000,
    method: str = "pca",
    seed: int = 0,
) -> Projection:
    """Places words of `vectors` on a plane.

    PCA projects on the two directions of largest variance of the chosen words (centred);
    the sign of each axis is fixed so that its largest coefficient is positive, so the
    same words give the same map. UMAP (cosine metric) and t-SNE (cosine, PCA start)
    keep neighbours together instead, at more cost (t-SNE of 50,000 words takes minutes).

    Example:

    >>> v = Vectors(["a", "b", "c", "d"], np.eye(4, dtype="float32"))
    >>> project(v, ["d", "a", "zzz", "c"]).words  # the words given that are present
    ['d', 'a', 'c']

    Args:
        vectors: The `Vectors`.
        words: Optional words to place (those present, in the order given, each once).
            Defaults to the first `top` rows (the most frequent words of most files).
        top: How many rows when `words` is not given.
        method: `"pca"`, `"umap"` or `"tsne"`.
        seed: Random seed of UMAP and t-SNE.

    Returns:
        A `Projection`.

    Raises:
        ValueError: for an unknown `method`, a `top` that is not a positive integer, or
            fewer than 3 words to place.
        ImportError: if the package `method` needs is not installed (the message names it).
    """
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}. Received: method={method!r}")
    if words is None:
        if not isinstance(top, int) or isinstance(top, bool) or top < 1:
            raise ValueError(f"`top` must be a positive integer. Received: top={top!r}")
        chosen = vectors.index_to_key[:top]
        matrix = np.asarray(vectors.vectors[: len(chosen)], dtype=np.float32)
    else:
        subset = vectors.subset(words)
        chosen, matrix = subset.index_to_key, np.asarray(subset.vectors)
    if len(chosen) < 3:
        raise ValueError(f"A map needs at least 3 words in the vectors; found {len(chosen)}.")
    if method == "pca":
        xy, explained = pca_coordinates(matrix)
        return Projection(list(chosen), xy, method, explained)
    if method not in available_methods():
        raise ImportError(
            f"The {method} map needs the package {_INSTALL[method]!r}: "
            f'pip install {_INSTALL[method]} (or "kembed[maps]").'
        )
    xy = _umap(matrix, seed) if method == "umap" else _tsne(matrix, seed)
    return Projection(list(chosen), np.asarray(xy, dtype=np.float32), method)


def pca_coordinates(matrix: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """The centred rows of `matrix` on its two leading principal axes, and the share of
    the variance each explains. The axes are the eigenvectors of the (dim x dim)
    covariance (one matrix product over the rows, instead of their SVD).

    Example:

    >>> xy, explained = pca_coordinates(np.array([[0, 0], [2, 0], [4, 0.1]], "float32"))
    >>> xy[[0, 2], 0].round(2).tolist(), explained[0] > 0.99
    ([-2.0, 2.0], True)
    """
    matrix = np.asarray(matrix, dtype=np.float32)
    centred = matrix - matrix.mean(axis=0, dtype=np.float64).astype(np.float32)
    # float32 products (BLAS), the small (dim x dim) eigenproblem in float64.
    values, axes = np.linalg.eigh((centred.T @ centred).astype(np.float64))
    order = np.argsort(values)[::-1][:2]
    axes = axes[:, order]
    axes *= np.sign(axes[np.abs(axes).argmax(axis=0), [0, 1]])  # a fixed sign per axis
    total = float(values.sum())
    explained = tuple(float(v / total) if total else 0.0 for v in values[order])
    return centred @ axes.astype(np.float32), explained


def _umap(matrix: np.ndarray, seed: int) -> np.ndarray:
    import umap

    reducer = umap.UMAP(n_components=2, metric="cosine", random_state=seed, n_jobs=1)
    return reducer.fit_transform(matrix)


def _tsne(matrix: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.manifold import TSNE

    perplexity = float(min(30, max(2, (len(matrix) - 1) // 3)))
    tsne = TSNE(2, metric="cosine", init="pca", perplexity=perplexity, random_state=seed)
    return tsne.fit_transform(matrix)
