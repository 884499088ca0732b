"""Static pictures of a vector space (matplotlib with its non-interactive Agg backend,
imported when a picture is drawn): a labelled 2-D map of words (`plot_map`), and the
words that moved between two sets of vectors, such as GloVe before and after fine-tuning
(`plot_shift`). The format follows the file name: `.png`, `.svg` or `.pdf`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from kembed._io import atomic_write, check_output
from kembed.space.projection import Projection, pca_coordinates
from kembed.vectors import Vectors

FORMATS = (".png", ".svg", ".pdf")
_LABELS = 150  # labelled words on a map of many (the first ones: most frequent)


def plot_map(
    projection: Projection,
    path: str | os.PathLike[str],
    *,
    labels: int = _LABELS,
    title: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Draws a map of words: a point per word, the first `labels` words labelled.

    Example:

    >>> import pathlib, tempfile
    >>> from kembed.space import project
    >>> v = Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))
    >>> path = plot_map(project(v), pathlib.Path(tempfile.mkdtemp()) / "map.svg")
    >>> path.read_text(encoding="utf-8").count("<svg")
    1

    Args:
        projection: What `project` returns.
        path: Path-like. A `.png`, `.svg` or `.pdf` file.
        labels: How many words get their label (the first ones).
        title: Optional title; by default the method and the number of words.
        overwrite: Replace an existing file.

    Returns:
        The path written.

    Raises:
        ValueError: if the suffix is not one of `.png`, `.svg`, `.pdf`.
        OutputError: if `path` exists (without `overwrite=True`) or its folder is
            missing or read-only.
    """
    path = check_picture(path, overwrite=overwrite)
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(12, 9))
    xy = projection.xy
    size = 4 if len(xy) > 5_000 else 10
    axis.scatter(xy[:, 0], xy[:, 1], s=size, c="#4a78b0", alpha=0.6, linewidths=0)
    for word, (x, y) in zip(projection.words[:labels], xy[:labels].tolist(), strict=True):
        axis.annotate(word, (x, y), fontsize=8, xytext=(2, 2), textcoords="offset points")
    if title is None:
        title = f"{projection.method.upper()} map of {len(xy):,} words"
        if projection.explained:
            title += " ({:.1%} and {:.1%} of the variance)".format(*projection.explained)
    axis.set_title(title)
    axis.set_xticks([])
    axis.set_yticks([])
    return _save(plt, figure, path)


def plot_shift(
    before: Vectors,
    after: Vectors,
    words: list[str],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Draws where `words` sit in `before` (grey) and in `after` (blue), an arrow from each
    word's old place to its new one, both on the same PCA axes (fitted on both sets'
    rows of the words). For an embedding fine-tuned from pretrained vectors, the two
    share their space, so the arrows are what training moved.

    Example:

    >>> import pathlib, tempfile
    >>> before = Vectors(["a", "b", "c", "d"], np.eye(4, dtype="float32"))
    >>> after = Vectors(["a", "b", "c", "d"], np.eye(4, dtype="float32") * 2)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "shift.png"
    >>> plot_shift(before, after, ["a", "b", "c"], path).stat().st_size > 0
    True

    Args:
        before, after: Two `Vectors` of the same dim.
        words: The words to draw (those in both sets).
        path: Path-like. A `.png`, `.svg` or `.pdf` file.
        title: Optional title.
        overwrite: Replace an existing file.

    Returns:
        The path written.

    Raises:
        ValueError: if the dims differ, fewer than 2 of `words` are in both sets, or the
            suffix is not one of `.png`, `.svg`, `.pdf`.
        OutputError: as `plot_map`.
    """
    if before.dim != after.dim:
        raise ValueError(
            f"Both sets must have the same dim to share axes; found {before.dim} and "
            f"{after.dim}. Compare sets of different dims with kembed.space.compare."
        )
    shared = [w for w in dict.fromkeys(words) if w in before and w in after]
    if len(shared) < 2:
        raise ValueError(f"Fewer than 2 of the words are in both sets ({len(shared)}).")
    path = check_picture(path, overwrite=overwrite)
    old = np.stack([before[w] for w in shared])
    new = np.stack([after[w] for w in shared])
    xy, _ = pca_coordinates(np.concatenate([old, new]))
    old_xy, new_xy = xy[: len(shared)], xy[len(shared) :]
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(12, 9))
    axis.scatter(old_xy[:, 0], old_xy[:, 1], s=14, c="#9a9a9a", label="before")
    axis.scatter(new_xy[:, 0], new_xy[:, 1], s=14, c="#2f6db5", label="after")
    for word, (x0, y0), (x1, y1) in zip(shared, old_xy.tolist(), new_xy.tolist(), strict=True):
        axis.annotate("", (x1, y1), (x0, y0), arrowprops={"arrowstyle": "->", "alpha": 0.4})
        axis.annotate(word, (x1, y1), fontsize=8, xytext=(2, 2), textcoords="offset points")
    axis.set_title(title or f"{len(shared):,} words before and after (shared PCA axes)")
    axis.legend()
    axis.set_xticks([])
    axis.set_yticks([])
    return _save(plt, figure, path)


def check_picture(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Checks a picture's path before the work: a known suffix, and a file that may be
    written (see `kembed._io.check_output`).

    Example:

    >>> check_picture("map.jpg", overwrite=False)
    Traceback (most recent call last):
    ...
    ValueError: A picture must be one of .png, .svg, .pdf. Received: 'map.jpg'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"A picture must be one of {', '.join(FORMATS)}. Received: {os.fspath(path)!r}"
        )
    return Path(check_output(path, overwrite=overwrite))


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt, figure, path: Path) -> Path:
    with atomic_write(path, mode="wb") as f:
        figure.savefig(f, format=path.suffix[1:].lower(), dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path
