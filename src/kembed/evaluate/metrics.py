"""Intrinsic evaluation of word vectors: word-pair similarity (Spearman and Pearson
against human judgements) and analogies (3CosAdd, 3CosMul), with the protocol and the
numbers of gensim's `evaluate_word_pairs` / `evaluate_word_analogies`, batched into matrix
products. The metrics take what `kembed.evaluate.readers` read (never a path) and return
result objects. numpy and scipy; no Keras.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np

from kembed.evaluate.readers import Analogies, WordPairs
from kembed.vectors.search import METHODS
from kembed.vectors.store import Vectors

GENSIM_TOPN = 5  # gensim looks at the 5 best answers for one not a case variant of a query


@dataclass(frozen=True)
class PairsResult:
    """How well the vectors' cosine similarities rank the word pairs like people do.

    Example:

    >>> result = PairsResult("toy", spearman=0.5, pearson=0.4, pairs=3, oov=1, oov_ratio=25.0)
    >>> print(result)
    toy: Spearman 0.5000, Pearson 0.4000 (3 pairs, 1 with unknown words: 25.0 %)
    """

    name: str
    spearman: float
    pearson: float
    pairs: int  # pairs scored
    oov: int  # pairs with an unknown word
    oov_ratio: float  # percent, as gensim computes it
    skipped_lines: int = 0  # lines of the file that held no pair

    def to_dict(self) -> dict:
        """The result as JSON-ready data (`kembed evaluate --json`).

        Example:

        >>> PairsResult("toy", 0.5, 0.4, 3, 1, 25.0).to_dict()["kind"]
        'word-pairs'
        """
        return {"kind": "word-pairs", **dataclasses.asdict(self)}

    def __str__(self) -> str:
        skipped = f"; {self.skipped_lines:,} lines skipped" if self.skipped_lines else ""
        return (
            f"{self.name}: Spearman {self.spearman:.4f}, Pearson {self.pearson:.4f} "
            f"({self.pairs:,} pairs, {self.oov:,} with unknown words: {self.oov_ratio:.1f} %"
            f"{skipped})"
        )


@dataclass(frozen=True)
class AnalogyResult:
    """Analogy accuracy, by section and in total.

    Example:

    >>> result = AnalogyResult("toy", "3cosadd", [("capitals", 3, 1), ("plural", 1, 1)], 0, 6)
    >>> result.accuracy, result.correct, result.incorrect
    (0.6666666666666666, 4, 2)
    """

    name: str
    method: str
    sections: list[tuple[str, int, int]]  # (name, correct, incorrect)
    oov: int  # questions with an unknown word
    questions: int  # questions read
    skipped_lines: int = 0  # lines of the file that held no question

    @property
    def correct(self) -> int:
        return sum(c for _, c, _ in self.sections)

    @property
    def incorrect(self) -> int:
        return sum(i for _, _, i in self.sections)

    @property
    def accuracy(self) -> float:
        """Correct over answered (gensim's score); 0 if nothing was answered."""
        answered = self.correct + self.incorrect
        return self.correct / answered if answered else 0.0

    @property
    def oov_ratio(self) -> float:
        return 100 * self.oov / self.questions if self.questions else 0.0

    def section_accuracy(self, name: str) -> float:
        """The accuracy of one section (0 if none of its questions was answered).

        Example:

        >>> result = AnalogyResult("toy", "3cosadd", [("capitals", 3, 1)], 0, 4)
        >>> result.section_accuracy("capitals")
        0.75

        Raises:
            KeyError: if there is no section `name`.
        """
        for section, correct, incorrect in self.sections:
            if section == name:
                return correct / (correct + incorrect) if correct + incorrect else 0.0
        raise KeyError(name)

    def to_dict(self) -> dict:
        """The result as JSON-ready data (`kembed evaluate --json`).

        Example:

        >>> AnalogyResult("toy", "3cosadd", [("capitals", 3, 1)], 0, 4).to_dict()["accuracy"]
        0.75
        """
        return {
            "kind": "analogies",
            "name": self.name,
            "method": self.method,
            "accuracy": self.accuracy,
            "correct": self.correct,
            "incorrect": self.incorrect,
            "oov": self.oov,
            "questions": self.questions,
            "skipped_lines": self.skipped_lines,
            "sections": [
                {"section": name, "correct": correct, "incorrect": incorrect}
                for name, correct, incorrect in self.sections
            ],
        }

    def __str__(self) -> str:
        answered = self.correct + self.incorrect
        lines = [
            f"{self.name} ({self.method}): {self.accuracy:.2%} of {answered:,} questions; "
            f"{self.oov:,} of {self.questions:,} skipped for unknown words"
            + (f"; {self.skipped_lines:,} lines skipped" if self.skipped_lines else "")
        ]
        for section, correct, incorrect in self.sections:
            total = correct + incorrect
            share = f"{correct / total:7.2%}" if total else "      -"
            lines.append(f"  {section:<32}{share}  ({correct:,} / {total:,})")
        return "\n".join(lines)


def _vocabulary(
    vectors: Vectors, restrict_vocab: int | None, case_insensitive: bool
) -> tuple[dict[str, int], int]:
    """gensim's `ok_vocab` (word, upper-cased -> row, among the first `restrict_vocab`
    rows; of several case variants the first, most frequent, row wins) and that limit."""
    limit = vectors.searched_rows(restrict_vocab)
    words = vectors.index_to_key[:limit]
    if case_insensitive:
        return {word.upper(): i for i, word in reversed(list(enumerate(words)))}, limit
    return {word: i for i, word in enumerate(words)}, limit


def evaluate_word_pairs(
    vectors: Vectors,
    pairs: WordPairs,
    *,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    dummy4unknown: bool = False,
) -> PairsResult:
    """Spearman and Pearson correlation between the vectors' cosine similarities and the
    human scores of word pairs, as gensim's `evaluate_word_pairs` computes them.

    Example:

    >>> v = Vectors(["cat", "dog", "car"], np.array([[1, 0], [0.9, 0.2], [0, 1]], "float32"))
    >>> pairs = WordPairs("toy", [("cat", "dog"), ("cat", "car"), ("dog", "car")],
    ...                   np.array([9.0, 1.0, 2.0]))
    >>> evaluate_word_pairs(v, pairs).spearman
    1.0

    Args:
        vectors: The vectors.
        pairs: `WordPairs` (`read_word_pairs` reads them from a file).
        restrict_vocab: Only the first `restrict_vocab` rows count as known (`None`: all).
        case_insensitive: Compare words upper-cased (the first case variant wins).
        dummy4unknown: Score pairs with an unknown word 0 instead of skipping them.

    Returns:
        A `PairsResult`.

    Raises:
        ValueError: if no pair has both words known.
    """
    from scipy import stats

    known, _ = _vocabulary(vectors, restrict_vocab, case_insensitive)
    norm = str.upper if case_insensitive else str
    rows = np.array([[known.get(norm(a), -1), known.get(norm(b), -1)] for a, b in pairs.pairs])
    found = (rows >= 0).all(axis=1)
    unit = vectors.unit
    model = np.zeros(len(rows), dtype=np.float64)
    model[found] = np.einsum("ij,ij->i", unit[rows[found, 0]], unit[rows[found, 1]])
    keep = np.ones(len(rows), bool) if dummy4unknown else found
    oov = int((~found).sum())
    if not found.any():
        raise ValueError(
            f"None of the {len(rows):,} pairs of {pairs.name} has both words among the "
            f"vectors' first {len(known):,} words: check the file and restrict_vocab."
        )
    gold, scored = pairs.scores[keep], model[keep]
    with warnings.catch_warnings():
        # Too few pairs, or constant scores: no correlation, NaN (JSON: null).
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        spearman = stats.spearmanr(gold, scored).statistic if len(gold) > 1 else np.nan
        pearson = stats.pearsonr(gold, scored).statistic if len(gold) > 1 else np.nan
    ratio = 100 * oov / (len(gold) if dummy4unknown else len(gold) + oov)
    return PairsResult(
        pairs.name,
        float(spearman),
        float(pearson),
        int(keep.sum()),
        oov,
        ratio,
        len(pairs.skipped),
    )


def evaluate_analogies(
    vectors: Vectors,
    analogies: Analogies,
    *,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
    method: str = "3cosadd",
    dummy4unknown: bool = False,
) -> AnalogyResult:
    """Accuracy on analogy questions `a : b :: c : ?`, as gensim's
    `evaluate_word_analogies` computes it: the answer is the best word among the first
    `restrict_vocab` that is not (a case variant of) `a`, `b` or `c`; questions with an
    unknown word are skipped (or, with `dummy4unknown`, counted wrong). All questions are
    answered together, in blocks of matrix products.

    Example:

    >>> v = Vectors(["man", "king", "woman", "queen"],
    ...             np.array([[1, 0], [1, 1], [0, 1], [0.1, 2]], "float32"))
    >>> questions = Analogies("toy", [("royal", [("man", "king", "woman", "queen")])])
    >>> evaluate_analogies(v, questions).accuracy
    1.0

    Args:
        vectors: The vectors.
        analogies: `Analogies` (`read_analogies` reads them from a file).
        restrict_vocab: Search and know only the first `restrict_vocab` rows (`None`: all).
        case_insensitive: Compare words upper-cased (the first case variant wins).
        method: `"3cosadd"` (gensim's) or `"3cosmul"` (Levy & Goldberg 2014).
        dummy4unknown: Count questions with an unknown word as wrong.

    Returns:
        An `AnalogyResult`.
    """
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}. Received: method={method!r}")
    known, limit = _vocabulary(vectors, restrict_vocab, case_insensitive)
    norm = str.upper if case_insensitive else str
    questions = [q for _, section in analogies.sections for q in section]
    keys = np.array([[known.get(norm(w), -1) for w in q] for q in questions]).reshape(-1, 4)
    found = (keys >= 0).all(axis=1)
    right = np.zeros(len(questions), bool)
    if found.any():
        ia, ib, ic, _ = keys[found].T
        topn = GENSIM_TOPN if case_insensitive else 1
        best, _ = vectors.analogy_rows(ia, ib, ic, method=method, topn=topn, restrict_vocab=limit)
        words, rows = vectors.index_to_key, np.flatnonzero(found)
        for candidates, query in zip(best, rows, strict=True):
            ignore = {norm(w) for w in questions[query][:3]}
            predicted = None  # gensim's rule: the first candidate not a query word
            for index in candidates:
                predicted = norm(words[index])
                if predicted not in ignore:
                    break
            right[query] = predicted == norm(questions[query][3])
    counted = np.ones(len(questions), bool) if dummy4unknown else found
    sections, start = [], 0
    for name, section in analogies.sections:
        stop = start + len(section)
        correct = int(right[start:stop].sum())
        sections.append((name, correct, int(counted[start:stop].sum()) - correct))
        start = stop
    return AnalogyResult(
        analogies.name,
        method,
        sections,
        int((~found).sum()),
        len(questions),
        len(analogies.skipped),
    )
