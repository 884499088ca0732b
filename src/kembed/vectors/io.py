"""`load` and `save`: from a path, a kembed folder or a named source to `Vectors` and
back, through the format modules and the cache. No Keras, no printing.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
import warnings
from collections.abc import Iterable, Mapping

import numpy as np

from kembed._io import atomic_write, check_output
from kembed._settings import resolve
from kembed.errors import CacheWarning, DataWarning, SourceError, VectorFormatError
from kembed.vectors import cache as caching
from kembed.vectors import formats, sources, subword_io
from kembed.vectors.formats import native, streams
from kembed.vectors.options import FORMATS, ReadOptions, check_policy
from kembed.vectors.report import LoadReport
from kembed.vectors.store import Vectors


def load(
    source: str | os.PathLike[str],
    *,
    options: ReadOptions | None = None,
    format: str | None = None,
    member: str | None = None,
    vocab: Mapping[str, object] | Iterable[str] | None = None,
    limit: int | None = None,
    errors: str = "raise",
    duplicates: str = "first",
    dim: int | None = None,
    cache: bool = True,
    verify: bool = False,
    progress: bool = False,
) -> Vectors:
    """Loads word vectors.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.txt"
    >>> _ = path.write_text("the 0.1 0.2\\ncat 0.3 0.4\\n", encoding="utf-8")
    >>> vectors = load(path, cache=False)
    >>> vectors.index_to_key, vectors.dim
    (['the', 'cat'], 2)

    Args:
        source: A file (GloVe text, word2vec / fastText text, word2vec binary; plain,
            `.gz`, `.bz2`, `.xz` or a `.zip`; or a fastText `.bin` / `.ftz` model,
            uncompressed, whose words outside the table get vectors from their
            n-grams), a kembed folder, or a named source such as
            `"glove-6B-50d"` (see `kembed.vectors.sources.CATALOGUE`).
        options: Optional `ReadOptions`: `format`, `member`, `errors`, `duplicates` and
            `dim` in one object (what a cache entry is made with). Pass it or those
            keywords.
        format: Optional `"glove"`, `"word2vec"`, `"word2vec-binary"`, `"native"` or
            `"fasttext"`.
            Sniffed from the content by default.
        member: Optional str. The file to read inside a zip (the error lists them).
        vocab: Optional vocabulary (a `word_index` mapping or any iterable of words):
            only these words are loaded; the numbers of other lines are neither parsed
            nor checked. Uses the cache entry if one exists, else is not cached.
        limit: Optional int. Only the first `limit` vectors of the file.
        errors: `"raise"` (default: the first bad line raises `VectorFormatError`) or
            `"skip"` (bad lines are skipped and counted in the report).
        duplicates: `"first"` (default), `"last"` or `"error"`: which of a repeated
            word's vectors to keep.
        dim: Optional int. The vector size of a GloVe file (inferred by default).
        cache: Convert a full load of a text or binary file into the native format in
            the cache folder (`$KEMBED_CACHE`), and memory-map it on later loads.
            Defaults to True. A cache folder that cannot be written gives a
            `CacheWarning` and an uncached load.
        verify: Check the checksums of the whole native matrix on opening.
        progress: Show a progress bar while a text or binary file is read.

    Returns:
        `Vectors`, with the load's `LoadReport` in `.report`.

    Raises:
        FileNotFoundError: if `source` is neither a file nor a known name.
        VectorFormatError: if the file is not what its format says.
        ValueError: for a bad option.
    """
    built = ReadOptions(format, member, dim, errors, duplicates)
    options = resolve(options, built, ReadOptions(), "options")
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"`limit` must be a non-negative integer. Received: limit={limit!r}")
    wanted = None if vocab is None else set(vocab)
    if wanted is not None and set(map(type, wanted)) - {str}:
        wanted = {w for w in wanted if isinstance(w, str)}
    if not os.path.exists(source):
        return _load_named(os.fspath(source), wanted, limit)
    if options.format is None:
        options = dataclasses.replace(options, format=formats.sniff(source, member=options.member))
    if options.format == "native":
        return _open_part(source, wanted, limit, verify)
    if cache:
        vectors = _from_cache(source, options, wanted, limit, verify)
        if vectors is not None:
            return vectors
    if not cache or wanted is not None or limit is not None or not _writable_cache():
        # A partial load parses only what it needs, and is not cached.
        if options.format == "fasttext":
            return subword_io.read_model(source, options.member, wanted, limit)
        return _read(source, options, vocab=wanted, limit=limit, progress=progress)
    if options.format == "fasttext":
        vectors = subword_io.read_model(source, options.member, None, None)
    else:
        vectors = _read(source, options, progress=progress)
    # A file with nothing to skip loads the same under every policy: one entry serves all.
    made_with = options if vectors.report.skipped else options.cleaned()
    key = caching.key(source, **made_with.to_dict())
    folder = caching.entry(source, **key["options"])
    extra = {"source": key["path"], "cache": key, "report": vectors.report.to_dict()}
    extra.update({k: v for k, v in vectors.header.items() if k == "fasttext"})
    caching.write_later(folder, lambda: write_entry(folder, vectors, extra))
    return vectors


def _writable_cache() -> bool:
    """Whether the cache's folder of vectors can be written (made now if need be); if
    not, a `CacheWarning` says so, before any parsing."""
    folder = caching.cache_dir() / "vectors"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK | os.X_OK):
            return True
        problem = "it is read-only"
    except OSError as error:
        problem = str(error)
    _warn_cache(problem)
    return False


def _warn_cache(problem: str) -> None:
    warnings.warn(
        f"The cache folder {caching.cache_dir()} cannot be written ({problem}); the vectors "
        "are loaded without it. Set KEMBED_CACHE to a writable folder, or pass cache=False "
        "(--no-cache).",
        CacheWarning,
        stacklevel=4,
    )


def _load_named(name: str, wanted: set[str] | None, limit: int | None) -> Vectors:
    """A named source: from its PyPI package when installed (converted once into the
    cache), else from the file `kembed vectors download` fetched; `sources` says where."""
    source = sources.lookup(name)
    if source.package and importlib.util.find_spec(source.package):
        folder = caching.cache_dir() / "named" / name
        if not native.is_native(folder):
            vectors = sources.package_vectors(source.package, name)
            if not write_entry(folder, vectors, {"source": name}):  # a read-only cache
                if limit is not None:
                    vectors = vectors.subset(vectors.index_to_key[:limit])
                keep = vectors.index_to_key if wanted is None else wanted
                return vectors.subset(w for w in vectors.index_to_key if w in keep)
        return load(folder, vocab=wanted, limit=limit)
    file = sources.downloaded(name)
    if not file.exists():
        extra = f" or `pip install {source.package.replace('_', '-')}`" if source.package else ""
        raise SourceError(
            f"The named source {name!r} is not on this machine. Run `kembed vectors download "
            f"{name}`{extra}."
        )
    return load(file, member=source.member, vocab=wanted, limit=limit)


def _from_cache(source, options: ReadOptions, wanted, limit, verify) -> Vectors | None:
    """The load from the cache entry made with `options`, or from the one made with no
    line skipped (the same vectors); None if neither is there (or both are damaged)."""
    tries = [options] + ([options.cleaned()] if options.cleaned() != options else [])
    for made_with in tries:
        folder = caching.entry(source, **made_with.to_dict())
        caching.wait(folder)  # a write of it in flight in this process
        if not native.is_native(folder):
            continue
        try:
            if made_with is not options and (native.read_header(folder).get("report") or {}).get(
                "skipped"
            ):
                continue  # made with the default policies, and they skipped lines
            vectors = _open_part(folder, wanted, limit, verify)
        except VectorFormatError:
            continue  # a damaged entry: rebuilt by a full load
        vectors.report.from_cache = True
        return vectors
    return None


def write_entry(folder, vectors: Vectors, extra: dict) -> bool:
    """Writes the cache entry `folder` (header fields `extra`, and the load report).

    Returns:
        False, after a `CacheWarning`, if the cache folder cannot be written.
    """
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        if folder.is_dir() and not native.is_own_folder(folder):
            shutil.rmtree(folder)  # a damaged entry of kembed's own cache
        native.write_native(
            folder,
            vectors.index_to_key,
            vectors.vectors,
            norms=vectors.norms,
            counts=vectors.counts,
            ngrams=subword_io.ngram_rows(vectors),
            extra={"report": vectors.report.to_dict(), **extra},
            overwrite=True,
        )
        return True
    except OSError as error:
        _warn_cache(str(error))
        return False


def _read(source, options: ReadOptions, **selection) -> Vectors:
    words, matrix, index, report = formats.read(source, options, **selection)
    return Vectors._trusted(words, matrix, report=report, key_to_index=index)


def open_native(
    path: str | os.PathLike[str], *, verify: bool = False, wanted: set[str] | None = None
) -> Vectors:
    """Opens a kembed folder (memory-mapped), or reads only the rows of `wanted`."""
    words, matrix, norms, header = native.read_native(
        path, verify=verify, lazy=True, wanted=wanted
    )
    saved = header.get("report") or {}
    try:
        report = LoadReport.from_dict(
            {"source": os.fspath(path), "format": "native", **saved}
            if isinstance(saved, dict)
            else saved
        )
    except ValueError:
        raise VectorFormatError(
            os.path.join(path, "header.json"), None, "its load report is damaged."
        ) from None
    counts = None
    if wanted is None and native.COUNTS in header["sizes"]:
        counts = np.load(os.path.join(path, native.COUNTS), mmap_mode="r", allow_pickle=False)
    return Vectors._trusted(
        words,
        matrix,
        norms=norms,
        report=report,
        header=header,
        counts=counts,
        subwords=subword_io.open_subwords(path, header),
    )


def _open_part(path, wanted: set[str] | None, limit: int | None, verify: bool) -> Vectors:
    """A native folder, or its first `limit` rows and then the words of `wanted`, in file
    order; the report says what was left out."""
    vectors = open_native(path, verify=verify, wanted=wanted if limit is None else None)
    if wanted is None and limit is None:
        return vectors
    total, report = vectors.header["shape"][0], vectors.report
    if limit is not None:
        vectors = Vectors._trusted(
            vectors.index_to_key[:limit],
            vectors.vectors[:limit],
            header=vectors.header,
            subwords=vectors.subwords,
        )
        if wanted is not None:
            vectors = vectors.subset(w for w in vectors.index_to_key if w in wanted)
    report = dataclasses.replace(report, skipped=dict(report.skipped))
    within = total if limit is None else min(limit, total)
    report.skip("past limit", total - within)
    report.skip("not in vocab", within - len(vectors))
    report.vectors_kept = len(vectors)
    vectors.report = report
    return vectors


def check_save_path(
    path: str | os.PathLike[str], *, format: str | None = None, overwrite: bool = False
) -> str:
    """Checks, before long work, that `save(..., path, format=format)` could write `path`
    (`format=None`: the one the name asks for, see `formats.format_for`).

    Example:

    >>> import tempfile
    >>> check_save_path(tempfile.mkdtemp(), format="glove")
    Traceback (most recent call last):
    ...
    kembed.errors.OutputError: ...: is a folder that kembed did not write; ...

    Returns:
        The absolute path.

    Raises:
        OutputError: if `path` exists and may not be replaced, or its folder is missing
            or read-only.
    """
    format = format or formats.format_for(path)
    check_policy("format", format, FORMATS)
    owned = native.is_own_folder if format == "native" else None
    return check_output(path, overwrite=overwrite, owned=owned)


def save(
    vectors: Vectors,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    overwrite: bool = False,
) -> None:
    """Writes `vectors` atomically (see `Vectors.save`)."""
    format = format or formats.format_for(path)
    check_save_path(path, format=format, overwrite=overwrite)
    if vectors.has_subwords and format not in ("native", "fasttext"):
        warnings.warn(
            f"Saving {len(vectors):,} word vectors to {os.fspath(path)} without the model's "
            "n-gram rows: words outside the table will have no vector when loaded back. "
            "Save to a kembed folder (any other name) or with format='fasttext' to keep "
            "them.",
            DataWarning,
            stacklevel=3,
        )
    if format == "native":
        extra = {
            k: v for k, v in vectors.header.items() if k in ("source", "settings", "fasttext")
        }
        if vectors.report is not None:
            extra["report"] = vectors.report.to_dict()
        native.write_native(
            path,
            vectors.index_to_key,
            vectors.vectors,
            norms=vectors.norms,
            counts=vectors.counts,
            ngrams=subword_io.ngram_rows(vectors),
            extra=extra,
            overwrite=overwrite,
        )
        return
    parts = subword_io.model_parts(vectors) if format == "fasttext" else None
    opener = streams.OPENERS.get(os.path.splitext(os.fspath(path))[1].lstrip("."))
    with atomic_write(path, mode="wb") as raw:
        stream = opener(raw, "wb") if opener else raw
        if format == "fasttext":
            from kembed.vectors.formats.fasttext import write_fasttext

            write_fasttext(stream, vectors.index_to_key, *parts)
        elif format == "word2vec-binary":
            from kembed.vectors.formats.binary import write_binary

            write_binary(stream, vectors.index_to_key, vectors.vectors)
        else:
            from kembed.vectors.formats.text import write_text

            write_text(stream, vectors.index_to_key, vectors.vectors, header=format == "word2vec")
        if opener:
            stream.close()
