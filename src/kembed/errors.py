"""The exceptions kembed raises for bad data.

Argument mistakes raise the built-in `ValueError` / `TypeError`; problems with the contents
of a file raise a subclass of `KembedError`, which says which file, which line, what was
expected and what to do. Nothing here imports Keras.
"""

from __future__ import annotations

import os


class KembedError(Exception):
    """Base class of the errors kembed raises about data.

    Example:

    >>> error = CorpusError("reviews.csv", 12, "a label is missing.")
    >>> isinstance(error, KembedError), str(error)
    (True, 'reviews.csv, line 12: a label is missing.')
    """


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

    Example:

    >>> error = CorpusError("corpus.txt", None, "this is not a text file.")
    >>> error.path, error.line
    ('corpus.txt', None)
    """


class VectorFormatError(_LocatedError):
    """A vector file that does not hold what its format says.

    Attributes:
        path: The file (for an archive, `archive.zip:member`).
        line: The 1-based line number, or `None` (binary records are counted in the
            message).

    Example:

    >>> import numpy as np, pathlib, tempfile
    >>> from kembed import Vectors
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "short.txt"
    >>> _ = path.write_text("the 0.1 0.2\\ncat 0.3\\n", encoding="utf-8")
    >>> Vectors.load(path, cache=False)
    Traceback (most recent call last):
    ...
    kembed.errors.VectorFormatError: ...short.txt, line 2: expected a word and 2 numbers, ...
    """


class SourceError(KembedError, OSError):
    """A named source, a download or a cache entry that cannot be used.

    Example:

    >>> import kembed
    >>> issubclass(kembed.SourceError, OSError)
    True
    """


class OutputError(KembedError, OSError):
    """An output path that kembed will not write: an existing file (without
    `overwrite=True`), a folder that kembed did not write, or a parent folder that is
    missing or read-only. Raised before any work starts.

    Attributes:
        path: The output path.

    Example:

    >>> import kembed, numpy as np, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "taken.txt"
    >>> _ = path.write_text("mine", encoding="utf-8")
    >>> kembed.Vectors(["a"], np.ones((1, 2))).save(path)
    Traceback (most recent call last):
    ...
    kembed.errors.OutputError: ...taken.txt: ...
    """

    def __init__(self, path: str | os.PathLike[str], message: str):
        self.path = os.fspath(path)
        super().__init__(f"{self.path}: {message}")


class KembedWarning(UserWarning):
    """Base class of kembed's warnings (the CLI prints them as one `Warning:` line).

    Example:

    >>> import warnings, kembed
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", kembed.KembedWarning)  # every kembed warning
    """


class CacheWarning(KembedWarning):
    """The cache folder cannot be written: vectors load without it.

    Example:

    >>> import kembed
    >>> issubclass(kembed.CacheWarning, kembed.KembedWarning)
    True
    """


class DataWarning(KembedWarning):
    """Data that loads but is probably not what was meant (a label "NaN", no held-out
    texts).

    Example:

    >>> import kembed
    >>> issubclass(kembed.DataWarning, kembed.KembedWarning)
    True
    """


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped by Ctrl-C (SIGINT) at the end of a batch. The model holds the
    best weights so far (with early stopping) or the last ones; nothing was saved.

    Attributes:
        epoch: The 1-based epoch it stopped in.
        batch: The 1-based batch of that epoch it stopped after.

    Example:

    >>> error = TrainingInterrupted(epoch=3, batch=17)
    >>> str(error)
    'Training interrupted (Ctrl-C) after batch 17 of epoch 3'
    """

    def __init__(self, epoch: int, batch: int):
        self.epoch, self.batch = epoch, batch
        super().__init__(f"Training interrupted (Ctrl-C) after batch {batch:,} of epoch {epoch:,}")
