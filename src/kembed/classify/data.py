"""Labelled documents from the layouts people have: a CSV / TSV file with a text and a label
column, one folder per class of `.txt` files, or one file per class with one document a
line (the MR layout). Rows that cannot be read are named by file and line, and either raise
(`errors="raise"`) or are skipped and listed in the `Dataset` (`errors="skip"`); nothing is
dropped silently. No Keras here."""

from __future__ import annotations

import csv
import dataclasses
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kembed._io import head_of, looks_like
from kembed.errors import CorpusError, DataWarning
from kembed.text.corpus import check_encoding

_ERRORS = ("raise", "skip")


@dataclasses.dataclass
class Dataset:
    """Documents and their labels, and what could not be read.

    Example:

    >>> print(Dataset(["a gem", "a dud", "fine"], ["pos", "neg", "pos"], "reviews.csv"))
    reviews.csv: 3 documents (neg 1, pos 2)

    Attributes:
        texts: The documents.
        labels: Their labels (str), aligned with `texts`.
        source: Where they came from.
        skipped: `(location, reason)` of every row or file left out, location being
            `"file, line N"`, `"file, lines N-M"` (a row over several lines) or a file name.
        lines_lost: The lines of the files that the skipped rows held (a row whose quote
            is never closed takes many).
    """

    texts: list[str]
    labels: list[str]
    source: str
    skipped: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    lines_lost: int = 0

    def __len__(self) -> int:
        return len(self.texts)

    def __str__(self) -> str:
        counts: dict[str, int] = {}
        for label in self.labels:
            counts[label] = counts.get(label, 0) + 1
        classes = ", ".join(f"{label} {n:,}" for label, n in sorted(counts.items()))
        text = f"{self.source}: {len(self):,} documents ({classes})"
        if self.skipped:
            shown = "; ".join(f"{where}: {why}" for where, why in self.skipped[:5])
            lines = f" ({self.lines_lost:,} lines)" if self.lines_lost > len(self.skipped) else ""
            text += f"\n  skipped {len(self.skipped):,}{lines}: {shown}"
        return text


def read_dataset(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    text_column: str = "text",
    label_column: str = "label",
    encoding: str = "utf-8",
    errors: str = "raise",
) -> Dataset:
    """Reads labelled documents, choosing the layout from what `paths` is.

    - a `.csv` / `.tsv` file: `read_csv`;
    - a folder holding folders: `read_folders` (one folder per class);
    - several files, or a folder holding files: `read_line_files` (one file per class);
      in a folder, documentation files (README, LICENSE, SOURCE, `.md`, `.rst`) are no
      class: they are left out and listed in `skipped`.

    Example:

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "reviews.csv").write_text("text,label\\ngood film,pos\\nbad,neg\\n")
    >>> read_dataset(folder / "reviews.csv").labels
    ['pos', 'neg']

    Args:
        paths: A path or a list of paths.
        text_column, label_column: The CSV columns.
        encoding: The text encoding of the files.
        errors: `"raise"` (the default) or `"skip"` for rows that cannot be read.

    Returns:
        A `Dataset`.

    Raises:
        CorpusError: if a file cannot be read as asked (with `errors="raise"`), or holds
            no documents.
        FileNotFoundError: if a path does not exist.
    """
    if errors not in _ERRORS:
        raise ValueError(f"`errors` must be one of {_ERRORS}. Received: errors={errors!r}")
    many = not isinstance(paths, (str, os.PathLike))
    paths = [Path(p) for p in paths] if many else [Path(paths)]
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"No such file or folder: {path}")
    if len(paths) == 1 and paths[0].suffix.lower() in (".csv", ".tsv"):
        return read_csv(
            paths[0],
            text_column=text_column,
            label_column=label_column,
            encoding=encoding,
            errors=errors,
        )
    notes = []
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0]
        children = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
        if any(p.is_dir() for p in children):
            return read_folders(folder, encoding=encoding, errors=errors)
        files = [p for p in children if p.is_file()]
        paths = [p for p in files if not _is_documentation(p)]
        notes = [
            (str(p), "a documentation file, not a class (pass the files to read it as one)")
            for p in files
            if p not in paths
        ]
        if not paths:
            raise CorpusError(
                folder,
                None,
                "no documents found: expected one folder per class, or one file per class "
                "(documentation files such as README are no class).",
            )
    dataset = read_line_files(paths, encoding=encoding, errors=errors)
    dataset.skipped[:0] = notes
    return dataset


_DOCUMENTATION = ("readme", "license", "licence", "source", "changelog", "notice")


