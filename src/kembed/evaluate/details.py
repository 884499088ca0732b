"""What lies behind an evaluation score: the word pairs the vectors rank farthest from
people (`worst_pairs`) and the analogy questions they answer wrong (`failed_analogies`).
Metrics on loaded data, like `metrics`; numpy and scipy, no file reading.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kembed.evaluate.readers import Analogies, WordPairs
from kembed.vectors import Vectors


class PairGap(NamedTuple):
    """A word pair, its human score, the vectors' cosine and how far apart the two rank
    it (`gap`: the difference of the two ranks as a share of the pairs, 0 to 1)."""

    word1: str
    word2: str
    human: float
    cosine: float
    gap: float


class FailedAnalogy(NamedTuple):
    """An analogy question `a : b :: c : expected` answered with `answer`."""

    section: str
    a: str
    b: str
    c: str
    expected: str
    answer: str


def worst_pairs(vectors: Vectors, pairs: WordPairs, *, n: int = 20) -> list[PairGap]:
    """The `n` pairs whose rank by cosine is farthest from their rank by human score
    (pairs with a word missing from `vectors`, in any case, are left out).

    Example:

    >>> v = Vectors(["cat", "dog", "car"], np.array([[1, 0], [0.9, 0.2], [0, 1]], "float32"))
    >>> pairs = WordPairs("toy", [("cat", "dog"), ("cat", "car"), ("dog", "car")],
    ...                   np.array([1.0, 9.0, 2.0]))
    >>> worst_pairs(v, pairs, n=1)[0][:2]
    ('cat', 'dog')
    """
    from scipy.stats import rankdata

    known, rows = [], []
    for k, (a, b) in enumerate(pairs.pairs):
        ia, ib = _row(vectors, a), _row(vectors, b)
        if ia is not None and ib is not None:
            known.append(k)
            rows.append((ia, ib))
    if not known:
        return []
    index = np.array(rows, dtype=np.int64)
    unit = vectors.unit
    cosine = np.einsum("ij,ij->i", unit[index[:, 0]], unit[index[:, 1]])
    human = pairs.scores[known]
    gap = np.abs(rankdata(cosine) - rankdata(human)) / len(known)
    order = np.argsort(-gap, kind="stable")[:n]
    return [
        PairGap(*pairs.pairs[known[i]], float(human[i]), float(cosine[i]), float(gap[i]))
        for i in order
    ]


def failed_analogies(
    vectors: Vectors,
    analogies: Analogies,
    *,
    n: int = 50,
    method: str = "3cosadd",
    restrict_vocab: int | None = 300_000,
) -> list[FailedAnalogy]:
    """The first `n` questions (in file order) whose best answer is not the expected
    word. Questions with a word outside the first `restrict_vocab` rows (in any case) are
    left out, as the score leaves them out.

    Example:

    >>> v = Vectors(["man", "king", "woman", "queen", "prince"],
    ...             np.array([[1, 0], [1, 1], [0, 1], [0.1, 2], [1, 1.1]], "float32"))
    >>> questions = Analogies("toy", [("royal", [("man", "king", "woman", "prince")])])
    >>> failed_analogies(v, questions)[0].answer
    'queen'
    """
    limit = vectors.searched_rows(restrict_vocab)
    asked, rows = [], []
    for section, questions in analogies.sections:
        for question in questions:
            found = [_row(vectors, word) for word in question]
            if all(r is not None and r < limit for r in found):
                asked.append((section, question))
                rows.append(found)
    if not rows:
        return []
    index = np.array(rows, dtype=np.int64)
    best, _ = vectors.analogy_rows(
        index[:, 0], index[:, 1], index[:, 2], method=method, topn=1, restrict_vocab=limit
    )
    failed = []
    for (section, (a, b, c, expected)), expected_row, answer in zip(
        asked, index[:, 3], best[:, 0], strict=True
    ):
        if answer != expected_row:
            failed.append(FailedAnalogy(section, a, b, c, expected, vectors.index_to_key[answer]))
            if len(failed) == n:
                break
    return failed


def _row(vectors: Vectors, word: str) -> int | None:
    """The row of `word`, else of its lower-case form (the sets mix cases)."""
    index = vectors.key_to_index
    found = index.get(word)
    return index.get(word.lower()) if found is None else found
