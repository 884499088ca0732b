"""`CoverageReport`: how much of a tokenizer's vocabulary an embedding matrix found in a
set of pretrained vectors, by which lookup rule, and what was left out. No I/O, no Keras."""

from __future__ import annotations

import dataclasses

_TOP_MISSING = 10


@dataclasses.dataclass
class CoverageReport:
    """What `embedding_matrix` found.

    Attributes:
        rows: Rows of the matrix (padding row 0 included).
        dim: Vector size.
        num_words: Words that have a row (the OOV token excluded).
        found: Words found, by lookup rule (`"exact"`, `"lower"`, `"capitalize"`,
            `"upper"`), in the order the rules were tried.
        missing: The words with a row but no vector, most frequent first (index order
            when no counts were given).
        missing_counts: Their token counts, aligned with `missing` (empty without counts).
        tokens: Tokens of the words with a row (None without counts).
        tokens_found: Tokens of the words found (None without counts).
        tokens_beyond: Tokens of words whose id is `num_words` or more: they get no row
            (the Tokenizer drops them or maps them to the OOV token).
        words_beyond: Words whose id is `num_words` or more.
        oov_row: The row of the OOV token, if there is one.
        unused_rows: Rows no word maps to (gaps in the ids, or `num_words` past the largest
            id), padding excluded; they stay zero.
        oov: How the rows without a vector were filled (`"zeros"`, `"random"`, `"mean"`).
        trainable_rows: Rows that learn (set by `pretrained_embedding(train_missing=True)`).

    Example:

    >>> import numpy as np
    >>> from kembed import Vectors, embedding_matrix
    >>> vectors = Vectors(["the", "cat"], np.eye(2, dtype="float32"))
    >>> _, report = embedding_matrix(vectors, {"the": 1, "Cat": 2, "zyx": 3})
    >>> report.found, report.missing, report.word_coverage
    ({'exact': 1, 'lower': 1, 'capitalize': 0, 'upper': 0}, ['zyx'], 0.6666666666666666)
    """

    rows: int
    dim: int
    num_words: int
    found: dict[str, int]
    missing: list[str]
    missing_counts: list[int]
    tokens: int | None
    tokens_found: int | None
    tokens_beyond: int | None
    words_beyond: int
    oov_row: int | None
    unused_rows: int
    oov: str
    trainable_rows: int | None = None

    @property
    def num_found(self) -> int:
        """Words found by any rule."""
        return sum(self.found.values())

    @property
    def word_coverage(self) -> float:
        """The fraction of words with a row that have a vector (0.0 when there are none)."""
        return self.num_found / self.num_words if self.num_words else 0.0

    @property
    def token_coverage(self) -> float | None:
        """The fraction of all counted tokens whose word has a row and a vector (tokens of
        words beyond `num_words` count as not covered). None without counts."""
        if self.tokens is None:
            return None
        total = self.tokens + (self.tokens_beyond or 0)
        return self.tokens_found / total if total else 0.0

    def top_missing(self, n: int = _TOP_MISSING) -> list[tuple[str, int | None]]:
        """The `n` most frequent missing words with their counts (None without counts).

        Example:

        >>> import numpy as np
        >>> from kembed import Vectors, embedding_matrix
        >>> vectors = Vectors(["the"], np.ones((1, 2), "float32"))
        >>> _, report = embedding_matrix(vectors, {"the": 1, "zyx": 2, "qqq": 3})
        >>> report.top_missing(1)
        [('zyx', None)]
        """
        counts = self.missing_counts or [None] * len(self.missing)
        return list(zip(self.missing[:n], counts[:n], strict=False))

    def __str__(self) -> str:
        special = "row 0 padding" + (f", row {self.oov_row} OOV" if self.oov_row else "")
        lines = [
            f"Embedding matrix: {self.rows:,} rows x {self.dim} ({special})",
            f"  words with a row {self.num_words:>10,}",
            f"  found            {self.num_found:>10,}  {_percent(self.word_coverage)} of words"
            + (
                f", {_percent(self.token_coverage)} of tokens"
                if self.token_coverage is not None
                else ""
            ),
        ]
        lines += [f"    {rule:<14} {n:>10,}" for rule, n in self.found.items()]
        lines.append(f"  missing          {len(self.missing):>10,}  filled with oov={self.oov!r}")
        if self.words_beyond:
            lines.append(f"  beyond num_words {self.words_beyond:>10,}  (no row)")
        if self.unused_rows:
            lines.append(f"  unused rows      {self.unused_rows:>10,}  (no word maps to them)")
        if self.trainable_rows is not None:
            lines.append(f"  trainable rows   {self.trainable_rows:>10,}")
        if self.missing:
            shown = ", ".join(
                word if count is None else f"{word} ({count:,})"
                for word, count in self.top_missing()
            )
            lines.append(f"  most frequent missing: {shown}")
        return "\n".join(lines)


def _percent(fraction: float) -> str:
    return f"{100 * fraction:5.1f} %"
