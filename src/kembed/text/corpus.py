"""Streaming the lines of a text file, for fitting on corpora larger than memory.

`read_lines` yields one line at a time from a plain, `.gz`, `.bz2` or `.xz` file. Only
`\\n` ends a line (a `\\r` before it is dropped), so characters such as U+0085, which
Python's text mode would treat as line breaks, stay inside their line, as the MR dataset
needs. A line that does not decode raises `CorpusError` with the file and line number.
No Keras here.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
from collections.abc import Iterator

from kembed.errors import CorpusError

_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def read_lines(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", skip_prefix: str | None = None
) -> Iterator[str]:
    """Yields the lines of a text file, without their line ending, one at a time.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_bytes(b"the cat\\r\\n<doc>\\nsat\\x85down")
    >>> list(read_lines(path, encoding="latin-1", skip_prefix="<"))
    ['the cat', 'sat\\x85down']

    Args:
        path: Path-like. A text file, optionally compressed (`.gz`, `.bz2`, `.xz`).
        encoding: The text encoding, e.g. `"utf-8"` or `"latin-1"`. Encodings whose
            characters span a `\\n` byte (UTF-16, UTF-32) are refused.
        skip_prefix: Optional str. Lines starting with it are skipped (e.g. `"<"` for
            the markup lines of WikiExtractor output).

    Yields:
        Each line as a str.

    Raises:
        CorpusError: if a line is not valid in `encoding` (the message names the file,
            the line and the byte).
        ValueError: if `encoding` is unknown or not line-safe.
    """
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"Unknown encoding. Received: encoding={encoding!r}") from None
    if codec.startswith(("utf-16", "utf-32")):
        raise ValueError(
            f"`encoding` must keep '\\n' as one byte (utf-8, latin-1, cp1252, ...). "
            f"Received: encoding={encoding!r}; convert the file to UTF-8 first."
        )
    opener = _OPENERS.get(os.path.splitext(os.fspath(path))[1].lower(), open)
    with opener(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise CorpusError(
                    path,
                    number,
                    f"not valid {encoding}: byte {raw[error.start]:#04x} at column "
                    f"{error.start + 1}. Pass the file's encoding, e.g. encoding='latin-1'.",
                ) from None
            if line.endswith("\n"):
                line = line[:-2] if line.endswith("\r\n") else line[:-1]
            if skip_prefix is None or not line.startswith(skip_prefix):
                yield line
