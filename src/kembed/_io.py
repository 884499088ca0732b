"""Files kembed writes and reads: output paths checked before the work, atomic writes that
follow the user's umask, and what a file that is not what was asked looks like (compressed,
UTF-16, HTML, binary). The one way kembed writes a file. No Keras, no printing.

A file is written to a temporary name in the same folder, flushed to disk and then moved
over the final name with `os.replace`, so a crash never leaves a half-written file under
the final name. An existing path is replaced only when asked (`overwrite=True`), and a
folder only when kembed wrote it.
"""

from __future__ import annotations

import bz2
import contextlib
import ctypes
import errno
import gzip
import hashlib
import json
import lzma
import math
import os
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO

from kembed.errors import OutputError

_UMASK_LOCK = threading.Lock()
# The errors Python's decompressors raise for a truncated or damaged stream.
DECOMPRESSION_ERRORS = (
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
    lzma.LZMAError,
    zipfile.BadZipFile,
)


def umask() -> int:
    """The process's umask (read without changing it where Linux allows)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def check_output(
    path: str | os.PathLike[str],
    *,
    overwrite: bool,
    owned: Callable[[str], bool] | None = None,
) -> str:
    """Checks that `path` can be written, before any work: its parent folder exists and
    is writable, and an existing `path` is replaced only with `overwrite`, and a folder
    only if `owned(path)` says kembed wrote it.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_output(folder / "new.txt", overwrite=False) == str(folder / "new.txt")
    True
    >>> check_output(folder, overwrite=True)
    Traceback (most recent call last):
    ...
    kembed.errors.OutputError: ...: is a folder that kembed did not write; ...

    Args:
        path: Path-like. The output.
        overwrite: Replace an existing file, or a folder `owned` recognises.
        owned: Optional predicate: whether an existing folder is kembed's to replace
            (a native vector folder). Without it, no folder is replaced.

    Returns:
        The absolute path.

    Raises:
        OutputError: if `path` exists and may not be replaced, or its parent folder is
            missing, not a folder, or read-only.
    """
    path = os.path.abspath(os.fspath(path))
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        what = "does not exist" if not os.path.exists(parent) else "is not a folder"
        raise OutputError(path, f"the folder {parent} {what}. Create it first.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(path, f"the folder {parent} is read-only. Choose another path.")
    if os.path.isdir(path) and not os.path.islink(path):
        if owned is None or not owned(path):
            raise OutputError(
                path,
                "is a folder that kembed did not write; kembed never replaces it. "
                "Choose another path.",
            )
        if not overwrite:
            raise OutputError(
                path, "exists (a kembed folder). Pass overwrite=True (--overwrite) to replace it."
            )
    elif os.path.lexists(path) and not overwrite:
        raise OutputError(path, "exists. Pass overwrite=True (--overwrite) to replace it.")
    return path


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], *, mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Opens a temporary file that replaces `path` when the block ends without error.

    The file gets the mode a new file of the user's gets (0666 less the umask). An error
    writing it names `path`, never the temporary name.

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

    Raises:
        OutputError: if the file cannot be created or written (disk full, read-only).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"`mode` must be 'w' or 'wb'. Received: mode={mode!r}")
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=_prefix(folder, path), suffix=".tmp")
    except OSError as error:
        raise OutputError(path, f"cannot create the file: {error.strerror}.") from None
    try:
        os.fchmod(fd, 0o666 & ~umask())
        text = mode == "w"
        with os.fdopen(fd, mode, encoding=encoding if text else None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        if isinstance(error, OSError) and error.filename in (None, tmp) and error.strerror:
            raise OutputError(path, f"cannot write the file: {error.strerror}.") from None
        raise


def make_folder(parent: str, name: str, *, suffix: str = ".tmp") -> str:
    """A new empty folder in `parent` for an atomic folder write, with the mode a new
    folder of the user's gets (0777 less the umask). Those ending in `.tmp` that a killed
    process left are removed by a later write of `name`; others are kept."""
    tmp = tempfile.mkdtemp(dir=parent, prefix=_prefix(parent, name), suffix=suffix)
    os.chmod(tmp, 0o777 & ~umask())
    return tmp


def exchange(a: str, b: str) -> bool:
    """Swaps two paths in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), so that
    a reader, or a crash, sees one or the other under each name, never neither.

    Returns:
        False where the system cannot (then nothing was changed).
    """
    global _RENAMEAT2
    if _RENAMEAT2 is None:
        try:
            _RENAMEAT2 = ctypes.CDLL(None, use_errno=True).renameat2
        except (AttributeError, OSError):
            _RENAMEAT2 = False
    if not _RENAMEAT2:
        return False
    at_cwd, rename_exchange = -100, 2
    done = _RENAMEAT2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), rename_exchange) == 0
    if not done and ctypes.get_errno() not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), b)
    return done


_RENAMEAT2 = None


def _prefix(folder: str, path: str) -> str:
    """The prefix of a temporary name for writing `path` in `folder`: it names this
    process, so that a later write can remove what a killed writer left behind."""
    name = os.path.basename(path)
    _sweep(folder, name)
    return f".{name}.kembed-{os.getpid()}-"


def _sweep(folder: str, name: str) -> None:
    """Removes the temporary files and folders of writes of `name` whose process is gone
    (killed mid-write: nothing could clean up then)."""
    start = f".{name}.kembed-"
    try:
        leftovers = [e for e in os.listdir(folder) if e.startswith(start) and e.endswith(".tmp")]
    except OSError:
        return
    for entry in leftovers:
        pid = entry[len(start) :].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        target = os.path.join(folder, entry)
        with contextlib.suppress(OSError):
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            else:
                os.remove(target)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def format_problem(document: object, format: str, version: int) -> str | None:
    """What is wrong with the `format` / `version` fields of a file kembed saved (a native
    header, a classifier's meta), or None.

    Example:

    >>> format_problem({"format": "kembed-vectors", "version": 9}, "kembed-vectors", 1)
    'format version 9; this kembed reads version 1. Upgrade kembed.'
    """
    if not isinstance(document, dict) or document.get("format") != format:
        return f"not a {format} file."
    if document.get("version") != version:
        return (
            f"format version {document.get('version')!r}; this kembed reads version "
            f"{version}. Upgrade kembed."
        )
    return None


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, read in 16 MiB pieces, as a hex string."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def looks_like(head: bytes) -> str | None:
    """What the first bytes of a file say it is, when that is not plain 8-bit text:
    a compressed file, UTF-16 / UTF-32 text, an HTML page, or binary data; else None.

    Example:

    >>> looks_like(b"\\xff\\xfet\\x00h\\x00e\\x00")
    'UTF-16 text (convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8)'
    >>> looks_like(b"the 0.1 0.2") is None
    True
    """
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed (name it .gz, or decompress it)"
    if head[:3] == b"BZh" and head[4:10] == b"1AY&SY":
        return "bzip2-compressed (name it .bz2, or decompress it)"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz-compressed (name it .xz, or decompress it)"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "a zip archive (unzip it first)"
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32 text (convert it to UTF-8, e.g. iconv -f UTF-32 -t UTF-8)"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _alternate_nuls(head):
        return "UTF-16 text (convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8)"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<?xml")):
        return "an HTML or XML page (perhaps an error page saved instead of the download)"
    if b"\x00" in head:
        return "binary data, not text (it holds NUL bytes)"
    return None


def _alternate_nuls(head: bytes) -> bool:
    """ASCII in UTF-16 without a BOM: every other byte is NUL."""
    sample = head[:512]
    if len(sample) < 8:
        return False
    even, odd = (
        sample[0::2].count(0) / len(sample[0::2]),
        sample[1::2].count(0) / len(sample[1::2]),
    )
    return (odd > 0.9 and even < 0.1) or (even > 0.9 and odd < 0.1)


def head_of(path: str | os.PathLike[str], size: int = 4096) -> bytes:
    """The first `size` bytes of a file."""
    with open(path, "rb") as f:
        return f.read(size)


def decompression_problem(error: BaseException) -> str:
    """A sentence saying what a decompressor's error means."""
    if isinstance(error, EOFError):
        return "the compressed file is truncated (it ends before its data does)"
    return f"the compressed data is damaged ({error})"


OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def json_text(value: object, *, indent: int | None = None) -> str:
    """`value` as JSON, NaN and infinities written as null (bare NaN is no JSON: a
    correlation of constant scores is NaN).

    Example:

    >>> json_text({"spearman": float("nan"), "pairs": [1.5]})
    '{"spearman": null, "pairs": [1.5]}'
    """
    try:  # the common case, without walking every number
        return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, indent=indent, allow_nan=False)


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
