"""Opening a vector source as a stream of bytes: plain, `.gz`, `.bz2`, `.xz`, or one member
of a `.zip`, told apart by their first bytes (magic numbers), not by their names.

`open_bytes` and `MappedFile` are the only places kembed opens a vector file for
reading. No parsing here.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import lzma
import mmap
import os
import zipfile
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np

from kembed._io import DECOMPRESSION_ERRORS, decompression_problem
from kembed.errors import KembedError, VectorFormatError

_MAGIC = {b"\x1f\x8b": "gz", b"BZh": "bz2", b"\xfd7zXZ\x00": "xz"}
OPENERS = {"gz": gzip.open, "bz2": bz2.open, "xz": lzma.open}
BLOCK = 1 << 24


def compression(path: str | os.PathLike[str]) -> str | None:
    """`"gz"`, `"bz2"`, `"xz"`, `"zip"` or `None` (plain), from the file's first bytes."""
    with open(path, "rb") as f:
        head = f.read(6)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def zip_members(path: str | os.PathLike[str]) -> list[str]:
    """The names of the files in a zip archive, in archive order."""
    with zipfile.ZipFile(path) as archive:
        return [info.filename for info in archive.infolist() if not info.is_dir()]


def plain_size(path: str | os.PathLike[str], member: str | None) -> int | None:
    """The number of bytes a reader will read, if known without decompressing."""
    return os.path.getsize(path) if member is None and compression(path) is None else None


def display_name(path: str | os.PathLike[str], member: str | None) -> str:
    """How messages name a source: the path, or `archive.zip:member`."""
    return os.fspath(path) if member is None else f"{os.fspath(path)}:{member}"


@contextlib.contextmanager
def open_bytes(path: str | os.PathLike[str], *, member: str | None = None) -> Iterator[IO[bytes]]:
    """Opens `path` (decompressing it, or opening `member` of a zip) for binary reading.

    Raises:
        FileNotFoundError: if `path` does not exist.
        VectorFormatError: if `path` is a zip and `member` is missing or not in it (the
            message lists the members), or if `member` is given for a file that is no zip.
    """
    kind = compression(path)
    if kind == "zip":
        with _decompressing(path, member):
            members = zip_members(path)
        if member is None and len(members) == 1:
            member = members[0]
        if member not in members:
            what = "holds several files" if member is None else f"has no member {member!r}"
            raise VectorFormatError(
                path,
                None,
                f"the archive {what}; pass member= one of: {', '.join(members)}.",
            )
        with (
            _decompressing(path, member),
            zipfile.ZipFile(path) as archive,
            archive.open(member) as f,
        ):
            yield f
        return
    if member is not None:
        raise VectorFormatError(path, None, f"member={member!r} given, but this is no zip file.")
    opener = OPENERS.get(kind, open)
    with _decompressing(path, None) if kind else contextlib.nullcontext(), opener(path, "rb") as f:
        yield f


@contextlib.contextmanager
def _decompressing(path, member: str | None) -> Iterator[None]:
    """Turns a decompressor's error (truncated or damaged data) into a
    `VectorFormatError` naming the file."""
    try:
        yield
    except (*DECOMPRESSION_ERRORS, OSError) as error:
        if isinstance(error, KembedError) or (
            isinstance(error, OSError) and (error.errno is not None or error.filename)
        ):
            raise  # ours, or a real I/O error (bz2 reports damage as a bare OSError)
        raise VectorFormatError(
            display_name(path, member),
            None,
            f"{decompression_problem(error)}. Download or compress it again.",
        ) from None


def blocks(
    stream: IO[bytes], *, size: int | None = None, advance: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """Yields blocks of whole lines (each ending in `\\n`, but maybe the file's last);
    `advance(n)` is told of each `n` bytes read."""
    size = size or BLOCK  # read at call time: tests shrink BLOCK
    rest = b""
    while True:
        data = stream.read(size)
        if not data:
            break
        if advance:
            advance(len(data))
        data = rest + data if rest else data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        rest = data[cut:]
        yield data[:cut]
    if rest:
        yield rest


class MappedFile:
    """A plain, non-empty file as blocks of whole lines (each ending in `\\n`, but maybe
    the file's last): read-only uint8 views of one memory map, so nothing is copied and
    pages are read as the kernels touch them. `release(block)` hands a block's pages back
    (they stay in the page cache), so the process holds only the blocks in work. The map
    closes with its last view."""

    def __init__(self, path: str | os.PathLike[str], *, size: int | None = None):
        size = size or BLOCK  # read at call time: tests shrink BLOCK
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        data = np.frombuffer(self._map, dtype=np.uint8)
        self._base = data.ctypes.data
        self.blocks, start, end = [], 0, len(data)
        while start < end:
            stop = min(start + size, end)
            if stop < end:
                cut = self._map.rfind(b"\n", start, stop)
                if cut < 0:  # a line longer than a block: up to its end
                    cut = self._map.find(b"\n", stop)
                stop = end if cut < 0 else cut + 1
            self.blocks.append(data[start:stop])
            start = stop

    def release(self, block: np.ndarray) -> None:
        """Drops the whole pages of `block` (a view of this map) from the process."""
        if not isinstance(block, np.ndarray) or not hasattr(mmap, "MADV_DONTNEED"):
            return
        start = block.ctypes.data - self._base
        end = start + len(block)
        if start < 0 or end > len(self._map):
            return  # not a view of this map (the copied last line)
        first = -(-start // mmap.PAGESIZE) * mmap.PAGESIZE
        last = end // mmap.PAGESIZE * mmap.PAGESIZE
        if last > first:
            self._map.madvise(mmap.MADV_DONTNEED, first, last - first)
