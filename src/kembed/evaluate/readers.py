"""The readers of word-similarity and word-analogy benchmark files: `WordPairs` and
`Analogies`, what they hold, and `is_analogy_file` to tell them apart. Lines that are no
pair or question are skipped and listed; a file that is not text, or not valid in its
encoding, raises `CorpusError` naming it. No metrics here; no Keras.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from kembed._io import head_of, looks_like
from kembed.errors import CorpusError


@dataclass(frozen=True)
class WordPairs:
    """Word pairs with a human similarity score (WS-353, SimLex-999, MEN, ...).

    Example:

    >>> pairs = WordPairs("toy", [("cat", "dog")], np.array([8.5]))
    >>> pairs.pairs[0], float(pairs.scores[0])
    (('cat', 'dog'), 8.5)
    """

    name: str
    pairs: list[tuple[str, str]]
    scores: np.ndarray
    skipped: list[int] = field(default_factory=list)  # line numbers that were not pairs


@dataclass(frozen=True)
class Analogies:
    """Analogy questions `a : b :: c : d` in named sections.

    Example:

    >>> questions = Analogies("toy", [("capitals", [("paris", "france", "rome", "italy")])])
    >>> questions.sections[0][0]
    'capitals'
    """

    name: str
    sections: list[tuple[str, list[tuple[str, str, str, str]]]]
    skipped: list[int] = field(default_factory=list)


def read_word_pairs(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> WordPairs:
    """Reads a word-similarity file: `word1<TAB>word2<TAB>score` a line (`#` comments).

    Lines that do not split into two words and a number are skipped and listed in
    `skipped` (gensim skips them too); the results count them.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pairs.txt"
    >>> _ = path.write_text("# toy\\ncat\\tdog\\t8.5\\nno score here\\n", encoding="utf-8")
    >>> pairs = read_word_pairs(path)
    >>> pairs.pairs, pairs.skipped
    ([('cat', 'dog')], [3])

    Raises:
        CorpusError: if the file is not text or not valid in `encoding`, or no line
            holds a pair.
    """
    pairs, scores, skipped = [], [], []
    with _text(path, encoding) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            try:
                a, b, score = fields
                scores.append(float(score))
            except ValueError:
                skipped.append(number)
                continue
            pairs.append((a, b))
    if not pairs:
        raise CorpusError(path, None, "no line holds 'word1<TAB>word2<TAB>score'.")
    return WordPairs(_name(path), pairs, np.array(scores, dtype=np.float64), skipped)


def read_analogies(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> Analogies:
    """Reads analogy questions: word2vec's `questions-words.txt` layout (`: section`
    lines, then `a b c d`) or MSR's CSV (`,type,word1,word2,word3,target`; sections by
    type). Questions before any section line (a file of bare `a b c d` lines) form a
    section named after the file. Lines that do not hold four words are skipped and
    listed in `skipped`; the results count them.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "questions.txt"
    >>> _ = path.write_text(": capitals\\nparis france rome italy\\n", encoding="utf-8")
    >>> read_analogies(path).sections
    [('capitals', [('paris', 'france', 'rome', 'italy')])]

    Raises:
        CorpusError: if the file is not text or not valid in `encoding`, or holds no
            questions.
    """
    sections, skipped = [], []
    with _text(path, encoding, newline="") as f:
        first = f.readline()
        f.seek(0)
        if first.rstrip("\r\n").split(",")[1:] == ["type", "word1", "word2", "word3", "target"]:
            grouped: dict[str, list] = {}
            for number, row in enumerate(csv.reader(f), start=1):
                if number == 1:
                    continue
                if len(row) != 6 or not all(row[2:]):
                    skipped.append(number)
                    continue
                grouped.setdefault(row[1], []).append(tuple(row[2:]))
            sections = list(grouped.items())
        else:
            for number, line in enumerate(f, start=1):
                if line.startswith(": "):
                    sections.append((line.lstrip(": ").strip(), []))
                    continue
                if not line.strip() or line.startswith("#"):
                    continue
                words = line.split()
                if len(words) != 4:
                    skipped.append(number)
                    continue
                if not sections:
                    sections.append((_name(path), []))
                sections[-1][1].append(tuple(words))
    if not any(questions for _, questions in sections):
        raise CorpusError(path, None, "no analogy questions ('a b c d' lines) found.")
    return Analogies(_name(path), sections, skipped)


def is_analogy_file(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> bool:
    """Whether a benchmark file holds analogies (a `: section` line, MSR's header, or
    four words separated by spaces) rather than word pairs (two words and a score,
    separated by tabs), judged from its first line that is no comment.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "q.txt").write_text("paris france rome italy\\n", encoding="utf-8")
    >>> _ = (folder / "p.txt").write_text("cat\\tdog\\t8.5\\n", encoding="utf-8")
    >>> is_analogy_file(folder / "q.txt"), is_analogy_file(folder / "p.txt")
    (True, False)
    """
    with open(path, encoding=encoding, errors="replace") as f:
        first = next((line for line in f if line.strip() and not line.startswith("#")), "")
    if first.startswith((": ", ",type,word1,word2,word3,target")):
        return True
    fields = first.split()
    return "\t" not in first and len(fields) == 4 and not _is_number(fields[-1])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def _text(path, encoding: str, newline: str | None = None) -> Iterator[IO[str]]:
    """Opens a benchmark file for reading text; a file that is not text, or not valid in
    `encoding`, raises `CorpusError` naming it."""
    what = looks_like(head_of(path))
    if what is not None:
        raise CorpusError(path, None, f"this is not a text file: it looks like {what}.")
    try:
        with open(path, encoding=encoding, newline=newline) as f:
            yield f
    except UnicodeDecodeError as error:
        raise CorpusError(
            path,
            None,
            f"not valid {encoding} ({error.reason}). Pass the file's encoding "
            "(encoding='latin-1').",
        ) from None


def _name(path) -> str:
    return os.path.splitext(os.path.basename(os.fspath(path)))[0]
