"""Queries a person types about a vector space: an expression of words (`king - man + woman`)
answered with its nearest words by 3CosAdd or 3CosMul, completion of a prefix over the
vocabulary, and the closest spellings of an unknown word. numpy and the standard library;
no Keras, no file paths.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

import numpy as np

from kembed.vectors import Neighbor, Vectors

METHODS = ("3cosadd", "3cosmul")
_EPSILON = 1e-6  # 3CosMul's guard against a zero denominator (Levy & Goldberg 2014)
_OPERATOR = re.compile(r"^([+-])(.+)$")


@dataclass(frozen=True)
class Expression:
    """Words to add (`positive`) and to subtract (`negative`).

    Example:

    >>> parse_expression("king - man + woman")
    Expression(positive=('king', 'woman'), negative=('man',))
    """

    positive: tuple[str, ...]
    negative: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """Every word of the expression, positive ones first."""
        return self.positive + self.negative


def parse_expression(text: str, vocabulary: Vectors | None = None) -> Expression:
    """Reads `word`, `a - b + c` or `a -b +c` into an `Expression`.

    Operators are `+` and `-` standing alone or in front of a word; a word that starts
    with `-` or `+` and is in `vocabulary` stays whole, and so does a whole query that is
    a word of `vocabulary` (`-`, `--`, or a word with spaces). Words next to each other
    are all added (`new york` is the mean of both).

    Example:

    >>> parse_expression("paris -france +italy")
    Expression(positive=('paris', 'italy'), negative=('france',))

    Args:
        text: The expression.
        vocabulary: Optional `Vectors` whose words are never split at a leading sign.

    Returns:
        The `Expression`.

    Raises:
        ValueError: if there is no word, an operator has no word after it, or the first
            word is subtracted with nothing to subtract it from.
    """
    if vocabulary is not None and text.strip() in vocabulary:
        return Expression((text.strip(),), ())
    positive: list[str] = []
    negative: list[str] = []
    sign = "+"
    pending = False
    for token in text.split():
        if token in ("+", "-"):
            if pending:
                raise ValueError(f"Expected a word after {sign!r} in {text!r}.")
            sign, pending = token, True
            continue
        match = _OPERATOR.match(token)
        if match and not (vocabulary is not None and token in vocabulary):
            if pending:
                raise ValueError(f"Expected a word after {sign!r} in {text!r}.")
            sign, token = match.groups()
        (positive if sign == "+" else negative).append(token)
        sign, pending = "+", False
    if pending:
        raise ValueError(f"Expected a word after {sign!r} in {text!r}.")
    if not positive and not negative:
        raise ValueError("The query is empty: type a word or an expression like a - b + c.")
    if not positive:
        raise ValueError(f"Nothing to subtract from in {text!r}: start with a word to add.")
    return Expression(tuple(positive), tuple(negative))


def nearest(
    vectors: Vectors, expression: Expression, *, method: str = "3cosadd", topn: int = 10
) -> list[Neighbor]:
    """The words nearest to an expression, its own words excluded.

    `"3cosadd"` ranks by the cosine with the mean of the unit vectors (added minus
    subtracted), as gensim's `most_similar`; `"3cosmul"` by the product of the added
    words' shifted cosines over that of the subtracted ones (gensim's
    `most_similar_cosmul`). For one word both give its nearest neighbours by cosine
    (3CosMul's scores are then `(1 + cos) / 2`).

    Example:

    >>> v = Vectors(["man", "king", "woman", "queen"],
    ...             np.array([[1, 0], [1, 1], [0, 1], [0.1, 2]], "float32"))
    >>> nearest(v, parse_expression("king - man + woman"), topn=1)[0].word
    'queen'

    Args:
        vectors: The `Vectors` to search.
        expression: What `parse_expression` returns.
        method: `"3cosadd"` or `"3cosmul"`.
        topn: How many words.

    Returns:
        A list of `Neighbor(word, score)`, best first.

    Raises:
        KeyError: naming the first word that is not in `vectors`.
        ValueError: for an unknown `method` or a `topn` that is not a positive integer.
    """
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}. Received: method={method!r}")
    if method == "3cosadd":
        return vectors.most_similar(
            list(expression.positive), list(expression.negative), topn=topn
        )
    if not isinstance(topn, int) or isinstance(topn, bool) or topn < 1:
        raise ValueError(f"`topn` must be a positive integer. Received: topn={topn!r}")
    words = list(expression.words)
    units = vectors.unit_lookup(words)  # words outside the table from their n-grams
    rows = [vectors.key_to_index[w] for w in words if w in vectors]
    shifted = (vectors.unit @ units.T + 1) / 2  # (words, query words)
    split = len(expression.positive)
    scores = shifted[:, :split].prod(axis=1) / (shifted[:, split:].prod(axis=1) + _EPSILON)
    scores[rows] = -np.inf
    best = np.argsort(-scores, kind="stable")[:topn]
    return [
        Neighbor(vectors.index_to_key[i], float(scores[i])) for i in best if scores[i] > -np.inf
    ]


class WordFinder:
    """Finds words of a vocabulary by prefix (completion) and by spelling (suggestions for
    a word that is not there). Build it once per vocabulary: it sorts the words.

    Example:

    >>> finder = WordFinder(["the", "king", "kings", "kingdom", "queen"])
    >>> finder.complete("kin", limit=2)
    ['king', 'kings']
    >>> finder.suggest("kingz")
    ['king', 'kings']

    Args:
        words: The words, most frequent first (as GloVe and word2vec files order them):
            completion offers the most frequent matches first.
    """

    def __init__(self, words: list[str]):
        self.words = words
        order = sorted(range(len(words)), key=words.__getitem__)
        self._sorted = [words[i] for i in order]
        self._rank = np.asarray(order, dtype=np.int64)
        self._folded: dict[str, list[int]] = {}
        for rank, word in enumerate(words):
            self._folded.setdefault(word.casefold(), []).append(rank)

    def complete(self, prefix: str, *, limit: int = 10) -> list[str]:
        """The `limit` most frequent words that start with `prefix` (case-sensitive; words
        that start with it in another case follow).

        Example:

        >>> WordFinder(["Paris", "the", "paris", "park"]).complete("par")
        ['paris', 'park', 'Paris']
        """
        if not prefix:
            return self.words[:limit]
        found = self._starting(prefix, limit)
        if len(found) < limit:
            for variant in {prefix.lower(), prefix.capitalize(), prefix.upper()} - {prefix}:
                found += [w for w in self._starting(variant, limit) if w not in found]
        return found[:limit]

    def _starting(self, prefix: str, limit: int) -> list[str]:
        start = bisect.bisect_left(self._sorted, prefix)
        stop = bisect.bisect_left(self._sorted, prefix + "\U0010ffff", lo=start)
        ranks = self._rank[start:stop]
        if len(ranks) > limit:
            ranks = np.partition(ranks, limit - 1)[:limit]
        return [self.words[i] for i in np.sort(ranks)]

    def suggest(self, word: str, *, n: int = 5) -> list[str]:
        """Up to `n` words spelled like `word`: its case variants first, then the closest
        spellings of a similar length (difflib's ratio of at least 0.75).

        Example:

        >>> WordFinder(["London", "paris", "parish"]).suggest("LONDON")
        ['London']
        >>> WordFinder(["london", "paris", "parish"]).suggest("Londn")
        ['london']
        """
        found = [
            self.words[i] for i in self._folded.get(word.casefold(), []) if self.words[i] != word
        ]
        if len(found) < n:
            size, folded = len(word), word.casefold()
            nearby: dict[str, str] = {}  # case-folded -> the most frequent word folding so
            for w in self._near(word):  # most frequent first
                if abs(len(w) - size) <= max(2, size // 4) and w != word and w not in found:
                    nearby.setdefault(w.casefold(), w)
            close = difflib.get_close_matches(folded, nearby, n=n - len(found), cutoff=0.75)
            found += [nearby[c] for c in close]
        return found[:n]

    def _near(self, word: str) -> list[str]:
        """The words sharing the first letter of `word` (either case), most frequent first:
        the candidates a spelling suggestion is drawn from (a misspelling rarely changes
        the first letter)."""
        first = word[:1]
        ranks = []
        for letter in sorted({first.lower(), first.upper()}):
            start = bisect.bisect_left(self._sorted, letter)
            stop = bisect.bisect_left(self._sorted, letter + "\U0010ffff", lo=start)
            ranks.append(self._rank[start:stop])
        return [self.words[i] for i in np.sort(np.concatenate(ranks))]
