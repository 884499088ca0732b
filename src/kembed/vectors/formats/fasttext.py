"""fastText's binary models, `.bin` and the quantized `.ftz`, read as fastText reads them
(`FastText::loadModel`, format version 12): the header (magic 793712314, version), the
training arguments, the dictionary (words and labels, counts, the pruned bucket index),
and the input matrix (words, then hash buckets; product-quantized in `.ftz`). A dense
matrix is memory-mapped, not read. The output matrix is not needed for word vectors and
is not read. `write_fasttext` writes a `.bin` that fastText loads. numpy and the
standard library; no Keras.
"""

from __future__ import annotations

import itertools
import mmap
import os
import struct
from dataclasses import dataclass, field

import numpy as np

from kembed.errors import VectorFormatError

MAGIC = 793712314
VERSION = 12
# fastText's Args::save, in order: eleven int32 then one double.
ARGUMENTS = ("dim", "ws", "epoch", "min_count", "neg", "word_ngrams", "loss", "model",
             "bucket", "minn", "maxn", "lr_update_rate")  # fmt: skip
LOSSES = {1: "hs", 2: "ns", 3: "softmax", 4: "ova"}
MODELS = {1: "cbow", 2: "skipgram", 3: "supervised"}
_KSUB = 256  # centroids per sub-quantizer (fastText's ProductQuantizer::ksub_)
EOS = "</s>"  # the end-of-line word: fastText gives it no n-grams
_CHUNK_ROWS = 65_536  # rows written at a time
# fastText's defaults for unsupervised training, for vectors that do not say theirs.
DEFAULT_ARGUMENTS = {
    "dim": 100, "ws": 5, "epoch": 5, "min_count": 5, "neg": 5, "word_ngrams": 1,
    "loss": "ns", "model": "skipgram", "bucket": 2_000_000, "minn": 3, "maxn": 6,
    "lr_update_rate": 100, "t": 1e-4,
}  # fmt: skip


@dataclass
class FastTextModel:
    """What a fastText `.bin` / `.ftz` holds for word vectors.

    Attributes:
        path: The file.
        args: The training arguments (`dim`, `minn`, `maxn`, `bucket`, `model`, `loss`,
            `t`, ...), names as in fastText's command line but snake_case.
        words: The dictionary's words, in id order (labels of a supervised model left
            out: they have no input row).
        counts: Each word's corpus count (int64).
        matrix: The input matrix: `len(words)` word rows, then `bucket` n-gram rows (or
            the kept ones of a pruned `.ftz`), float32; memory-mapped for a `.bin`.
        pruned: For a pruned `.ftz`, bucket -> row among the n-gram rows; else None.
        quantized: Whether the input matrix was product-quantized (`.ftz`).
    """

    path: str
    args: dict
    words: list[str]
    counts: np.ndarray
    matrix: np.ndarray
    pruned: dict[int, int] | None = None
    quantized: bool = False
    labels: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """`"cbow"`, `"skipgram"` or `"supervised"`."""
        return self.args["model"]


def is_fasttext(head: bytes) -> bool:
    """Whether the first bytes of a file are fastText's magic number.

    Example:

    >>> is_fasttext(struct.pack("<ii", MAGIC, VERSION)), is_fasttext(b"3 2\\n")
    (True, False)
    """
    return len(head) >= 4 and struct.unpack("<i", head[:4])[0] == MAGIC


