"""kembed's native vector format: a folder holding `vectors.npy` (little-endian float32,
opened with `mmap_mode="r"`, never pickled), `norms.npy`, `vocab.txt` (UTF-8, one word a
line), `header.json` (format, version, dtype, shape, source, sizes and SHA-256 of the
files, the load report and the settings that made it), and a word index for reading a few
words without decoding the whole vocabulary: `word_hashes.npy` (the CRC-32 of each word's
bytes, sorted) and `word_rows.npy` (the row of each hash). The index is optional: folders
without it are read by decoding the vocabulary.

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
import threading
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np

from kembed.__about__ import __version__
from kembed._io import check_output, exchange, file_sha256, format_problem, make_folder
from kembed.errors import OutputError, VectorFormatError

FORMAT = "kembed-vectors"
VERSION = 1
FILES = ("vectors.npy", "norms.npy", "vocab.txt")
INDEX_FILES = ("word_hashes.npy", "word_rows.npy")
COUNTS = "counts.npy"  # optional: the corpus count of each word (trained vectors)
NGRAMS = "ngrams.npy"  # optional: a fastText model's n-gram rows (header "subwords")
_ALLOWED = frozenset((*FILES, *INDEX_FILES, COUNTS, NGRAMS))
_PIECE = 1 << 20


def save_array(path: str, array: np.ndarray) -> None:
    """Writes `array` to the `.npy` file `path` in C order, the bytes of `np.save`, with the
    data in 1 MiB pieces at 1 MiB offsets of the file.

    Written so, Linux's page cache holds the file in 1 MiB folios (large folios: ext4
    since 6.16, XFS), and a memory map of it takes a page fault per 1 MiB instead of one
    per 64 KiB: touching every page of an 800 MB n-gram matrix took 95 ms of page faults
    (12,200) when one `np.save` wrote it, 12 ms (780) now, and the write takes 0.17 s
    instead of 0.34 s. 2 MiB pieces fault less again but make the kernel compact memory
    for huge pages (writes of 0.5-1.8 s). Other systems read the same file as before.

    Example:

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "a.npy")
    >>> save_array(path, np.arange(6, dtype="<f4").reshape(2, 3))
    >>> np.load(path).tolist()
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """
    array = np.ascontiguousarray(array)
    data = array.reshape(-1).view(np.uint8)
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(array))
        start = 0
        end = _PIECE - f.tell()  # the first piece ends 1 MiB into the file
        while start < len(data):
            f.write(data[start:end])
            start, end = end, end + _PIECE


def is_native(path: str | os.PathLike[str]) -> bool:
    """True if `path` is a folder holding a native `header.json`."""
    return os.path.isfile(os.path.join(path, "header.json"))


def is_own_folder(path: str | os.PathLike[str]) -> bool:
    """True if `path` is a native folder that kembed wrote and nothing else is in: its
    header names the format, and it holds only the files the format has. Only such a
    folder is ever replaced."""
    try:
        with open(os.path.join(path, "header.json"), encoding="utf-8") as f:
            header = json.load(f)
        names = set(os.listdir(path))
    except (OSError, ValueError):
        return False
    return (
        isinstance(header, dict)
        and header.get("format") == FORMAT
        and names <= {"header.json", *_ALLOWED}
    )


def write_native(
    path: str | os.PathLike[str],
    words: list[str],
    matrix: np.ndarray,
    *,
    norms: np.ndarray | None = None,
    counts: np.ndarray | None = None,
    ngrams: tuple[np.ndarray, dict] | None = None,
    extra: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> None:
    """Writes the native folder `path` atomically.

    An existing file, or a folder that `is_own_folder` recognises, is replaced only with
    `overwrite`; any other folder is never replaced. The path is checked before anything
    is written.

    Args:
        path: Path-like. The folder to create.
        words: The words, in row order.
        matrix: The (len(words), dim) matrix; written as little-endian float32.
        norms: Optional precomputed row norms.
        counts: Optional corpus count of each word, written as `counts.npy`.
        ngrams: Optional `(rows, settings)`: a fastText model's n-gram rows, written as
            `ngrams.npy`, and the JSON settings that find them (header `subwords`).
        extra: Optional JSON-serialisable fields for the header (`source`, `report`,
            `settings`).
        overwrite: Replace an existing file or kembed folder at `path`.

    Raises:
        ValueError: if a word contains a newline or the shapes disagree.
        OutputError: if `path` may not be written (see `kembed._io.check_output`).
    """
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise ValueError(f"Expected a matrix of {len(words)} rows. Received: shape={matrix.shape}")
    vocab = _vocabulary_bytes(words)
    path = check_output(path, overwrite=overwrite, owned=is_own_folder)
    parent = os.path.dirname(path)
    tmp = make_folder(parent, os.path.basename(path))
    try:
        matrix = np.asarray(matrix, dtype="<f4")
        save_array(os.path.join(tmp, "vectors.npy"), matrix)
        # The matrix's checksum is the costliest step: computed beside the others.
        with _Beside(file_sha256, os.path.join(tmp, "vectors.npy")) as matrix_sum:
            if norms is None:
                norms = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
            save_array(os.path.join(tmp, "norms.npy"), np.asarray(norms, "<f4"))
            with open(os.path.join(tmp, "vocab.txt"), "wb") as f:
                f.write(vocab)
            hashes = np.fromiter(map(zlib.crc32, vocab.split(b"\n")[:-1]), "<u4", len(words))
            order = np.argsort(hashes, kind="stable")
            save_array(os.path.join(tmp, "word_hashes.npy"), hashes[order])
            save_array(os.path.join(tmp, "word_rows.npy"), order.astype("<i8"))
            names = FILES + INDEX_FILES
            if counts is not None:
                save_array(os.path.join(tmp, COUNTS), np.asarray(counts, "<i8"))
                names += (COUNTS,)
            if ngrams is not None:
                save_array(os.path.join(tmp, NGRAMS), np.asarray(ngrams[0], "<f4"))
                names += (NGRAMS,)
            header = {
                "format": FORMAT,
                "version": VERSION,
                "dtype": "float32",
                "shape": list(matrix.shape),
                "created_by": f"kembed {__version__}",
                "sizes": {n: os.path.getsize(os.path.join(tmp, n)) for n in names},
                "sha256": {
                    n: matrix_sum.result()
                    if n == "vectors.npy"
                    else file_sha256(os.path.join(tmp, n))
                    for n in names
                },
                **(extra or {}),
                **({} if ngrams is None else {"subwords": ngrams[1]}),
            }
        with open(os.path.join(tmp, "header.json"), "w", encoding="utf-8") as f:
            json.dump(header, f, indent=2)
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name), "rb") as f:
                os.fsync(f.fileno())
        if os.path.lexists(path):
            # Checked again here: the path may have changed during the write.
            check_output(path, overwrite=overwrite, owned=is_own_folder)
            if exchange(tmp, path):  # one atomic step: the old folder is now at `tmp`
                shutil.rmtree(tmp, ignore_errors=True)
                return
            # ".old": if killed before the next rename, the old folder is kept in there.
            old = make_folder(parent, os.path.basename(path), suffix=".old")
            os.replace(path, os.path.join(old, "x"))
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        if isinstance(error, OSError) and str(error.filename).startswith(tmp):
            raise OutputError(path, f"cannot write the folder: {error.strerror}.") from None
        raise


def _vocabulary_bytes(words: list[str]) -> bytes:
    """`vocab.txt`'s bytes: one word a line, UTF-8 (invalid bytes kept as surrogate
    escapes).

    Raises:
        ValueError: if a word holds a line break or a lone surrogate.
    """
    joined = "\n".join(words)
    if joined.count("\n") != max(len(words) - 1, 0) or "\r" in joined:
        bad = next(w for w in words if "\n" in w or "\r" in w)
        raise ValueError(f"Words must not contain line breaks. Received: {bad!r}")
    try:
        return (joined + "\n" if words else "").encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        bad = next(w for w in words if not _encodable(w))
        raise ValueError(
            f"Words must be text that UTF-8 can encode; {bad!r} holds a lone surrogate."
        ) from None


class _Beside:
    """Runs `function(*args)` in a thread while the block runs; `.result()` waits for it.

    A plain thread, not a `ThreadPoolExecutor`: the cache is written in a background
    thread that may still run while the interpreter exits, when executors take no work.
    """

    def __init__(self, function, *args):
        self._outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                self._outcome["value"] = function(*args)
            except BaseException as error:  # re-raised by result()
                self._outcome["error"] = error

        self._thread = threading.Thread(target=run, daemon=True)

    def __enter__(self) -> _Beside:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._thread.join()

    def result(self):
        self._thread.join()
        if "error" in self._outcome:
            raise self._outcome["error"]
        return self._outcome["value"]


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parsed `header.json` of a native folder, checked for format and version."""
    name = os.path.join(path, "header.json")
    try:
        with open(name, encoding="utf-8") as f:
            header = json.load(f)
    except (OSError, ValueError) as error:
        raise VectorFormatError(name, None, f"cannot read the header: {error}.") from None
    problem = format_problem(header, FORMAT, VERSION)
    if problem is not None:
        raise VectorFormatError(name, None, problem)
    shape, sizes, sums = header.get("shape"), header.get("sizes"), header.get("sha256")
    well_formed = (
        isinstance(shape, list)
        and len(shape) == 2
        and all(type(n) is int and n >= 0 for n in shape)
        and isinstance(sizes, dict)
        and isinstance(sums, dict)
        and set(FILES) <= set(sizes) <= set(sums)
        and all(n in _ALLOWED for n in sizes)
        and all(type(n) is int for n in sizes.values())
        and all(isinstance(v, str) for v in sums.values())
    )
    if not well_formed:
        raise VectorFormatError(
            name,
            None,
            "the header lacks a valid shape, sizes or checksums: the folder is damaged.",
        )
    return header


