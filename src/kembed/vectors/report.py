"""`LoadReport`: what a vector load read, kept and skipped, and why. No I/O here."""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class LoadReport:
    """What one load of a vector source did.

    Attributes:
        source: The file (or `archive.zip:member`, or a named source).
        format: `"glove"`, `"word2vec"` (text with a header), `"word2vec-binary"` or
            `"native"`.
        lines_read: Lines (records, for binary files) read, the header excluded.
        vectors_kept: Rows in the loaded matrix.
        skipped: Lines skipped, by reason (`"blank line"`, `"too few fields"`,
            `"empty word"`, `"bad number"`, `"nan or inf"`, `"duplicate word"`,
            `"not in vocab"`, `"past limit"`).
        invalid_utf8: Words that are not valid UTF-8, kept losslessly (surrogate escapes).
        header_count: The count in the file's header line, if it has one.
        from_cache: True when the vectors came from kembed's cache.

    Example:

    >>> import pathlib, tempfile
    >>> from kembed import Vectors
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.txt"
    >>> _ = path.write_text("the 0.1 0.2\\nthe 0.3 0.4\\ncat 0.5 0.6\\n", encoding="utf-8")
    >>> report = Vectors.load(path, cache=False).report
    >>> report.lines_read, report.vectors_kept, report.skipped
    (3, 2, {'duplicate word': 1})
    """

    source: str
    format: str
    lines_read: int = 0
    vectors_kept: int = 0
    skipped: dict[str, int] = dataclasses.field(default_factory=dict)
    invalid_utf8: int = 0
    header_count: int | None = None
    from_cache: bool = False

    def skip(self, reason: str, count: int = 1) -> None:
        """Counts `count` lines skipped for `reason`.

        Example:

        >>> report = LoadReport("tiny.txt", "glove")
        >>> report.skip("bad number", 2)
        >>> report.skipped
        {'bad number': 2}
        """
        if count:
            self.skipped[reason] = self.skipped.get(reason, 0) + int(count)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what a native header holds).

        Example:

        >>> LoadReport("tiny.txt", "glove", lines_read=2, vectors_kept=2).to_dict()["vectors_kept"]
        2
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LoadReport:
        """The report saved by `to_dict` (in a native header).

        Example:

        >>> report = LoadReport("tiny.txt", "glove", lines_read=3, vectors_kept=3)
        >>> LoadReport.from_dict(report.to_dict()) == report
        True

        Raises:
            ValueError: if `data` is not such a report (a field of the wrong type).
        """
        if not isinstance(data, dict):
            raise ValueError(f"A load report must be a dict. Received: {type(data).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        report = cls(**{k: v for k, v in data.items() if k in names})
        counts = (report.lines_read, report.vectors_kept, report.invalid_utf8)
        well_typed = (
            isinstance(report.source, str)
            and isinstance(report.format, str)
            and all(type(n) is int for n in counts)
            and (report.header_count is None or type(report.header_count) is int)
            and isinstance(report.from_cache, bool)
            and isinstance(report.skipped, dict)
            and all(isinstance(k, str) and type(n) is int for k, n in report.skipped.items())
        )
        if not well_typed:
            raise ValueError(f"Not a load report: {str(data)[:80]}")
        return report

    def __str__(self) -> str:
        lines = [
            f"{self.source} ({self.format}{', from cache' if self.from_cache else ''})",
            f"  lines read     {self.lines_read:>12,}",
            f"  vectors kept   {self.vectors_kept:>12,}",
        ]
        lines += [f"  skipped: {reason:<16}{n:>7,}" for reason, n in self.skipped.items()]
        if self.invalid_utf8:
            lines.append(f"  invalid UTF-8 words kept {self.invalid_utf8:,}")
        if self.header_count is not None and self.header_count != self.lines_read:
            lines.append(f"  header said {self.header_count:,} vectors")
        return "\n".join(lines)
