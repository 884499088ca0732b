"""The embedding matrix: pretrained `Vectors` laid out in a tokenizer's id order (row 0
padding, the OOV row, one row per word below `num_words`), with lookup fallbacks for case
and a policy for the rows of words without a vector. numpy only: no Keras here."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from kembed.embedding.coverage import CoverageReport
from kembed.vectors.store import Vectors

LOOKUP = ("exact", "lower", "capitalize", "upper")
OOV_POLICIES = ("zeros", "random", "mean")
_RULES = {
    "exact": lambda word: word,
    "lower": str.lower,
    "capitalize": str.capitalize,
    "upper": str.upper,
}


class CoverageWarning(UserWarning):
    """The vectors cover none of the vocabulary: the matrix holds no pretrained row."""


def embedding_matrix(
    vectors: Vectors,
    word_index: Any,
    num_words: int | None = None,
    *,
    oov_token: str | None = None,
    word_counts: Mapping[str, int] | None = None,
    lookup: Iterable[str] = LOOKUP,
    oov: str = "random",
    seed: int | None = None,
) -> tuple[np.ndarray, CoverageReport]:
    """Builds the matrix of an `Embedding` layer from pretrained vectors.

    Row `i` holds the vector of the word whose id is `i`, exactly as the tokenizer
    numbers words: row 0 is padding (zeros), words whose id is `num_words` or more get no
    row (the Tokenizer never emits their ids), and the row of the OOV token is filled like
    a missing word. Each word is looked up by the `lookup` rules in order (the word as it
    is, lowercased, capitalised, uppercased); the first rule that finds a vector wins.

    Example:

    >>> import numpy as np
    >>> from kembed import Vectors
    >>> vectors = Vectors(["the", "cat"], np.array([[1, 2], [3, 4]], dtype="float32"))
    >>> matrix, report = embedding_matrix(vectors, {"The": 1, "cat": 2, "zyx": 3}, oov="zeros")
    >>> matrix
    array([[0., 0.],
           [1., 2.],
           [3., 4.],
           [0., 0.]], dtype=float32)
    >>> report.found, report.missing
    ({'exact': 1, 'lower': 1, 'capitalize': 0, 'upper': 0}, ['zyx'])

    Args:
        vectors: The pretrained `Vectors`. Load only the words you need with
            `Vectors.load(path, vocab=candidate_words(word_index))`.
        word_index: A fitted `Tokenizer` (its `word_index`, `num_words`, `oov_token` and
            `word_counts` are used) or a `word -> id` mapping with ids from 1.
        num_words: Optional int. The number of rows: ids `num_words` and above get none,
            as in the Tokenizer. Defaults to the tokenizer's `num_words`, else the largest
            id + 1. A value past the largest id leaves zero rows that no word uses.
        oov_token: Optional str. The word of the OOV row (the tokenizer's by default).
        word_counts: Optional `word -> count` mapping (the tokenizer's by default), for
            coverage by token and the most frequent missing words.
        lookup: The rules to try, in order: any of `"exact"`, `"lower"`, `"capitalize"`,
            `"upper"`. Defaults to all four.
        oov: How to fill the rows of words without a vector and the OOV row: `"zeros"`,
            `"random"` (normal draws with the found rows' per-dimension mean and standard
            deviation) or `"mean"` (their mean vector). Defaults to `"random"`.
        seed: Optional int for `oov="random"`. Without it numpy's global generator is
            used, which `keras.utils.set_random_seed` seeds.

    Returns:
        A `(rows, vectors.dim)` float32 matrix and its `CoverageReport`.

    Raises:
        ValueError: if an id is 0 or negative, two words share an id, `oov_token` is not
            in `word_index`, or an option is invalid.
        TypeError: if `word_index` is neither a tokenizer nor a mapping of str to int.
    """
    vocabulary = _Vocabulary(word_index, num_words, oov_token, word_counts)
    rules = _check_lookup(lookup)
    if oov not in OOV_POLICIES:
        raise ValueError(f"`oov` must be one of {OOV_POLICIES}. Received: oov={oov!r}")
    rows = vocabulary.rows
    key_to_index = vectors.key_to_index
    found = dict.fromkeys(rules, 0)
    ids, sources, missing = [], [], []
    for word, i in vocabulary.words_with_rows():
        for rule in rules:
            index = key_to_index.get(_RULES[rule](word))
            if index is not None:
                ids.append(i)
                sources.append(index)
                found[rule] += 1
                break
        else:
            missing.append((word, i))
    matrix = np.zeros((rows, vectors.dim), dtype=np.float32)
    if ids:
        order = np.argsort(sources, kind="stable")  # read a memory map in file order
        matrix[np.asarray(ids)[order]] = vectors.vectors[np.asarray(sources)[order]]
    fill = [i for _, i in missing]
    if vocabulary.oov_row is not None:
        fill.append(vocabulary.oov_row)
    if fill:
        matrix[fill] = _oov_rows(oov, len(fill), matrix[ids] if ids else vectors.vectors, seed)
    report = vocabulary.report(found, missing, matrix.shape, oov)
    if missing and not ids:
        warnings.warn(
            "None of the words has a pretrained vector: check that the vectors and the "
            f"tokenizer agree (language, casing, `lookup`).\n{report}",
            CoverageWarning,
            stacklevel=2,
        )
    return matrix, report


def candidate_words(word_index: Any, *, lookup: Iterable[str] = LOOKUP) -> set[str]:
    """Every string `embedding_matrix` may look up for these words, for
    `Vectors.load(path, vocab=...)` to read only those vectors.

    Example:

    >>> sorted(candidate_words({"Paris": 1}))
    ['PARIS', 'Paris', 'paris']

    Args:
        word_index: A fitted `Tokenizer` or a `word -> id` mapping.
        lookup: The rules `embedding_matrix` will use. Defaults to all four.

    Returns:
        A set of strings.
    """
    words = word_index.word_index if _is_tokenizer(word_index) else word_index
    functions = [_RULES[rule] for rule in _check_lookup(lookup)]
    return {f(word) for word in words for f in functions}


def _check_lookup(lookup: Iterable[str]) -> tuple[str, ...]:
    rules = (lookup,) if isinstance(lookup, str) else tuple(lookup)
    unknown = [rule for rule in rules if rule not in _RULES]
    if unknown or not rules or len(set(rules)) != len(rules):
        raise ValueError(
            f"`lookup` must be distinct rules among {LOOKUP}, at least one. "
            f"Received: lookup={lookup!r}"
        )
    return rules


def _is_tokenizer(value: Any) -> bool:
    return not isinstance(value, Mapping) and hasattr(value, "word_index")


def _oov_rows(policy: str, n: int, pretrained: np.ndarray, seed: int | None) -> np.ndarray:
    """`n` rows for words without a vector, from the statistics of `pretrained`."""
    if policy == "zeros" or len(pretrained) == 0:
        return np.zeros((n, pretrained.shape[1]), dtype=np.float32)
    sample = np.asarray(pretrained[:200_000], dtype=np.float64)
    mean = sample.mean(axis=0)
    if policy == "mean":
        return np.broadcast_to(mean, (n, len(mean))).astype(np.float32)
    std = sample.std(axis=0)
    rng = np.random if seed is None else np.random.default_rng(seed)
    return rng.normal(mean, std, size=(n, len(mean))).astype(np.float32)


class _Vocabulary:
    """A tokenizer's (or a word_index's) words, ids, `num_words`, OOV token and counts,
    checked."""

    def __init__(self, word_index, num_words, oov_token, word_counts):
        if _is_tokenizer(word_index):
            tokenizer = word_index
            word_index = tokenizer.word_index
            num_words = tokenizer.num_words if num_words is None else num_words
            oov_token = tokenizer.oov_token if oov_token is None else oov_token
            word_counts = tokenizer.word_counts if word_counts is None else word_counts
        if not isinstance(word_index, Mapping):
            raise TypeError(
                "`word_index` must be a fitted Tokenizer or a mapping of words to ids. "
                f"Received: word_index of type {type(word_index).__name__}"
            )
        self.word_index = word_index
        self.word_counts = word_counts
        largest = _check_ids(word_index)
        if num_words is not None and (
            not isinstance(num_words, numbers.Integral)
            or isinstance(num_words, bool)
            or num_words < 1
        ):
            raise ValueError(
                "`num_words` must be a positive integer or None. "
                f"Received: num_words={num_words!r}"
            )
        self.rows = int(num_words) if num_words is not None else largest + 1
        self.oov_row = None
        if oov_token is not None:
            if oov_token not in word_index:
                raise ValueError(
                    f"oov_token={oov_token!r} is not in `word_index`. Pass the tokenizer's "
                    "own oov_token, or None if it has none."
                )
            if word_index[oov_token] < self.rows:
                self.oov_row = int(word_index[oov_token])
        self.oov_token = oov_token

    def words_with_rows(self):
        """(word, id) for every word with a row, the OOV token excluded."""
        rows, oov = self.rows, self.oov_token
        return ((w, i) for w, i in self.word_index.items() if i < rows and w != oov)

    def report(self, found, missing, shape, oov) -> CoverageReport:
        counts = self.word_counts
        rows, oov_token = self.rows, self.oov_token
        beyond = [w for w, i in self.word_index.items() if i >= rows and w != oov_token]
        if counts is not None:
            missing = sorted(missing, key=lambda pair: (-counts.get(pair[0], 0), pair[1]))
            tokens = sum(counts.get(w, 0) for w, _ in self.words_with_rows())
            tokens_missing = sum(counts.get(w, 0) for w, _ in missing)
            tokens_beyond = sum(counts.get(w, 0) for w in beyond)
        used = {i for i in self.word_index.values() if i < rows}
        return CoverageReport(
            rows=shape[0],
            dim=shape[1],
            num_words=sum(found.values()) + len(missing),
            found=found,
            missing=[w for w, _ in missing],
            missing_counts=[] if counts is None else [counts.get(w, 0) for w, _ in missing],
            tokens=None if counts is None else tokens,
            tokens_found=None if counts is None else tokens - tokens_missing,
            tokens_beyond=None if counts is None else tokens_beyond,
            words_beyond=len(beyond),
            oov_row=self.oov_row,
            unused_rows=rows - 1 - len(used),
            oov=oov,
        )


def _check_ids(word_index: Mapping) -> int:
    """Checks that ids are distinct integers from 1 and returns the largest (0 if none)."""
    seen: dict[int, str] = {}
    for word, i in word_index.items():
        if type(word) is not str and not isinstance(word, str):
            raise TypeError(f"`word_index` keys must be str. Received: {word!r} -> {i!r}")
        if type(i) is not int and (not isinstance(i, numbers.Integral) or isinstance(i, bool)):
            raise TypeError(f"`word_index` ids must be integers. Received: {word!r} -> {i!r}")
        if i < 1:
            raise ValueError(
                f"`word_index` maps {word!r} to {i}, but ids start at 1: row 0 is padding. "
                "Shift the ids by one (a Tokenizer's word_index already starts at 1)."
            )
        if i in seen:
            raise ValueError(
                f"`word_index` maps both {seen[i]!r} and {word!r} to {i}: each row holds "
                "one word. Give each word its own id."
            )
        seen[i] = word
    return max(seen, default=0)