def read_native(
    path: str | os.PathLike[str],
    *,
    verify: bool = False,
    lazy: bool = False,
    wanted: Iterable[str] | None = None,
):
    """Opens a native folder.

    Args:
        path: Path-like. The folder.
        verify: Also check the SHA-256 of the matrix files (reads them whole).
        lazy: Return, instead of the word list, a function that decodes it (the
            vocabulary's bytes are read and checked now, decoded on first use).
        wanted: Optional words: read only the rows of those present (in file order,
            copied into memory), found through the word index without decoding the
            vocabulary.

    Returns:
        (words, read-only memory-mapped matrix, norms, header); with `wanted`, the words
        found and their rows of the matrix and norms.

    Raises:
        VectorFormatError: if a file is missing, has the wrong size or checksum, or does not
            match the header's shape.
    """
    path = os.fspath(path)
    header = read_header(path)
    for name in header["sizes"]:
        file = os.path.join(path, name)
        if not os.path.isfile(file) or os.path.getsize(file) != header["sizes"][name]:
            raise VectorFormatError(
                file, None, "missing or of the wrong size: the folder is damaged."
            )
    vocab = os.path.join(path, "vocab.txt")
    with open(vocab, "rb") as f:
        data = f.read()
    checks = header["sha256"] if verify else ("vocab.txt",)
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
    if wanted is not None:
        if INDEX_FILES[0] in header["sizes"]:
            rows, found = _find_rows(path, data, wanted)
        else:
            vocabulary, wanted = words(), set(wanted)
            rows = [i for i, w in enumerate(vocabulary) if w in wanted]
            found = [vocabulary[i] for i in rows]
        rows = np.asarray(rows, dtype=np.int64)
        return found, matrix[rows], norms[rows], header
    return (words if lazy else words()), matrix, norms, header