def _is_documentation(path: Path) -> bool:
    """Whether a file beside one-file-per-class data documents it (README, SOURCE.md, ...)."""
    return path.suffix.lower() in (".md", ".rst") or path.stem.lower() in _DOCUMENTATION


def read_csv(
    path: str | os.PathLike[str],
    *,
    text_column: str = "text",
    label_column: str = "label",
    encoding: str = "utf-8",
    delimiter: str | None = None,
    errors: str = "raise",
) -> Dataset:
    """Reads a CSV (or, for `.tsv` files, tab-separated) file with a header row.

    Quoted fields may hold commas and line breaks. A row with a missing field, an empty
    text or label, a label over several lines, or bytes that are not valid in `encoding`
    cannot be read. A row over several lines that cannot be read (a quote that is never
    closed swallows the rest of the file) is reported with the line where it opened and
    the lines it took, and with `errors="skip"` those lines count in `lines_lost`.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = path.write_text('text,label\\n"good, really",pos\\n"bad\\nand long",neg\\n')
    >>> read_csv(path).texts
    ['good, really', 'bad\\nand long']

    Args:
        path: Path-like. The file.
        text_column, label_column: Column names from the header row.
        encoding: Defaults to `"utf-8"` (a BOM is skipped).
        delimiter: Defaults to a tab for `.tsv` files, else a comma.
        errors: `"raise"` or `"skip"`.

    Returns:
        A `Dataset`.

    Raises:
        CorpusError: if the file is not text, a column does not exist, or a row cannot
            be read and `errors="raise"`.
    """
    path = Path(path)
    check_encoding(encoding)
    _check_text(path)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    dataset = Dataset([], [], str(path))
    csv.field_size_limit(sys.maxsize)
    opened = "utf-8-sig" if utf8 else encoding  # skips a BOM
    with open(path, encoding=opened, errors="surrogateescape", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise CorpusError(path, None, "the file is empty; expected a header row.")
        columns = []
        for name in (text_column, label_column):
            if name not in header:
                raise CorpusError(
                    path,
                    1,
                    f"no column {name!r}; the columns are {header}. Pass text_column= and "
                    "label_column= (--text-column / --label-column) to name them.",
                )
            columns.append(header.index(name))
        start = reader.line_num + 1
        for row in reader:
            problem = None
            if len(row) != len(header):
                problem = f"expected {len(header)} fields, found {len(row)}"
            elif not row[columns[0]].strip() or not row[columns[1]].strip():
                problem = "empty text or label"
            elif "\n" in row[columns[1]]:
                problem = "a label over several lines"
            elif _undecodable(row[columns[0]]) or _undecodable(row[columns[1]]):
                problem = (
                    f"bytes that are not valid {encoding}; pass the file's encoding, e.g. "
                    "encoding='latin-1' (--encoding latin-1)"
                )
            if problem is None:
                dataset.texts.append(row[columns[0]])
                dataset.labels.append(row[columns[1]].strip())
            elif row:  # blank lines are not rows
                end = reader.line_num
                if end > start:
                    problem = (
                        f"a row opens on line {start:,} and runs {end - start + 1:,} lines, to "
                        f"line {end:,}: a quote is probably not closed ({problem})"
                    )
                _problem(dataset, path, (start, end), problem, errors)
            start = reader.line_num + 1
    return _checked(dataset)


def read_folders(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", errors: str = "raise"
) -> Dataset:
    """Reads one folder per class, each holding one `.txt` file per document (the layout
    of `keras.utils.text_dataset_from_directory`); the folder names are the labels.

    Example:

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for label, text in (("pos", "a gem"), ("neg", "a dud")):
    ...     (root / label).mkdir()
    ...     _ = (root / label / "1.txt").write_text(text, encoding="utf-8")
    >>> read_folders(root).labels
    ['neg', 'pos']

    Raises:
        CorpusError: if a file is not valid in `encoding` (with `errors="raise"`), or
            there are no documents.
    """
    path = Path(path)
    check_encoding(encoding)
    dataset = Dataset([], [], str(path))
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for file in sorted(folder.glob("*.txt")):
            try:
                text = file.read_text(encoding=encoding)
            except UnicodeDecodeError as error:
                _problem(dataset, file, None, f"not valid {encoding}: {error.reason}", errors)
                continue
            what = looks_like(text[:4096].encode(encoding, "surrogateescape"))
            if what is not None:
                _problem(dataset, file, None, f"not a text file: it looks like {what}", errors)
                continue
            if not text.strip():
                _problem(dataset, file, None, "empty document", errors)
                continue
            dataset.texts.append(text)
            dataset.labels.append(folder.name)
    return _checked(dataset)


def read_line_files(
    paths: Sequence[str | os.PathLike[str]], *, encoding: str = "utf-8", errors: str = "raise"
) -> Dataset:
    """Reads one file per class with one document a line (only `\\n` ends a line, as in
    MR's Latin-1 files). The labels are the files' suffixes when they differ
    (`rt-polarity.pos`, `rt-polarity.neg`), else their names without suffix.

    Example:

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "rt.pos").write_bytes(b"a gem\\nwarm\\n")
    >>> _ = (root / "rt.neg").write_bytes(b"a dud\\n")
    >>> data = read_line_files([root / "rt.pos", root / "rt.neg"])
    >>> data.labels, len(data)
    (['pos', 'pos', 'neg'], 3)

    Raises:
        CorpusError: if a line is not valid in `encoding` (with `errors="raise"`), or
            there are no documents.
    """
    paths = [Path(p) for p in paths]
    check_encoding(encoding)
    suffixes = {p.suffix for p in paths}
    labels = [p.suffix.lstrip(".") if len(suffixes) == len(paths) else p.stem for p in paths]
    if len(set(labels)) != len(labels):
        raise CorpusError(paths[0], None, f"two files give the same label: {labels}.")
    dataset = Dataset([], [], ", ".join(str(p) for p in paths))
    for path, label in zip(paths, labels, strict=True):
        _check_text(path)
        with open(path, "rb") as f:
            data = f.read()
        for number, line in enumerate(data.split(b"\n"), 1):
            try:
                text = line.decode(encoding)
            except UnicodeDecodeError as error:
                _problem(dataset, path, number, f"not valid {encoding}: {error.reason}", errors)
                continue
            if text.strip():
                dataset.texts.append(text)
                dataset.labels.append(label)
    return _checked(dataset)


def stratified_folds(labels: Sequence, k: int, *, seed: int = 0) -> list[np.ndarray]:
    """`k` folds of indices for cross-validation: each class shuffled (seeded) and dealt
    round-robin, so every fold holds each class in the same proportion.

    Example:

    >>> [f.tolist() for f in stratified_folds(["a", "a", "b", "b"], 2)]
    [[0, 2], [1, 3]]

    Raises:
        ValueError: if `k` is below 2 or above the number of documents of the smallest
            class (a fold would miss that class, or hold no documents).
    """
    y = np.asarray(labels)
    classes, sizes = np.unique(y, return_counts=True) if len(y) else ([], [0])
    smallest = int(np.min(sizes))
    if not isinstance(k, int) or isinstance(k, bool) or not 2 <= k <= smallest:
        rare = f" (class {str(classes[int(np.argmin(sizes))])!r})" if len(classes) else ""
        raise ValueError(
            f"`k` must be an integer from 2 to the number of documents of the smallest "
            f"class, {smallest:,}{rare}, so that every fold holds every class. "
            f"Received: k={k!r}. Use fewer folds (--folds)."
        )
    rng = np.random.default_rng(seed)
    assignment = np.empty(len(y), dtype=int)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        assignment[members] = np.arange(len(members)) % k
    return [np.flatnonzero(assignment == fold) for fold in range(k)]


def _undecodable(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text) if not text.isascii() else False


def _check_text(path: Path) -> None:
    what = looks_like(head_of(path))
    if what is not None:
        raise CorpusError(path, None, f"this is not a text file: it looks like {what}.")


def _problem(
    dataset: Dataset, path: Path, line: int | tuple[int, int] | None, problem: str, errors: str
) -> None:
    """Raises, or records a row left out; `line` is a row's first and last line."""
    first, last = line if isinstance(line, tuple) else (line, line)
    if errors == "raise":
        raise CorpusError(path, first, f"{problem}. Pass errors='skip' to skip and list it.")
    if first is None:
        where = str(path)
    else:
        where = f"{path}, line {first:,}" if first == last else f"{path}, lines {first:,}-{last:,}"
    dataset.skipped.append((where, problem))
    dataset.lines_lost += 1 if first is None else last - first + 1


# How a missing value is written by pandas, R, spreadsheets and databases.
_MISSING = frozenset({"nan", "na", "n/a", "null", "none", "nil", "#n/a"})


def _checked(dataset: Dataset) -> Dataset:
    if not dataset.texts:
        raise CorpusError(dataset.source, None, "no documents found.")
    missing = sorted({label for label in set(dataset.labels) if label.lower() in _MISSING})
    if missing:
        count = sum(label in missing for label in dataset.labels)
        warnings.warn(
            f"{dataset.source}: {count:,} documents have the label {missing[0]!r}, how a "
            "missing value is written; it is kept as a class. Drop those rows or fill "
            "in their labels if that is not meant.",
            DataWarning,
            stacklevel=3,
        )
    return dataset
