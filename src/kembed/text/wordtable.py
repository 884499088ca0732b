"""The word table of the Tokenizer's fast path: distinct words as UTF-8 bytes in a
growing hash table, filled from batches of texts by the compiled kernel
(`kembed.text._scan`).

Texts are lower-cased with `str.lower` (as the legacy Tokenizer did), encoded to UTF-8 and
joined into one buffer per batch of 4,096; the kernel splits, interns and counts in one
pass. No Keras here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import pairwise, repeat
from operator import methodcaller

import numpy as np

from kembed.text import _scan
from kembed.text.words import element_error

# A batch ends after this many texts or characters, whichever comes first: the buffers of
# the batches in flight (a few, each several times its text) then stay under 1 MiB.
BATCH_TEXTS = 4096
BATCH_CHARS = 1 << 16
_ENCODING = ("utf-8", "surrogatepass")
encode_utf8 = methodcaller("encode", *_ENCODING)


class Chunk:
    """Texts as one byte buffer cut into segments: one per text, one per given token."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.is_text: list[bool] = []
        self.doc_segments: list[int] = [0]

    def add_texts(self, texts: list[bytes]) -> None:
        first = len(self.parts)
        self.parts.extend(texts)
        self.is_text.extend(repeat(True, len(texts)))
        self.doc_segments.extend(range(first + 1, first + len(texts) + 1))

    def add_tokens(self, tokens: list[bytes]) -> None:
        self.parts.extend(tokens)
        self.is_text.extend(repeat(False, len(tokens)))
        self.doc_segments.append(len(self.parts))

    def arrays(self, first_doc: int):
        """The buffer; each segment's start, end, kind and document; each text's first
        segment."""
        buf = np.frombuffer(b"".join(self.parts), dtype=np.uint8)
        sizes = np.fromiter(map(len, self.parts), dtype=np.int64, count=len(self.parts))
        ends = np.cumsum(sizes)
        doc_segments = np.array(self.doc_segments, dtype=np.int64)
        docs = np.repeat(
            np.arange(first_doc, first_doc + len(doc_segments) - 1), np.diff(doc_segments)
        )
        is_text = np.array(self.is_text, dtype=np.bool_)
        return buf, ends - sizes, ends, is_text, docs, doc_segments


def _batches(texts: Iterable) -> Iterator[list]:
    batch: list = []
    size = 0
    for text in texts:
        batch.append(text)
        kind = type(text)
        size += len(text) if kind is str else 8 * len(text) if kind is list else 1
        if size >= BATCH_CHARS or len(batch) == BATCH_TEXTS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def chunks(texts: Iterable, lower: bool) -> Iterator[Chunk]:
    position = 0
    for batch in _batches(texts):
        chunk = Chunk()
        if set(map(type, batch)) == {str}:
            # The common case, with no Python-level loop: a whole batch of plain texts.
            chunk.add_texts(list(map(encode_utf8, map(str.lower, batch) if lower else batch)))
        else:
            for offset, text in enumerate(batch):
                if isinstance(text, str):
                    chunk.add_texts([encode_utf8(text.lower() if lower else text)])
                elif isinstance(text, list) and all(isinstance(token, str) for token in text):
                    chunk.add_tokens([encode_utf8(t.lower() if lower else t) for t in text])
                else:
                    raise element_error(text, position + offset)
        position += len(batch)
        yield chunk


