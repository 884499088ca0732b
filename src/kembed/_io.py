"""Atomic file writes: the one way kembed writes a file.

A file is written to a temporary name in the same folder, flushed to disk and then moved
over the final name with `os.replace`, so a crash never leaves a half-written file under
the final name. No Keras, no printing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from typing import IO


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Opens a temporary file that replaces `path` when the block ends without error.

    Example:

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "hello.txt"
    >>> with atomic_write(target) as f:
    ...     _ = f.write("hello")
    >>> target.read_text(encoding="utf-8")
    'hello'

    Args:
        path: Path-like. The final name.
        mode: `"w"` (text) or `"wb"` (bytes).
        encoding: The text encoding; ignored for `"wb"`.

    Yields:
        The open temporary file.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"`mode` must be 'w' or 'wb'. Received: mode={mode!r}")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        text = mode == "w"
        with os.fdopen(fd, mode, encoding=encoding if text else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, read in 16 MiB pieces, as a hex string."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()
