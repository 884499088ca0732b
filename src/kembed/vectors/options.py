"""`ReadOptions`: how a vector file is read, in one frozen object that `load`, the text and
binary readers and the cache share (a cache entry is made with, and found by, its
`to_dict`). No parsing here."""

from __future__ import annotations

import dataclasses
from typing import Any

FORMATS = ("glove", "word2vec", "word2vec-binary", "native", "fasttext")
DUPLICATES = ("first", "last", "error")
ERRORS = ("raise", "skip")


def check_policy(name: str, value: str, allowed: tuple[str, ...]) -> None:
    """Raises ValueError unless `value` is one of `allowed`."""
    if value not in allowed:
        raise ValueError(
            f"`{name}` must be one of {', '.join(map(repr, allowed))}. Received: {name}={value!r}"
        )


@dataclasses.dataclass(frozen=True)
class ReadOptions:
    """How a vector file is read (see `kembed.load` for each field).

    Example:

    >>> ReadOptions(errors="skip").to_dict()["errors"]
    'skip'
    >>> ReadOptions(format="fasttext").to_dict()  # a model has nothing to skip or choose
    {'format': 'fasttext', 'member': None}

    Attributes:
        format: Optional `"glove"`, `"word2vec"`, `"word2vec-binary"`, `"native"` or
            `"fasttext"` (sniffed from the content when None).
        member: Optional str. The file inside a zip.
        dim: Optional int. The vector size of a GloVe file (inferred by default).
        errors: `"raise"` or `"skip"` (skip bad lines and count them).
        duplicates: `"first"`, `"last"` or `"error"`: which of a repeated word's vectors
            to keep.
    """

    format: str | None = None
    member: str | None = None
    dim: int | None = None
    errors: str = "raise"
    duplicates: str = "first"

    def __post_init__(self) -> None:
        check_policy("errors", self.errors, ERRORS)
        check_policy("duplicates", self.duplicates, DUPLICATES)
        if self.format is not None:
            check_policy("format", self.format, FORMATS)
        if self.member is not None and not isinstance(self.member, str):
            raise TypeError(f"`member` must be a str or None. Received: member={self.member!r}")
        if self.dim is not None and (
            not isinstance(self.dim, int) or isinstance(self.dim, bool) or self.dim < 1
        ):
            raise ValueError(f"`dim` must be a positive integer. Received: dim={self.dim!r}")

    def to_dict(self) -> dict[str, Any]:
        """The fields that change what a load returns (what a cache entry is made with).

        Example:

        >>> sorted(ReadOptions().to_dict())
        ['dim', 'duplicates', 'errors', 'format', 'member']
        """
        if self.format == "fasttext":
            return {"format": self.format, "member": self.member}
        return dataclasses.asdict(self)

    def cleaned(self) -> ReadOptions:
        """These options with the default policies: the load that serves every `errors`
        and `duplicates` policy when the file has nothing to skip.

        Example:

        >>> ReadOptions(errors="skip", duplicates="last").cleaned() == ReadOptions()
        True
        """
        return dataclasses.replace(self, errors="raise", duplicates="first")
