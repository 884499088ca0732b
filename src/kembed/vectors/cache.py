"""kembed's cache of converted vector files: the folder (`KEMBED_CACHE`, default
`~/.cache/kembed`), the key of a source, and listing and clearing the entries. No parsing
here.

A first load hands the vectors back as soon as they are parsed and writes the entry in a
background thread (the process waits for it before exiting; `wait()` waits for it now).

An entry's key is the source's real path, device, inode, size, modification and change
times (`st_ctime` changes with any write or `touch`, and cannot be set back), and the
options that change what a load returns: a file edited in place gets a new entry even if
its size and modification time are restored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from kembed.vectors.formats import native


def cache_dir() -> Path:
    """The cache folder: `$KEMBED_CACHE`, else `~/.cache/kembed` (created on demand).

    Example:

    >>> import os
    >>> cache_dir() == Path(os.environ.get("KEMBED_CACHE") or Path.home() / ".cache" / "kembed")
    True
    """
    return Path(os.environ.get("KEMBED_CACHE") or Path.home() / ".cache" / "kembed")


def key(path: str | os.PathLike[str], **options) -> dict:
    """What identifies a load of `path`: the file's identity and state, and `options`."""
    real = os.path.realpath(path)
    stat = os.stat(real)
    return {
        "path": real,
        "device": stat.st_dev,
        "inode": stat.st_ino,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "ctime_ns": stat.st_ctime_ns,
        "options": options,
    }


def entry(path: str | os.PathLike[str], **options) -> Path:
    """The cache folder for `path` loaded with `options` (any change to the file, or to an
    option, gives a new entry)."""
    text = json.dumps(key(path, **options), sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:24]
    return cache_dir() / "vectors" / f"{Path(os.path.realpath(path)).name}-{digest}"


_WRITES: dict[Path, threading.Thread] = {}
_WRITES_LOCK = threading.Lock()


def write_later(folder: Path, write: Callable[[], object]) -> None:
    """Runs `write()`, which writes the entry `folder`, in a background thread. The
    interpreter waits for it at exit (it is no daemon), so the entry is never cut short
    by a normal exit; a killed process leaves no entry, only a temporary folder that the
    next write of it removes."""

    def run() -> None:
        try:
            write()
        finally:
            with _WRITES_LOCK:
                if _WRITES.get(folder) is threading.current_thread():
                    del _WRITES[folder]

    thread = threading.Thread(target=run, name=f"kembed cache {folder.name}")
    with _WRITES_LOCK:
        earlier = _WRITES.get(folder)
        _WRITES[folder] = thread
    if earlier is not None:
        earlier.join()
    thread.start()


def wait(folder: Path | None = None) -> None:
    """Waits for the cache writes in flight in this process (of `folder`, or all)."""
    with _WRITES_LOCK:
        threads = list(_WRITES.values()) if folder is None else [_WRITES.get(folder)]
    for thread in threads:
        if thread is not None:
            thread.join()


@dataclasses.dataclass(frozen=True)
class CacheEntry:
    """One converted file in the cache.

    Attributes:
        path: The entry's folder.
        source: The file it was converted from.
        options: The load options it was made with (format, errors, ...).
        bytes: Its size on disk.
        stale: True if the source is gone or has changed since (the entry is never used
            again).
    """

    path: Path
    source: str
    options: dict
    bytes: int
    stale: bool


def entries() -> list[CacheEntry]:
    """The entries of the cache, largest first.

    Example:

    >>> sizes = {str(e.path): e.bytes for e in entries()}  # e.source, e.options, e.stale
    """
    wait()
    folder = cache_dir() / "vectors"
    found = []
    for child in sorted(folder.iterdir()) if folder.is_dir() else ():
        if not native.is_own_folder(child):
            continue
        with open(child / "header.json", encoding="utf-8") as f:
            made = json.load(f).get("cache") or {}
        source = made.get("path", "?")
        try:
            stale = key(source, **made.get("options", {})) != made
        except OSError:
            stale = True
        size = sum(p.stat().st_size for p in child.iterdir())
        found.append(CacheEntry(child, source, made.get("options", {}), size, stale))
    return sorted(found, key=lambda e: -e.bytes)


def clear(*, stale_only: bool = False) -> list[CacheEntry]:
    """Deletes the cache's entries (only folders kembed wrote), or only the stale ones.

    Example:

    >>> import tempfile, unittest.mock
    >>> with unittest.mock.patch.dict(os.environ, {"KEMBED_CACHE": tempfile.mkdtemp()}):
    ...     clear(stale_only=True)  # the entries whose source changed or is gone
    []

    Returns:
        The entries deleted.
    """
    gone = [e for e in entries() if e.stale or not stale_only]
    for e in gone:
        shutil.rmtree(e.path)
    return gone