def _decode(data: bytes) -> list[str]:
    return data.decode("utf-8", "surrogateescape").split("\n")[:-1]


def _find_rows(path: str, data: bytes, wanted: Iterable[str]) -> tuple[list[int], list[str]]:
    """The rows of the `wanted` words present in the vocabulary `data`, ascending, and the
    words: the CRC-32 of each word's bytes looked up in the sorted hashes, then the bytes
    compared, all in numpy (so a hash collision never returns a wrong row)."""
    words = list(wanted if isinstance(wanted, (set, frozenset)) else dict.fromkeys(wanted))
    joined = "\n".join(words)
    try:
        query = joined.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        query = None
    if query is None or joined.count("\n") != len(words) - 1:
        # Words with a line break or a lone surrogate are in no vocabulary.
        words = [w for w in words if "\n" not in w and _encodable(w)]
        query = "\n".join(words).encode("utf-8", "surrogateescape")
    if not words:
        return [], []
    queries = query.split(b"\n")
    hashes = np.load(os.path.join(path, INDEX_FILES[0]), mmap_mode="r", allow_pickle=False)
    order = np.load(os.path.join(path, INDEX_FILES[1]), mmap_mode="r", allow_pickle=False)
    keys = np.fromiter(map(zlib.crc32, queries), np.uint32, len(queries))
    by_key = np.argsort(keys)  # sorted keys make the binary searches cache-friendly
    left = np.empty_like(by_key)
    left[by_key] = np.searchsorted(hashes, keys[by_key])
    hit = np.flatnonzero(left < len(hashes))
    hit = hit[np.asarray(hashes[left[hit]]) == keys[hit]]
    rows = np.asarray(order[left[hit]])  # the first candidate: almost always the only one
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    q_ends = np.flatnonzero(np.frombuffer(query + b"\n", np.uint8) == 10)
    q_starts = np.concatenate(([0], q_ends[:-1] + 1))
    same = _same_bytes(data, starts[rows], ends[rows], query, q_starts[hit], q_ends[hit])
    for j in np.flatnonzero(~same).tolist():  # a CRC-32 collision: try the other candidates
        k = hit[j]
        position = left[k] + 1
        while position < len(hashes) and hashes[position] == keys[k]:
            other = int(order[position])
            if data[starts[other] : ends[other]] == queries[k]:
                rows[j], same[j] = other, True
                break
            position += 1
    hit, rows = hit[same], rows[same]
    ordered = np.argsort(rows, kind="stable")
    return rows[ordered].tolist(), [words[k] for k in hit[ordered].tolist()]


def _same_bytes(a: bytes, a_starts, a_ends, b: bytes, b_starts, b_ends) -> np.ndarray:
    """Whether each span of `a` holds the same bytes as the matching span of `b`."""
    lengths = a_ends - a_starts
    same = lengths == b_ends - b_starts
    check = np.flatnonzero(same & (lengths > 0))
    if len(check):
        n = lengths[check]
        offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        x = np.frombuffer(a, np.uint8)[np.repeat(a_starts[check], n) + offsets]
        y = np.frombuffer(b, np.uint8)[np.repeat(b_starts[check], n) + offsets]
        same[check] = np.logical_and.reduceat(x == y, np.cumsum(n) - n)
    return same


def _encodable(word: str) -> bool:
    try:
        word.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True