def read_fasttext(path: str | os.PathLike[str]) -> FastTextModel:
    """Reads a fastText `.bin` or `.ftz` model.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "not.bin"
    >>> _ = path.write_bytes(b"3 2\\nwords...")
    >>> read_fasttext(path)
    Traceback (most recent call last):
    ...
    kembed.errors.VectorFormatError: ...not.bin: this is no fastText model: ...

    Args:
        path: Path-like. A plain (not compressed) `.bin` or `.ftz` file.

    Returns:
        A `FastTextModel`.

    Raises:
        VectorFormatError: if the magic number or the version is not fastText's (floret's
            files say so), or the file ends early (where, and what was expected).
    """
    name = os.fspath(path)
    with open(name, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            raise VectorFormatError(name, None, "the file is empty: no fastText model.")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
            reader = _Reader(name, data)
            model = _read(reader)
            offset, shape = model.pop("dense", (None, None))
    if offset is not None:
        matrix = np.memmap(name, dtype="<f4", mode="r", offset=offset, shape=shape)
        model["matrix"] = matrix
    return FastTextModel(path=name, **model)


class _Reader:
    """Reads little-endian fields from a buffer, naming the file and the offset of the
    field it could not read."""

    def __init__(self, name: str, data):
        self.name, self.data, self.at = name, data, 0

    def take(self, fmt: str, what: str):
        size = struct.calcsize(fmt)
        if self.at + size > len(self.data):
            self.ended(what)
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += size
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int, what: str) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        if count < 0 or self.at + size > len(self.data):
            self.ended(what)
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at).copy()
        self.at += size
        return values

    def ended(self, what: str):
        raise VectorFormatError(
            self.name,
            None,
            f"the file ends at byte {len(self.data):,} inside {what} (at byte {self.at:,}): "
            "it is truncated. Download or copy it again.",
        )


def _read(reader: _Reader) -> dict:
    magic, version = reader.take("<ii", "the header")
    if magic != MAGIC:
        raise VectorFormatError(
            reader.name,
            None,
            f"this is no fastText model: it starts with {magic} where fastText's files "
            f"start with {MAGIC}. Load word2vec binary files with format='word2vec-binary'.",
        )
    if version != VERSION:
        hint = " (floret's files are not read)" if version > VERSION else ""
        raise VectorFormatError(
            reader.name,
            None,
            f"fastText format version {version}{hint}; kembed reads version {VERSION}, "
            "which fastText 0.9 writes. Save the model again with fastText 0.9.",
        )
    values = reader.take("<" + "i" * len(ARGUMENTS) + "d", "the training arguments")
    args = dict(zip(ARGUMENTS, values[:-1], strict=True))
    args["t"] = values[-1]
    args["loss"] = LOSSES.get(args["loss"], str(args["loss"]))
    args["model"] = MODELS.get(args["model"], str(args["model"]))
    size, nwords, nlabels = reader.take("<iii", "the dictionary's sizes")
    _ntokens, pruned_size = reader.take("<qq", "the dictionary's sizes")
    if not (0 <= nwords <= size and nwords + nlabels == size):
        raise VectorFormatError(
            reader.name, None, f"the dictionary's sizes disagree: {size} entries, "
            f"{nwords} words, {nlabels} labels. The file is damaged."
        )  # fmt: skip
    words, labels, counts = _dictionary(reader, size, nwords)
    pruned = None  # -1: nothing pruned; 0: every bucket pruned (fastText then uses none)
    if pruned_size >= 0:
        pairs = reader.array("<i4", 2 * pruned_size, "the pruned bucket index").reshape(-1, 2)
        pruned = dict(zip(pairs[:, 0].tolist(), pairs[:, 1].tolist(), strict=True))
    quantized = bool(reader.take("<?", "the matrix header"))
    model = {"args": args, "words": words, "counts": counts, "labels": labels}
    model.update(pruned=pruned, quantized=quantized)
    if not quantized:
        rows, dim = reader.take("<qq", "the input matrix's shape")
        _check_shape(reader, rows, dim, args, nwords, pruned_size)
        if reader.at + 4 * rows * dim > len(reader.data):
            reader.ended(f"the input matrix ({rows:,} x {dim} float32)")
        model["dense"] = (reader.at, (rows, dim))
        reader.at += 4 * rows * dim
    else:
        model["matrix"] = _read_quantized(reader, args, nwords, pruned_size)
    _check_output(reader)
    return model


