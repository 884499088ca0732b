"""Reading and writing word2vec binary files (the GoogleNews layout): a `count dim` header
line, then for each word its bytes, a space and `dim` little-endian float32 values,
optionally followed by a newline. Records are never split on newlines. No Keras, no
printing.
"""

from __future__ import annotations

import os

import numpy as np

from kembed._progress import progress_bar
from kembed.errors import VectorFormatError
from kembed.vectors import parse
from kembed.vectors.formats import streams
from kembed.vectors.formats._rows import Rows, decode_words, parse_header
from kembed.vectors.options import ReadOptions
from kembed.vectors.report import LoadReport


def read_binary(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    vocab: set[str] | None = None,
    limit: int | None = None,
    progress: bool = False,
):
    """Reads a word2vec binary file.

    Args:
        path: Path-like. The file, optionally compressed or in a zip.
        options: Optional `ReadOptions`: `member`, `duplicates`, and `errors` (`"raise"` or
            `"skip"`: what to do with NaN or infinite values and a header whose count
            disagrees with the records).
        vocab: Optional set of words: only their rows are kept.
        limit: Optional int. Read only the first `limit` vectors.
        progress: Show a progress bar of the bytes read.

    Returns:
        (words, float32 matrix, word -> row or `None` when no word repeated, `LoadReport`).

    Raises:
        VectorFormatError: for a missing header, a truncated record, or (with
            `errors="raise"`) NaN / infinity or a wrong count in the header.
    """
    options = options or ReadOptions()
    name = streams.display_name(path, options.member)
    report = LoadReport(source=name, format="word2vec-binary")
    with (
        streams.open_bytes(path, member=options.member) as stream,
        progress_bar(streams.plain_size(path, options.member), name, enabled=progress) as advance,
    ):
        first = stream.readline(1000)
        counts = parse_header(first)
        if counts is None:
            raise VectorFormatError(name, 1, f"expected a header 'count dim', found {first!r}.")
        count, dim = counts
        if dim <= 0:
            raise VectorFormatError(name, 1, f"the header gives dimension {dim}.")
        report.header_count = count
        want = count if limit is None else min(count, limit)
        rows = Rows(dim, want if vocab is None else min(want, len(vocab)))
        rest = b""
        while report.lines_read < want:
            data = stream.read(streams.BLOCK)
            advance(len(data))
            buf = rest + data
            if not buf.strip(b"\n"):
                break
            used = _records(name, buf, bool(data), want, rows, vocab, options.errors, report)
            rest = buf[used:]
    if limit is None and report.lines_read != count:
        if options.errors == "raise":
            raise VectorFormatError(
                name,
                None,
                f"the header says {count:,} vectors, but the file holds {report.lines_read:,} "
                "records (truncated?). Pass errors='skip' to load what is there.",
            )
        report.skip("header count mismatch")
    elif limit is not None and limit < count:
        report.skip("past limit", count - limit)
    words, matrix, index = rows.finish(name, report, options.duplicates)
    return words, matrix, index, report


def _records(name, buf: bytes, more: bool, want: int, rows: Rows, vocab, errors, report) -> int:
    """Adds the whole records at the start of `buf` (up to `want` in all) to `rows`, and
    returns the bytes they take. `more` says whether the file goes on after `buf`."""
    record = report.lines_read
    dim = rows.matrix.shape[1]
    arr = np.frombuffer(buf, dtype=np.uint8)
    room = want - record
    starts, ends, data_start = (np.empty(room, np.int64) for _ in range(3))
    n, used = parse.split_binary(arr, dim, starts, ends, data_start)
    if n == 0 and not more:
        raise VectorFormatError(
            name,
            None,
            f"record {record + 1:,} is truncated: expected a word, a space and "
            f"{4 * dim} bytes, found {len(buf)} bytes. The file is incomplete.",
        )
    starts, ends, data_start = starts[:n], ends[:n], data_start[:n]
    words = decode_words(arr, starts, ends, report)
    block = np.empty((n, dim), dtype=np.float32)
    parse.copy_records(arr, data_start, block, 0)
    keep = np.isfinite(block).all(axis=1)
    if not keep.all():
        bad = int(np.flatnonzero(~keep)[0])
        if errors == "raise":
            raise VectorFormatError(
                name,
                None,
                f"record {record + bad + 1:,} ({words[bad]!r}) holds NaN or infinity."
                " Pass errors='skip' to skip and count such records.",
            )
        report.skip("nan or inf", int((~keep).sum()))
    if vocab is not None:
        exact = np.fromiter((w in vocab for w in words), dtype=bool, count=n)
        report.skip("not in vocab", int((keep & ~exact).sum()))
        keep &= exact
    rows.append(block, words, np.arange(record + 1, record + n + 1), keep)
    report.lines_read += n
    return used


def write_binary(stream, words: list[str], matrix: np.ndarray) -> None:
    """Writes `words` and `matrix` in the GoogleNews layout (a newline after each vector)."""
    dim = matrix.shape[1]
    stream.write(f"{len(words)} {dim}\n".encode())
    data = np.ascontiguousarray(matrix, dtype="<f4")
    for start in range(0, len(words), 10_000):
        parts = []
        for word, row in zip(
            words[start : start + 10_000], data[start : start + 10_000], strict=False
        ):
            parts += [word.encode("utf-8", "surrogateescape"), b" ", row.tobytes(), b"\n"]
        stream.write(b"".join(parts))
