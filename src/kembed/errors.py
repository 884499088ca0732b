"""The exceptions kembed raises for bad data.

Argument mistakes raise the built-in `ValueError` / `TypeError`; problems with the contents
of a file raise a subclass of `KembedError`, which says which file, which line, what was
expected and what to do. Nothing here imports Keras.
"""

from __future__ import annotations

import os


class KembedError(Exception):
    """Base class of the errors kembed raises about data."""


class _LocatedError(KembedError, ValueError):
    """An error about one file, and optionally one line of it."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str):
        self.path = os.fspath(path)
        self.line = line
        where = self.path if line is None else f"{self.path}, line {line:,}"
        super().__init__(f"{where}: {message}")


class CorpusError(_LocatedError):
    """A text file (a corpus, a dataset) that cannot be read as asked.

    Attributes:
        path: The file.
        line: The 1-based line number, or `None` when the problem is not on one line.
    """


class VectorFormatError(_LocatedError):
    """A vector file that does not hold what its format says.

    Attributes:
        path: The file (for an archive, `archive.zip:member`).
        line: The 1-based line number, or `None` (binary records are counted in the
            message).
    """


class SourceError(KembedError, OSError):
    """A named source, a download or a cache entry that cannot be used."""
