"""Vectors with subwords between a fastText model, the cache and a kembed folder:
`read_model` turns a `.bin` / `.ftz` (plain, compressed or in a zip) into `Vectors` with
their `SubwordTable`; `ngram_rows` / `open_subwords` are what a native folder keeps of the
n-gram rows and how they are opened again. Used by `kembed.vectors.io`; no Keras.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

import numpy as np

from kembed.errors import VectorFormatError
from kembed.vectors import cache as caching
from kembed.vectors.formats import native, streams
from kembed.vectors.report import LoadReport
from kembed.vectors.store import Vectors
from kembed.vectors.subwords import SubwordTable


@contextlib.contextmanager
def _unpacked(source, member):
    """A temporary, decompressed copy of `source` (or of its zip `member`), beside the
    cache when it can be written, removed when the block ends."""
    folder = caching.cache_dir() / "unpacked"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        where = str(folder) if os.access(folder, os.W_OK) else None
    except OSError:
        where = None
    with tempfile.NamedTemporaryFile(dir=where, suffix=".bin", delete=False) as out:
        path = out.name
        try:
            with streams.open_bytes(source, member=member) as stream:
                shutil.copyfileobj(stream, out, 1 << 24)
        except BaseException:
            out.close()
            os.unlink(path)
            raise
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


def ngram_rows(vectors: Vectors) -> tuple[np.ndarray, dict] | None:
    """What a native folder keeps of vectors with subwords: the n-gram rows and the
    settings that find them."""
    table = vectors.subwords
    if table is None:
        return None
    pruned = None if table.pruned is None else sorted(table.pruned.items())
    settings = {"minn": table.minn, "maxn": table.maxn, "bucket": table.bucket}
    return table.matrix[table.nwords :], {**settings, "pruned": pruned}


def open_subwords(path, header: dict) -> SubwordTable | None:
    """The `SubwordTable` of a native folder that holds n-gram rows (memory-mapped)."""
    settings = header.get("subwords")
    if settings is None or native.NGRAMS not in header["sizes"]:
        return None
    try:
        rows = np.load(os.path.join(path, native.NGRAMS), mmap_mode="r", allow_pickle=False)
        pruned = settings["pruned"]
        return SubwordTable(
            rows,
            0,
            settings["minn"],
            settings["maxn"],
            settings["bucket"],
            None if pruned is None else {int(b): int(r) for b, r in pruned},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise VectorFormatError(
            os.path.join(path, "header.json"), None, f"its subword settings are damaged: {error}."
        ) from None


def read_model(source, member, wanted: set[str] | None, limit: int | None) -> Vectors:
    """A fastText `.bin` / `.ftz`: its words with fastText's word vectors (the mean of
    each word's row and n-gram rows, computed in one kernel pass), and its n-gram rows for
    the other words. A dense matrix is memory-mapped; a compressed model (the official
    `cc.*.bin.gz`) or one in a zip is first unpacked into a temporary file."""
    from kembed.vectors.formats.fasttext import EOS, read_fasttext

    if member is None and streams.compression(source) is None:
        model = read_fasttext(source)
    else:
        with _unpacked(source, member) as plain:
            model = read_fasttext(plain)  # the map of its matrix outlives the file's name
        model.path = streams.display_name(source, member)
    args = model.args
    try:
        sizes = (args["minn"], args["maxn"], args["bucket"])
        table = SubwordTable(model.matrix, len(model.words), *sizes, model.pruned)
    except ValueError as error:
        raise VectorFormatError(model.path, None, f"{error} The file is damaged.") from None
    keep = np.arange(len(model.words) if limit is None else min(limit, len(model.words)))
    report = LoadReport(source=model.path, format="fasttext", lines_read=len(model.words))
    report.skip("past limit", len(model.words) - len(keep))
    if wanted is not None:
        inside = np.array([model.words[i] in wanted for i in keep], dtype=bool)
        report.skip("not in vocab", int((~inside).sum()))
        keep = keep[inside]
    words = [model.words[i] for i in keep]
    matrix = table.vectors(words, keep)
    eos = [k for k, word in enumerate(words) if word == EOS]
    matrix[eos] = model.matrix[keep[eos]]  # fastText gives the end of line no n-grams
    report.vectors_kept = len(words)
    header = {"source": model.path, "fasttext": {**args, "quantized": model.quantized}}
    ngrams = None  # a model trained with maxn 0 (fastText's supervised default) has none
    if table.maxn:  # the n-gram rows alone: the word rows are no longer needed
        ngrams = SubwordTable(
            model.matrix[table.nwords :], 0, table.minn, table.maxn, table.bucket, table.pruned
        )
    return Vectors._trusted(
        words, matrix, report=report, header=header, counts=model.counts[keep], subwords=ngrams
    )


def model_parts(vectors: Vectors) -> tuple[np.ndarray, list[np.ndarray], dict]:
    """What a fastText `.bin` of `vectors` holds: the counts (1 each when unknown), the
    input matrix as blocks (the word rows, then the n-gram rows) and the arguments. A
    word's own row is rebuilt from its vector, the mean of that row and its n-gram rows
    (`</s>` has no n-grams); vectors without subwords are words alone (`maxn` 0, as
    fastText trains them with `-maxn 0`)."""
    from kembed.vectors._ngrams import mean_rows
    from kembed.vectors.formats.fasttext import DEFAULT_ARGUMENTS, EOS, MODELS

    args = {**DEFAULT_ARGUMENTS, **vectors.header.get("fasttext", {}), "dim": vectors.dim}
    args.pop("quantized", None)
    if args["model"] not in MODELS.values() or args["model"] == "supervised":
        args.update(model="skipgram", loss="ns")  # word vectors only: no labels kept
    counts = vectors.counts if vectors.counts is not None else np.ones(len(vectors), np.int64)
    table = vectors.subwords
    if table is None:
        args.update(minn=0, maxn=0, bucket=0)
        return counts, [vectors.vectors], args
    if table.pruned is not None:
        raise ValueError(
            "These vectors come from a pruned, quantized model (.ftz): fastText reads a "
            "pruned model only quantized, which kembed does not write. Save them as a "
            "kembed folder instead."
        )
    args.update(minn=table.minn, maxn=table.maxn, bucket=table.bucket)
    words = vectors.index_to_key
    offsets, rows = table.ngram_rows(words)
    sizes = np.diff(offsets)
    eos = vectors.key_to_index.get(EOS)
    if eos is not None:
        rows = np.delete(rows, np.s_[offsets[eos] : offsets[eos + 1]])
        sizes[eos] = 0
        offsets[1:] = np.cumsum(sizes)
    means = mean_rows(np.ascontiguousarray(table.matrix, np.float32), offsets, rows,
                      np.full(len(words), -1, np.int64))  # fmt: skip
    own = vectors.vectors.astype(np.float64) * (sizes[:, None] + 1) - means * sizes[:, None]
    return counts, [own.astype(np.float32), table.matrix], args
