"""kembed's native vector format: a folder holding `vectors.npy` (little-endian float32,
opened with `mmap_mode="r"`, never pickled), `norms.npy`, `vocab.txt` (UTF-8, one word a
line) and `header.json` (format, version, dtype, shape, source, sizes and SHA-256 of the
files, the load report and the settings that made it).

The folder is written under a temporary name and renamed into place, so a reader never
sees a half-written one; `read_native` checks the header, the sizes and the vocabulary's
checksum on every open and the matrix's checksum with `verify=True`. No Keras, no printing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
from typing import Any

import numpy as np

from kembed.__about__ import __version__
from kembed._io import file_sha256
from kembed.errors import VectorFormatError

FORMAT = "kembed-vectors"
VERSION = 1
FILES = ("vectors.npy", "norms.npy", "vocab.txt")


def is_native(path: str | os.PathLike[str]) -> bool:
    """True if `path` is a folder holding a native `header.json`."""
    return os.path.isfile(os.path.join(path, "header.json"))


def write_native(
    path: str | os.PathLike[str],
    words: list[str],
    matrix: np.ndarray,
    *,
    norms: np.ndarray | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Writes the native folder `path` atomically (replacing an existing one).

    Args:
        path: Path-like. The folder to create.
        words: The words, in row order.
        matrix: The (len(words), dim) matrix; written as little-endian float32.
        norms: Optional precomputed row norms.
        extra: Optional JSON-serialisable fields for the header (`source`, `report`,
            `settings`).

    Raises:
        ValueError: if a word contains a newline or the shapes disagree.
    """
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise ValueError(f"Expected a matrix of {len(words)} rows. Received: shape={matrix.shape}")
    bad = next((w for w in words if "\n" in w or "\r" in w), None)
    if bad is not None:
        raise ValueError(f"Words must not contain line breaks. Received: {bad!r}")
    path = os.path.abspath(os.fspath(path))
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        matrix = np.asarray(matrix, dtype="<f4")
        np.save(os.path.join(tmp, "vectors.npy"), matrix, allow_pickle=False)
        if norms is None:
            norms = np.linalg.norm(matrix, axis=1)
        np.save(os.path.join(tmp, "norms.npy"), np.asarray(norms, "<f4"), allow_pickle=False)
        with open(os.path.join(tmp, "vocab.txt"), "wb") as f:
            f.write("".join(w + "\n" for w in words).encode("utf-8", "surrogateescape"))
        header = {
            "format": FORMAT,
            "version": VERSION,
            "dtype": "float32",
            "shape": list(matrix.shape),
            "created_by": f"kembed {__version__}",
            "sizes": {n: os.path.getsize(os.path.join(tmp, n)) for n in FILES},
            "sha256": {n: file_sha256(os.path.join(tmp, n)) for n in FILES},
            **(extra or {}),
        }
        with open(os.path.join(tmp, "header.json"), "w", encoding="utf-8") as f:
            json.dump(header, f, indent=2)
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name), "rb") as f:
                os.fsync(f.fileno())
        old = None
        if os.path.exists(path):
            old = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(path)}.", suffix=".old")
            os.replace(path, os.path.join(old, "x"))
        os.replace(tmp, path)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parsed `header.json` of a native folder, checked for format and version."""
    name = os.path.join(path, "header.json")
    try:
        with open(name, encoding="utf-8") as f:
            header = json.load(f)
    except (OSError, ValueError) as error:
        raise VectorFormatError(name, None, f"cannot read the header: {error}.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise VectorFormatError(name, None, f"not a {FORMAT} header.")
    if header.get("version") != VERSION:
        raise VectorFormatError(
            name,
            None,
            f"format version {header.get('version')!r}, this kembed reads version {VERSION}."
            " Upgrade kembed or convert the vectors again.",
        )
    return header


def read_native(path: str | os.PathLike[str], *, verify: bool = False, lazy: bool = False):
    """Opens a native folder.

    Args:
        path: Path-like. The folder.
        verify: Also check the SHA-256 of the matrix files (reads them whole).
        lazy: Return, instead of the word list, a function that decodes it (the
            vocabulary's bytes are read and checked now, decoded on first use).

    Returns:
        (words, read-only memory-mapped matrix, norms, header).

    Raises:
        VectorFormatError: if a file is missing, has the wrong size or checksum, or does not
            match the header's shape.
    """
    path = os.fspath(path)
    header = read_header(path)
    for name in FILES:
        file = os.path.join(path, name)
        if not os.path.isfile(file) or os.path.getsize(file) != header["sizes"][name]:
            raise VectorFormatError(
                file, None, "missing or of the wrong size: the folder is damaged."
            )
    vocab = os.path.join(path, "vocab.txt")
    with open(vocab, "rb") as f:
        data = f.read()
    checks = FILES if verify else ("vocab.txt",)
    for name in checks:
        file = os.path.join(path, name)
        actual = hashlib.sha256(data).hexdigest() if name == "vocab.txt" else file_sha256(file)
        if actual != header["sha256"][name]:
            raise VectorFormatError(file, None, "checksum mismatch: the folder is damaged.")
    words = functools.partial(_decode, data)
    matrix = np.load(os.path.join(path, "vectors.npy"), mmap_mode="r", allow_pickle=False)
    norms = np.load(os.path.join(path, "norms.npy"), mmap_mode="r", allow_pickle=False)
    shape = tuple(header["shape"])
    count = data.count(b"\n")
    if matrix.shape != shape or matrix.dtype != np.dtype("<f4") or count != shape[0]:
        raise VectorFormatError(
            path,
            None,
            f"the header says shape {shape}, the files hold {matrix.shape} {matrix.dtype} "
            f"and {count} words: the folder is damaged.",
        )
    return (words if lazy else words()), matrix, norms, header


def _decode(data: bytes) -> list[str]:
    return data.decode("utf-8", "surrogateescape").split("\n")[:-1]
