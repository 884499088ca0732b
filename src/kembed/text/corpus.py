"""Streaming the lines of a text file, for fitting on corpora larger than memory.

`read_lines` yields one line at a time from a plain, `.gz`, `.bz2` or `.xz` file. Only
`\\n` ends a line (a `\\r` before it is dropped), so characters such as U+0085, which
Python's text mode would treat as line breaks, stay inside their line, as the MR dataset
needs. A line that does not decode raises `CorpusError` with the file and line number.
No Keras here.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator

from kembed._io import DECOMPRESSION_ERRORS, OPENERS, decompression_problem, looks_like
from kembed.errors import CorpusError


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
        CorpusError: if the file is not text (compressed under a plain name, UTF-16,
            binary: a NUL byte), a line is not valid in `encoding` (the message names the
            file, the line and the byte), or compressed data is truncated or damaged.
        ValueError: if `encoding` is unknown or not line-safe.
    """
    check_encoding(encoding)
    opener = OPENERS.get(os.path.splitext(os.fspath(path))[1].lower(), open)
    try:
        with opener(path, "rb") as f:
            yield from _lines(path, f, encoding, skip_prefix)
    except (*DECOMPRESSION_ERRORS, OSError) as error:
        if opener is open or (isinstance(error, OSError) and (error.errno or error.filename)):
            raise
        message = f"{decompression_problem(error)}. Compress it again, or decompress it."
        raise CorpusError(path, None, message) from None


def check_encoding(encoding: str) -> str:
    """The codec name of `encoding`, checked to exist and to keep `\n` as one byte.

    Raises:
        ValueError: if `encoding` is unknown or not line-safe (UTF-16, UTF-32).
    """
    try:
        codec = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise ValueError(
            f"Unknown encoding: {encoding!r}. Use a Python codec name such as 'utf-8', "
            "'latin-1' or 'cp1252'."
        ) from None
    if codec.startswith(("utf-16", "utf-32")):
        raise ValueError(
            f"`encoding` must keep '\\n' as one byte (utf-8, latin-1, cp1252, ...). "
            f"Received: encoding={encoding!r}; convert the file to UTF-8 first."
        )
    return codec


def _lines(path, f, encoding: str, skip_prefix: str | None) -> Iterator[str]:
    head = f.peek(4096)[:4096] if hasattr(f, "peek") else b""
    what = looks_like(head)
    if what is not None:
        raise CorpusError(path, None, f"this is not a text file: it looks like {what}.")
    for number, raw in enumerate(f, 1):
        if b"\x00" in raw:
            raise CorpusError(
                path, number, "a NUL byte: this is binary data, not text. Pass a text file."
            )
        try:
            line = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise CorpusError(
                path,
                number,
                f"not valid {encoding}: byte {raw[error.start]:#04x} at column "
                f"{error.start + 1}. Pass the file's encoding, e.g. encoding='latin-1' "
                "(--encoding latin-1).",
            ) from None
        if line.endswith("\n"):
            line = line[:-2] if line.endswith("\r\n") else line[:-1]
        if skip_prefix is None or not line.startswith(skip_prefix):
            yield line
