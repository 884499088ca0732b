"""Files other tools open: the TensorBoard Embedding Projector's folder (`tensors.tsv`,
`metadata.tsv`, `projector_config.pbtxt`, which the standalone projector also loads), and
CSV files of 2-D coordinates and of neighbour lists. Each file is written atomically and
never replaces a file without `overwrite=True`; other files in the folder are left alone.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

from kembed._io import atomic_write, check_output
from kembed.errors import OutputError
from kembed.space.projection import Projection
from kembed.vectors import Vectors

PROJECTOR_FILES = ("tensors.tsv", "metadata.tsv", "projector_config.pbtxt")


def write_projector(
    vectors: Vectors,
    folder: str | os.PathLike[str],
    *,
    top: int | None = 10_000,
    overwrite: bool = False,
) -> list[Path]:
    """Writes the first `top` vectors as an Embedding Projector folder: `tensors.tsv`
    (one vector a line, tab-separated), `metadata.tsv` (the words; with a `word<TAB>count`
    header when the vectors have counts) and `projector_config.pbtxt` naming both
    (`tensor_path`, `metadata_path`, `tensor_shape`). The folder is created if missing.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp()) / "projector"
    >>> paths = write_projector(Vectors(["a", "b"], np.eye(2, dtype="float32")), folder)
    >>> [p.name for p in paths]
    ['tensors.tsv', 'metadata.tsv', 'projector_config.pbtxt']
    >>> (folder / "tensors.tsv").read_text(encoding="utf-8")
    '1\\t0\\n0\\t1\\n'

    Args:
        vectors: The `Vectors`.
        folder: Path-like. The folder to write into.
        top: How many rows (the first ones); None for all. The projector's browser page
            is slow past about 100,000 points.
        overwrite: Replace the three files if they exist.

    Returns:
        The paths written.

    Raises:
        OutputError: if a file exists (without `overwrite=True`), `folder` is a file, or
            its parent folder is missing or read-only.
        ValueError: if a word holds a tab or a line break (the TSV could not hold it).
    """
    count = len(vectors) if top is None else min(top, len(vectors))
    words = vectors.index_to_key[:count]
    _check_words(words)
    paths = _prepare(folder, PROJECTOR_FILES, overwrite)
    with atomic_write(paths[0], encoding="utf-8") as f:
        np.savetxt(f, vectors.vectors[:count], fmt="%.9g", delimiter="\t")
    counts = vectors.counts
    with atomic_write(paths[1], encoding="utf-8") as f:
        if counts is None:
            f.write("".join(f"{word}\n" for word in words))
        else:
            f.write("word\tcount\n")
            f.write(
                "".join(f"{w}\t{c}\n" for w, c in zip(words, counts[:count].tolist(), strict=True))
            )
    config = (
        "embeddings {\n"
        f'  tensor_name: "{_pbtxt(vectors.report.source if vectors.report else "kembed")}"\n'
        '  tensor_path: "tensors.tsv"\n'
        '  metadata_path: "metadata.tsv"\n'
        f"  tensor_shape: {count}\n"
        f"  tensor_shape: {vectors.dim}\n"
        "}\n"
    )
    with atomic_write(paths[2], encoding="utf-8") as f:
        f.write(config)
    return paths


def write_coordinates(
    projection: Projection, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Writes a map's coordinates as CSV: `word,x,y`, one word a row.

    Example:

    >>> import pathlib, tempfile
    >>> from kembed.space import project
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "map.csv"
    >>> v = Vectors(["a", "b", "c"], np.eye(3, dtype="float32"))
    >>> write_coordinates(project(v), path).read_text(encoding="utf-8").splitlines()[0]
    'word,x,y'
    """
    (path,) = _prepare(Path(path).parent, [Path(path).name], overwrite)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["word", "x", "y"])
    writer.writerows(
        (w, f"{x:.6g}", f"{y:.6g}")
        for w, (x, y) in zip(projection.words, projection.xy.tolist(), strict=True)
    )
    with atomic_write(path, encoding="utf-8") as f:
        f.write(buffer.getvalue())
    return path


def write_neighbors(
    vectors: Vectors,
    path: str | os.PathLike[str],
    *,
    top: int = 10_000,
    topn: int = 10,
    overwrite: bool = False,
) -> Path:
    """Writes the `topn` nearest neighbours of each of the first `top` words as CSV:
    `word,rank,neighbor,similarity`, one neighbour a row.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "neighbors.csv"
    >>> v = Vectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], "float32"))
    >>> write_neighbors(v, path, topn=1).read_text(encoding="utf-8").splitlines()[:2]
    ['word,rank,neighbor,similarity', 'a,1,b,0.995037']
    """
    (path,) = _prepare(Path(path).parent, [Path(path).name], overwrite)
    words = vectors.index_to_key[: min(top, len(vectors))]
    indices, scores = vectors.most_similar_batch(words, topn=topn)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["word", "rank", "neighbor", "similarity"])
    keys = vectors.index_to_key
    for word, row, values in zip(words, indices.tolist(), scores.tolist(), strict=True):
        writer.writerows(
            (word, r, keys[i], f"{s:.6f}")
            for r, (i, s) in enumerate(zip(row, values, strict=True), 1)
        )
    with atomic_write(path, encoding="utf-8") as f:
        f.write(buffer.getvalue())
    return path


def check_projector(folder: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Checks, before any work, that `write_projector` may write into `folder`: a folder
    (or a new one whose parent exists and is writable) whose three files are absent, or
    replaced with `overwrite`.

    Example:

    >>> import pathlib, tempfile
    >>> check_projector(pathlib.Path(tempfile.mkdtemp()) / "new")  # fine: nothing raised

    Raises:
        OutputError: as `write_projector` would.
    """
    _check_folder(folder, PROJECTOR_FILES, overwrite)


def _check_folder(folder: str | os.PathLike[str], names, overwrite: bool) -> None:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(folder, "is a file, not a folder. Choose a folder for the output.")
    if not folder.exists():
        check_output(folder, overwrite=False)  # the parent exists and is writable
        return
    for name in names:
        check_output(folder / name, overwrite=overwrite)


def _prepare(folder: str | os.PathLike[str], names, overwrite: bool) -> list[Path]:
    """Checks every output file in `folder` before anything is written, creating the
    folder if missing."""
    _check_folder(folder, names, overwrite)
    folder = Path(os.path.abspath(folder))
    folder.mkdir(exist_ok=True)
    return [folder / name for name in names]


def _check_words(words: list[str]) -> None:
    for word in words:
        if "\t" in word or "\n" in word or "\r" in word:
            raise ValueError(
                f"The word {word!r} holds a tab or a line break, which a TSV file cannot "
                "hold: the projector would misalign every row after it. Save such vectors "
                "in kembed's native format instead."
            )


def _pbtxt(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
