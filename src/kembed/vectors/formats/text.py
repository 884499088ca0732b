"""Reading vectors in text formats: GloVe (no header) and word2vec / fastText `.vec` (a
`count dim` header line). One line per word: the word, then `dim` numbers separated by
ASCII spaces (a tab or a carriage return counts as one); the word is everything before
the last `dim` fields, so words holding spaces or U+00A0 (glove.840B) stay whole.
Writing is `write_text`. No Keras, no printing.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter
from collections.abc import Iterable

import numpy as np

from kembed._progress import progress_bar
from kembed._threads import in_order
from kembed.errors import VectorFormatError
from kembed.vectors import parse
from kembed.vectors.formats import streams
from kembed.vectors.formats._rows import Rows, decode_words, parse_header
from kembed.vectors.options import ReadOptions
from kembed.vectors.report import LoadReport

_BOM = b"\xef\xbb\xbf"
_HEAD = 1 << 22  # bytes looked at for the BOM, the header and the dimension
WORKERS = 2
_REASONS = {parse.FEW_FIELDS: "too few fields", parse.EMPTY_WORD: "empty word"}


def infer_dim(block: bytes) -> int | None:
    """The most common number of fields minus one, over the first 100 non-blank lines."""
    lines = block.split(b"\n", 101)[:100]
    counts = Counter(len(line.split()) - 1 for line in lines if line.strip())
    return counts.most_common(1)[0][0] if counts else None


def _snippet(buf: np.ndarray, start: int, end: int) -> str:
    text = buf[start : min(end, start + 60)].tobytes().decode("utf-8", "replace")
    return repr(text + (" ..." if end > start + 60 else ""))


class _Reader:
    """The blocks of a text vector file, parsed on background threads, gathered in order."""

    def __init__(self, name, report, dim, *, wanted, limit, errors, capacity):
        self.name, self.report, self.dim = name, report, dim
        self.wanted = wanted
        # Without `wanted` the kernel never reads the table (and no kernel builds one).
        self.hashes = np.zeros(0, np.uint64) if wanted is None else _wanted_table(wanted)
        # Only a wanted word holding a field separator can hide behind an unwanted first field.
        self.spaced = any(" " in w or "\t" in w or "\r" in w for w in wanted or ())
        self.limit, self.errors = limit, errors
        self.rows = Rows(dim, capacity)
        self.first_line = 1

    def bad(self, line: int, reason: str, detail: str) -> None:
        if self.errors == "raise":
            raise VectorFormatError(
                self.name,
                line,
                f"expected a word and {self.dim} numbers, {detail}. Pass errors='skip' to "
                "skip and count such lines.",
            )
        self.report.skip(reason)

    def parse(self, item: tuple[bytes, int | None, int | None]):
        """Runs the kernel on one block (in a worker thread). With `first_row`, the rows
        go straight into the final matrix at that row (room for a row per line is there)."""
        block, cap, first_row = item
        if cap is None:
            cap = _lines_in(block)
        if len(block) and block[-1] != 10:  # the file's last line: the kernel needs a `\n`
            block = bytes(block) + b"\n"
        buf = np.frombuffer(block, dtype=np.uint8)
        lines = np.empty((cap, 6), dtype=np.int64)
        if first_row is None:
            out = np.empty((cap, self.dim), dtype=np.float32)
        else:
            out = self.rows.matrix[first_row : first_row + cap]
            if len(out) != cap:  # the kernel must never write past the matrix
                raise RuntimeError(f"kembed: {cap} rows needed at row {first_row}, too few.")
        slow = np.empty((256, 4), dtype=np.int64)
        args = (buf, self.hashes, self.wanted is not None, self.spaced)
        n, n_rows, n_slow = parse.parse_block(*args, out, lines, slow)
        if n_slow > len(slow):
            slow = np.empty((n_slow, 4), dtype=np.int64)
            parse.parse_block(*args, out, lines, slow)
        return buf, lines[:n], out[:n_rows], slow[:n_slow]

    def feed(self, parsed) -> bool:
        """Checks and keeps the rows of one parsed block; False once `limit` is reached."""
        buf, lines, out, slow = parsed
        status, row_of = lines[:, 3], lines[:, 4]
        first, more = self.first_line, True
        self.first_line += len(lines)
        blank = status == parse.BLANK
        self.report.skip("blank line", int(blank.sum()))
        content = np.flatnonzero(~blank)
        if self.limit is not None and len(content) >= self.limit - self.report.lines_read:
            room = self.limit - self.report.lines_read
            self.report.skip("past limit", len(content) - room)
            content, more = content[:room], False
            out = (
                out[: max(0, int(row_of[: content[-1] + 1].max(initial=-1)) + 1)]
                if room
                else out[:0]
            )
        self.report.lines_read += len(content)
        for k in content[(status[content] != parse.OK)]:
            start, end = lines[k, 0], lines[k, 2]
            reason = _REASONS[int(status[k])]
            self.bad(first + int(k), reason, f"found {reason}: {_snippet(buf, start, end)}")
        self.report.skip("not in vocab", int((row_of[content] == -2).sum()))
        taken = content[row_of[content] >= 0]
        keep = np.ones(len(out), dtype=bool)
        for row, col, s, e in slow.tolist():
            if row >= len(out):
                continue
            text = buf[s:e].tobytes()
            try:
                with np.errstate(over="ignore"):  # beyond float32: inf, reported below
                    out[row, col] = float(text)
            except ValueError:
                keep[row] = False
                self.bad(first + int(taken[row]), "bad number", f"{text!r} is not a number")
        for row in np.flatnonzero(keep & ~np.isfinite(out).all(axis=1)):
            keep[row] = False
            k = taken[row]
            self.bad(
                first + int(k),
                "nan or inf",
                "found NaN, infinity or a number beyond float32's range: "
                f"{_snippet(buf, lines[k, 0], lines[k, 2])}",
            )
        words = decode_words(buf, lines[taken, 0], lines[taken, 1], self.report)
        if self.wanted is not None:
            exact = np.fromiter((w in self.wanted for w in words), dtype=bool, count=len(words))
            self.report.skip("not in vocab", int((keep & ~exact).sum()))
            keep &= exact
        self.rows.append(out, words, taken + first, keep)
        return more


def _wanted_table(words: Iterable[str]) -> np.ndarray:
    """The `parse.hash_table` of the hashes `parse_block` computes of the UTF-8 bytes
    of `words` (words holding a newline cannot be on a line, so they are left out)."""
    words = [w for w in words if "\n" not in w]
    if not words:
        return parse.hash_table(np.empty(0, dtype=np.uint64))
    data = np.frombuffer("\n".join(words).encode("utf-8", "surrogateescape"), np.uint8)
    ends = np.flatnonzero(data == 10)
    starts = np.concatenate([[0], ends + 1])
    ends = np.concatenate([ends, [len(data)]])
    return parse.hash_table(parse.hash_spans(data, starts, ends))


def read_text(
    path: str | os.PathLike[str],
    options: ReadOptions | None = None,
    *,
    vocab: set[str] | None = None,
    limit: int | None = None,
    progress: bool = False,
):
    """Reads a GloVe or word2vec text file.

    Args:
        path: Path-like. The file, optionally compressed or in a zip.
        options: Optional `ReadOptions`: `member`, `dim` (by default the header's, or the most
            common field count of the first lines minus one), `errors`, `duplicates`, and
            `format`: `"word2vec"` wants a `count dim` first line (word2vec, fastText),
            `"glove"` none, `None` looks at the first line.
        vocab: Optional set of words: only their lines are parsed.
        limit: Optional int. Read only the first `limit` vectors.
        progress: Show a progress bar of the bytes read.

    Returns:
        (words, float32 matrix, word -> row or `None` when no word repeated, `LoadReport`).

    Raises:
        VectorFormatError: for a bad line (with `errors="raise"`), an empty file, or a
            header whose count disagrees with the vectors.
    """
    options = options or ReadOptions()
    name = streams.display_name(path, options.member)
    report = LoadReport(source=name, format="glove")
    size = streams.plain_size(path, options.member)
    with contextlib.ExitStack() as stack:
        advance = stack.enter_context(progress_bar(size, name, enabled=progress))
        mapped = None
        if size:  # a plain file: views of a memory map, read as the kernels touch them
            with contextlib.suppress(OSError, ValueError):  # a file that cannot be mapped
                mapped = streams.MappedFile(path)
        if mapped:
            it = iter(mapped.blocks)
        else:
            stream = stack.enter_context(streams.open_bytes(path, member=options.member))
            it, advance = streams.blocks(stream, advance=advance), None
        block, counts, dim, first_line = _start(name, next(it, b""), options, report)
        caps = None
        if mapped and vocab is None and limit is None:
            # A full load counts the lines of each block first, so that the kernels write
            # each block's rows straight into the final matrix (no copy, no growing).
            rest = list(it)
            blocks, caps = [block, *rest], []
            for b, cap in zip(blocks, in_order(_lines_in, blocks, workers=WORKERS), strict=True):
                caps.append(cap)  # counted on the worker threads, two blocks at a time
                mapped.release(b)
            it, capacity = iter(rest), sum(caps)
        else:
            capacity = counts[0] if counts else _estimate(path, bytes(block[:_HEAD]))
            for bound in (limit, None if vocab is None else len(vocab)):
                capacity = capacity if bound is None else min(capacity, bound)
        reader = _Reader(
            name, report, dim, wanted=vocab, limit=limit, errors=options.errors, capacity=capacity
        )
        reader.first_line = first_line
        for parsed in in_order(reader.parse, _items(block, it, caps, advance), workers=WORKERS):
            more = reader.feed(parsed)
            if mapped:
                mapped.release(parsed[0])
            if not more:
                break
    if counts is not None and limit is None and report.lines_read != counts[0]:
        if options.errors == "raise":
            raise VectorFormatError(
                name,
                1,
                f"the header says {counts[0]:,} vectors, but the file holds "
                f"{report.lines_read:,} lines of vectors (truncated or wrong header?). Pass "
                "errors='skip' to load what is there.",
            )
        report.skip("header count mismatch")
    words, matrix, index = reader.rows.finish(name, report, options.duplicates)
    return words, matrix, index, report


def _start(name: str, block, options: ReadOptions, report: LoadReport):
    """The first block past its byte-order mark and header line, the header's (count,
    dim) or None, the vector size, and the number of the first line of vectors."""
    head = block if isinstance(block, bytes) else block[:_HEAD].tobytes()
    skip = len(_BOM) if head.startswith(_BOM) else 0
    if not head[skip:].strip() and not bytes(block[skip:]).strip():
        raise VectorFormatError(name, None, "the file holds no vectors (it is empty).")
    first_line, newline, _ = head[skip:].partition(b"\n")
    header = {"word2vec": True, "glove": False}.get(options.format)
    counts = parse_header(first_line) if header is not False else None
    if header and counts is None:
        raise VectorFormatError(
            name, 1, f"expected a header 'count dim', found {first_line[:60]!r}."
        )
    dim, first = options.dim, 1
    if counts is not None:
        report.format, report.header_count = "word2vec", counts[0]
        if dim is not None and dim != counts[1]:
            raise VectorFormatError(
                name, 1, f"the header says dim {counts[1]}, but dim={dim} was asked for."
            )
        dim, first = counts[1], 2
        skip += len(first_line) + len(newline)
    dim = dim if dim is not None else infer_dim(head[skip:])
    if not dim:
        raise VectorFormatError(name, 1, "expected a word and some numbers, found one field.")
    return block[skip:], counts, dim, first


def _lines_in(block: bytes | np.ndarray) -> int:
    """The lines in a block: its newlines, plus a last line without one."""
    return int(parse.count_lines(np.frombuffer(block, dtype=np.uint8)))


def _items(first, rest, caps: list[int] | None, advance):
    """(block, lines in it, first row in the final matrix) for each block, given the
    blocks' line counts `caps`; without them, (block, None, None) (the worker counts).
    `advance`, if given, is told of each block's bytes."""
    row = 0
    for i, block in enumerate(itertools.chain([first], rest)):
        if advance:
            advance(len(block))
        if caps is None:
            yield block, None, None
        else:
            yield block, caps[i], row
            row += caps[i]


def _estimate(path: str | os.PathLike[str], block: bytes) -> int:
    """Rows to allocate first: the file's size over the first block's bytes per line."""
    lines = max(block.count(b"\n"), 1)
    return int(os.path.getsize(path) / (len(block) / lines) * 1.02) + 16


def write_text(stream, words: list[str], matrix: np.ndarray, *, header: bool) -> None:
    """Writes `words` and `matrix` as text (`%.6g` floats would lose precision: each value
    is written with `repr` of its float32, which reads back to the same float32)."""
    if header:
        stream.write(f"{len(words)} {matrix.shape[1]}\n".encode())
    for start in range(0, len(words), 10_000):
        part = matrix[start : start + 10_000]
        text = [
            word + " " + " ".join(map(repr, row))
            for word, row in zip(words[start : start + 10_000], part.tolist(), strict=False)
        ]
        stream.write(("\n".join(text) + "\n").encode("utf-8", "surrogateescape"))
