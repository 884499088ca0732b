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


class OutputError(KembedError, OSError):
    """An output path that kembed will not write: an existing file (without
    `overwrite=True`), a folder that kembed did not write, or a parent folder that is
    missing or read-only. Raised before any work starts.

    Attributes:
        path: The output path.
    """

    def __init__(self, path: str | os.PathLike[str], message: str):
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {message}")


class KembedWarning(UserWarning):
    """Base class of kembed's warnings (the CLI prints them as one `Warning:` line)."""


class CacheWarning(KembedWarning):
    """The cache folder cannot be written: vectors load without it."""


class DataWarning(KembedWarning):
    """Data that loads but is probably not what was meant (a label "NaN", no held-out
    texts)."""


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped by Ctrl-C (SIGINT) at the end of a batch. The model holds the
    best weights so far (with early stopping) or the last ones; nothing was saved.

    Attributes:
        epoch: The 1-based epoch it stopped in.
        batch: The 1-based batch of that epoch it stopped after.
    """

    def __init__(self, epoch: int, batch: int):
        self.epoch, self.batch = epoch, batch
        super().__init__(f"Training interrupted (Ctrl-C) after batch {batch:,} of epoch {epoch:,}")