def _dictionary(reader: _Reader, size: int, nwords: int) -> tuple[list, list, np.ndarray]:
    """The dictionary's words (type 0, among the first `nwords`), its labels and the
    words' counts, its entries found by a compiled walk and decoded all at once."""
    from kembed.vectors import parse

    buffer = np.frombuffer(reader.data, dtype=np.uint8)
    starts, ends = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    found, after = parse.split_fasttext_entries(buffer, reader.at, starts, ends)
    starts, ends = starts[:found], ends[:found]
    trailers = buffer[ends[:, None] + np.arange(1, 10)]
    joined = np.empty(int((ends - starts).sum()) + found, dtype=np.uint8)
    parse.gather_words(buffer, starts, ends, joined)
    del buffer  # the map closes only when no array holds it
    if found < size:
        reader.at = int(ends[-1]) + 10 if found else reader.at
        reader.ended(f"entry {found:,} of the dictionary")
    reader.at = after
    counts, kinds = trailers[:, :8].copy().view("<i8")[:, 0], trailers[:, 8].view(np.int8)
    texts = joined[:-1].tobytes().decode("utf-8", errors="surrogateescape").split("\n")
    if len(texts) != size:  # a word holding a newline: one at a time
        texts = [bytes(reader.data[a:b]).decode("utf-8", errors="surrogateescape")
                 for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]  # fmt: skip
    is_word = (kinds == 0) & (np.arange(size) < nwords)
    words = list(itertools.compress(texts, is_word))
    labels = list(itertools.compress(texts, ~is_word))
    return words, labels, counts[is_word]


def _check_output(reader: _Reader) -> None:
    """Checks that the output matrix (not needed for word vectors) is all there, so that
    a truncated file is refused as fastText refuses it."""
    if reader.take("<?", "the output matrix's header"):
        reader.take("<?", "the quantized output matrix")
        rows, dim = reader.take("<qq", "the output matrix's shape")
        codesize = reader.take("<i", "the quantized output matrix")
        reader.array("u1", codesize, "the output matrix's codes")
        _decode(reader, np.zeros(0, dtype=np.uint8), 0, None)
        return
    rows, dim = reader.take("<qq", "the output matrix's shape")
    if rows < 0 or dim < 0 or reader.at + 4 * rows * dim > len(reader.data):
        reader.ended(f"the output matrix ({rows:,} x {dim} float32)")


def _check_shape(reader: _Reader, rows: int, dim: int, args: dict, nwords: int, pruned: int):
    buckets = pruned if pruned >= 0 else args["bucket"]
    if dim != args["dim"] or rows != nwords + buckets:
        raise VectorFormatError(
            reader.name, None, f"the input matrix is {rows:,} x {dim}, but the arguments "
            f"say {nwords:,} words + {buckets:,} buckets x {args['dim']}. The file is damaged."
        )  # fmt: skip


def _read_quantized(reader: _Reader, args: dict, nwords: int, pruned: int) -> np.ndarray:
    """The rows of a product-quantized input matrix (fastText's QuantMatrix), decoded."""
    qnorm = reader.take("<?", "the quantized matrix")
    rows, dim = reader.take("<qq", "the quantized matrix's shape")
    _check_shape(reader, rows, dim, args, nwords, pruned)
    codesize = reader.take("<i", "the quantized matrix")
    codes = reader.array("u1", codesize, "the quantized codes")
    matrix = _decode(reader, codes, rows, dim)
    if qnorm:
        norm_codes = reader.array("u1", rows, "the norm codes")
        norms = _decode(reader, norm_codes, rows, 1)[:, 0]
        matrix *= norms[:, None]
    return matrix