class WordTable:
    """The distinct words seen so far, as byte strings in a growing hash table, with
    their token and document counts when `counting`.

    Word `w` (ids in order of first appearance) is `arena[offsets[w]:offsets[w + 1]]`;
    `slots` is the open-addressing index over them (see `kembed.text._scan`).
    """

    def __init__(self, *, counting: bool, capacity: int = 1 << 12) -> None:
        capacity = 1 << max(0, capacity - 1).bit_length()  # the table size is a power of 2
        self.counting = counting
        self.slots = np.zeros(2 * capacity, dtype=np.int32)
        self.hashes = np.zeros(capacity, dtype=np.uint64)
        self.offsets = np.zeros(capacity + 1, dtype=np.int64)
        self.arena = np.empty(8 * capacity, dtype=np.uint8)
        # Per word: tokens, documents, last document seen.
        self.stats = np.zeros((capacity if counting else 0, 3), dtype=np.int64)
        self.stats[:, 2] = -1
        self.state = np.zeros(3, dtype=np.int64)  # words, arena bytes used, tokens recorded
        self.n_docs = 0

    def __len__(self) -> int:
        return int(self.state[0])

    @property
    def counts(self) -> np.ndarray:
        return self.stats[: len(self), 0]

    @property
    def docs(self) -> np.ndarray:
        return self.stats[: len(self), 1]

    def scan(self, chunk: Chunk, is_sep: np.ndarray, *, record: bool, frozen: bool = False):
        """Interns (and counts) the words of a chunk; with `frozen`, only looks them up
        (an unknown word gets id -1).

        Returns:
            With `record`, `(ids, doc_offset)`: each token's word id and each text's first
            token (one more entry at the end); otherwise `None`.
        """
        buf, starts, ends, is_text, seg_doc, doc_segments = _cut_long_texts(
            *chunk.arrays(self.n_docs), is_sep
        )
        if frozen:  # read-only, so that several threads can look up at once
            state = self.state.copy()
        else:
            state = self.state
            self.n_docs += len(doc_segments) - 1
        if record:
            bound = int(((ends - starts + 1) // 2)[is_text].sum() + (~is_text).sum())
            ids = np.empty(max(bound, 1), dtype=np.int64)
            seg_tok = np.zeros(len(starts) + 1, dtype=np.int64)  # [0] when no segment
        else:
            ids = seg_tok = np.empty(0, dtype=np.int64)
        state[2] = 0
        first = 0
        separators = is_sep.view(np.uint8)
        while first < len(starts):
            first = _scan.scan_segments(
                buf,
                starts,
                ends,
                is_text.view(np.uint8),
                seg_doc,
                first,
                separators,
                self.slots,
                self.hashes,
                self.offsets,
                self.arena,
                state,
                ids,
                seg_tok,
                self.stats,
                frozen,
            )
            if first < len(starts):
                size = int(ends[first] - starts[first])
                self._grow((size + 1) // 2 if is_text[first] else 1, size)
        if record:
            return ids[: state[2]], seg_tok[doc_segments]
        return None

    def _grow(self, words: int, size: int) -> None:
        n_words, used = int(self.state[0]), int(self.state[1])
        capacity = self.hashes.shape[0]
        if n_words + words > capacity:
            while n_words + words > capacity:
                capacity *= 2
            self.hashes = _grown(self.hashes, capacity, n_words)
            self.offsets = _grown(self.offsets, capacity + 1, n_words + 1)
            self.slots = np.zeros(2 * capacity, dtype=np.int32)
            _scan.rebuild(self.slots, self.hashes, n_words)
            if self.counting:
                stats = np.zeros((capacity, 3), dtype=np.int64)
                stats[:, 2] = -1
                stats[:n_words] = self.stats[:n_words]
                self.stats = stats
        if used + size > self.arena.shape[0]:
            self.arena = _grown(self.arena, max(2 * self.arena.shape[0], used + size), used)

    def words(self, start: int, stop: int) -> list[str]:
        """The words with ids `start .. stop - 1`, as str."""
        data = self.arena[: self.state[1]].tobytes()
        bounds = self.offsets[start : stop + 1].tolist()
        return [data[a:b].decode(*_ENCODING) for a, b in pairwise(bounds)]


SEGMENT = 1 << 20  # bytes: a longer text is scanned in pieces about this long


def _cut_long_texts(buf, starts, ends, is_text, docs, doc_segments, is_sep):
    """Cuts each text longer than `SEGMENT` bytes into pieces that end just after a
    separator byte, so that no word is split and each piece belongs to the same document
    (counts are unchanged). The tables then grow with the words really seen, not with the
    most words a huge text could hold (a 53 MB text once reserved room for 26 M words)."""
    long = np.flatnonzero(is_text & (ends - starts > SEGMENT))
    if not len(long):
        return buf, starts, ends, is_text, docs, doc_segments
    cuts = {int(i): _cut_points(buf, int(starts[i]), int(ends[i]), is_sep) for i in long}
    pieces = np.ones(len(starts), dtype=np.int64)
    for i, points in cuts.items():
        pieces[i] = len(points) + 1
    new_starts, new_ends = [], []
    for i in range(len(starts)):
        bounds = [int(starts[i]), *cuts.get(i, ()), int(ends[i])]
        new_starts.extend(bounds[:-1])
        new_ends.extend(bounds[1:])
    first = np.concatenate(([0], np.cumsum(pieces)))  # each old segment's first new one
    return (
        buf,
        np.array(new_starts, dtype=np.int64),
        np.array(new_ends, dtype=np.int64),
        np.repeat(is_text, pieces),
        np.repeat(docs, pieces),
        first[doc_segments],
    )


def _cut_points(buf: np.ndarray, start: int, end: int, is_sep: np.ndarray) -> list[int]:
    """Positions after a separator, about `SEGMENT` bytes apart, inside `start:end`."""
    points, position = [], start + SEGMENT
    while position < end:
        window = 4096
        while True:
            hit = np.flatnonzero(is_sep[buf[position : min(position + window, end)]])
            if len(hit) or position + window >= end:
                break
            window *= 4  # a word longer than the window: look further
        if not len(hit):
            break
        cut = position + int(hit[0]) + 1
        if cut >= end:
            break
        points.append(cut)
        position = cut + SEGMENT
    return points


def _grown(array: np.ndarray, size: int, keep: int) -> np.ndarray:
    """A zeroed array of `size` entries starting with `array[:keep]`."""
    grown = np.zeros(size, dtype=array.dtype)
    grown[:keep] = array[:keep]
    return grown
