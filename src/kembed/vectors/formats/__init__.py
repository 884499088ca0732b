"""One module per vector file format, and `sniff` / `read`, which pick the right one from
the content. No Keras, no printing."""

from __future__ import annotations

import os

from kembed._io import looks_like
from kembed.errors import VectorFormatError
from kembed.vectors.formats import streams
from kembed.vectors.formats._rows import parse_header
from kembed.vectors.formats.fasttext import is_fasttext
from kembed.vectors.formats.native import is_native
from kembed.vectors.options import ReadOptions

_PRINTABLE = frozenset(range(32, 127)) | {9, 10, 13}


_SUFFIXES = {".txt": "glove", ".vec": "word2vec", ".bin": "word2vec-binary"}


def format_for(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for when saving: `.txt` GloVe text, `.vec` word2vec
    text, `.bin` word2vec binary (each also with `.gz`, `.bz2` or `.xz`), anything else a
    native folder.

    Example:

    >>> format_for("glove.txt.gz"), format_for("w2v.bin"), format_for("mine.kembed")
    ('glove', 'word2vec-binary', 'native')
    """
    name = os.path.basename(os.fspath(path))
    for compressed in (".gz", ".bz2", ".xz"):
        name = name.removesuffix(compressed)
    return _SUFFIXES.get(os.path.splitext(name)[1].lower(), "native")


def sniff(path: str | os.PathLike[str], *, member: str | None = None) -> str:
    """The format of a vector source, from its content: `"native"` (a kembed folder),
    `"word2vec-binary"`, `"word2vec"` (text with a `count dim` header), `"fasttext"`
    (a `.bin` / `.ftz` model) or `"glove"`."""
    if os.path.isdir(path):
        if is_native(path):
            return "native"
        raise IsADirectoryError(f"{os.fspath(path)} is a folder but no kembed vectors folder.")
    with streams.open_bytes(path, member=member) as stream:
        head = stream.read(1 << 16)
    if is_fasttext(head):
        return "fasttext"
    first, _, rest = head.partition(b"\n")
    counts = parse_header(first.lstrip(b"\xef\xbb\xbf"))
    if counts is None:
        return "glove"
    _, space, body = rest.partition(b" ")
    numbers = body[: 4 * counts[1]]
    if space and numbers and not set(numbers) <= _PRINTABLE:
        return "word2vec-binary"
    return "word2vec"


def read(
    path: str | os.PathLike[str],
    options: ReadOptions,
    *,
    vocab: set[str] | None = None,
    limit: int | None = None,
    progress: bool = False,
):
    """Reads a text or binary vector file (`options.format` says which): (words, matrix,
    word -> row or `None`, `LoadReport`). See `read_text` for the other arguments."""
    if options.format == "word2vec-binary":
        from kembed.vectors.formats.binary import read_binary

        return read_binary(path, options, vocab=vocab, limit=limit, progress=progress)
    from kembed.vectors.formats.text import read_text

    with streams.open_bytes(path, member=options.member) as stream:
        what = looks_like(stream.read(4096))
    if what is not None:
        raise VectorFormatError(
            streams.display_name(path, options.member),
            None,
            f"this is no vector text file: it looks like {what}.",
        )
    return read_text(path, options, vocab=vocab, limit=limit, progress=progress)