def _decode(reader: _Reader, codes: np.ndarray, rows: int, dim: int) -> np.ndarray:
    """Rows from a product quantizer's codes: sub-vector `m` of row `i` is centroid
    `codes[i * nsubq + m]` of sub-quantizer `m` (the last sub-vector may be shorter)."""
    pq_dim, nsubq, dsub, lastdsub = reader.take("<iiii", "a product quantizer")
    centroids = reader.array("<f4", pq_dim * _KSUB, "a product quantizer's centroids")
    if dim is None:  # only skipped over
        return np.zeros((0, 0), dtype=np.float32)
    if pq_dim != dim or len(codes) != rows * nsubq:
        raise VectorFormatError(
            reader.name, None, f"a product quantizer of dim {pq_dim} and {nsubq} parts "
            f"does not fit {rows:,} rows x {dim}. The file is damaged."
        )  # fmt: skip
    codes = codes.reshape(rows, nsubq)
    out = np.empty((rows, dim), dtype=np.float32)
    for m in range(nsubq):
        width = lastdsub if m == nsubq - 1 else dsub
        start = m * _KSUB * dsub
        table = centroids[start : start + _KSUB * width].reshape(_KSUB, width)
        out[:, m * dsub : m * dsub + width] = table[codes[:, m]]
    return out


def write_fasttext(stream, words: list[str], counts: np.ndarray, blocks, args: dict) -> None:
    """Writes a fastText `.bin` (format version 12) that `fasttext.load_model` reads: the
    arguments, a dictionary of `words` with `counts` (no labels, nothing pruned), the dense
    input matrix given as `blocks` (arrays of rows written one after the other: the word
    rows, then the `bucket` n-gram rows) and an output matrix of zeros (a model written
    here gives word vectors; it is no classifier and cannot resume training).

    Example:

    >>> import io
    >>> out = io.BytesIO()
    >>> args = {**DEFAULT_ARGUMENTS, "dim": 2, "bucket": 0, "minn": 0, "maxn": 0}
    >>> write_fasttext(out, ["a", "b"], np.array([3, 1]), [np.eye(2, dtype="float32")], args)
    >>> is_fasttext(out.getvalue()), len(out.getvalue())
    (True, 180)

    Raises:
        ValueError: if a word holds a NUL character (fastText ends words with one) or the
            blocks do not hold the rows the arguments ask for.
    """
    rows = sum(len(block) for block in blocks)
    dim = args["dim"]
    if rows != len(words) + args["bucket"] or any(b.shape[1:] != (dim,) for b in blocks):
        raise ValueError(
            f"The input matrix must hold {len(words):,} word rows and {args['bucket']:,} "
            f"n-gram rows of {dim} values. Received: {rows:,} rows."
        )
    codes = {**{v: k for k, v in LOSSES.items()}, **{v: k for k, v in MODELS.items()}}
    values = [codes.get(args[name], args[name]) for name in ARGUMENTS]
    stream.write(struct.pack("<ii" + "i" * len(ARGUMENTS) + "d", MAGIC, VERSION, *values,
                             args["t"]))  # fmt: skip
    stream.write(struct.pack("<iiiqq", len(words), len(words), 0, int(np.sum(counts)), -1))
    entry = struct.Struct("<qb")
    for number, (word, count) in enumerate(zip(words, counts.tolist(), strict=True)):
        if "\0" in word:
            raise ValueError(
                f"Word {number:,} ({word!r}) holds a NUL character, which ends a word in "
                "fastText's files. Drop or rename it before saving as fastText."
            )
        stream.write(word.encode("utf-8", errors="surrogateescape") + b"\0")
        stream.write(entry.pack(count, 0))
    stream.write(struct.pack("<?qq", False, rows, dim))
    for block in blocks:
        for start in range(0, len(block), _CHUNK_ROWS):
            stream.write(np.ascontiguousarray(block[start : start + _CHUNK_ROWS], "<f4").data)
    stream.write(struct.pack("<?qq", False, len(words), dim))
    zeros = np.zeros((min(len(words), _CHUNK_ROWS), dim), dtype="<f4")
    for start in range(0, len(words), _CHUNK_ROWS):
        stream.write(zeros[: min(_CHUNK_ROWS, len(words) - start)].data)
