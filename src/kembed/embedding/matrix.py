"""The embedding matrix: pretrained `Vectors` laid out in a tokenizer's id order (row 0
padding, the OOV row, one row per word below `num_words`), with lookup fallbacks for case
and a policy for the rows of words without a vector. numpy only: no Keras here."""

from __future__ import annotations

import dataclasses
import itertools
import numbers
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from kembed._settings import resolve
from kembed.embedding.coverage import CoverageReport
from kembed.errors import KembedWarning
from kembed.vectors.store import Vectors

LOOKUP = ("exact", "lower", "capitalize", "upper")
OOV_POLICIES = ("zeros", "random", "mean", "subword")
_RULES = {
    "exact": lambda word: word,
    "lower": str.lower,
    "capitalize": str.capitalize,
    "upper": str.upper,
}


class CoverageWarning(KembedWarning):
    """The vectors cover none of the vocabulary: the matrix holds no pretrained row.

    Example:

    >>> import warnings
    >>> vectors = Vectors(["cat"], np.ones((1, 2), "float32"))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = embedding_matrix(vectors, {"dog": 1})
    >>> caught[0].category.__name__
    'CoverageWarning'
    """


@dataclasses.dataclass(frozen=True)
class MatrixOptions:
    """How `embedding_matrix` finds each word's vector and fills the rows of words
    without one (see it for each field's meaning).

    Example:

    >>> MatrixOptions(lookup="lower", oov="mean")
    MatrixOptions(lookup=('lower',), oov='mean', seed=None)

    Raises:
        ValueError: for unknown or repeated `lookup` rules, or an unknown `oov` policy.
        TypeError: if `seed` is neither an int nor None.
    """

    lookup: tuple[str, ...] = LOOKUP
    oov: str = "random"
    seed: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lookup", _check_lookup(self.lookup))
        if self.oov not in OOV_POLICIES:
            raise ValueError(f"`oov` must be one of {OOV_POLICIES}. Received: oov={self.oov!r}")
        if self.seed is not None and not isinstance(self.seed, numbers.Integral):
            raise TypeError(f"`seed` must be an int or None. Received: seed={self.seed!r}")


def embedding_matrix(
    vectors: Vectors,
    word_index: Any,
    num_words: int | None = None,
    *,
    options: MatrixOptions | None = None,
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
        options: Optional `MatrixOptions`: `lookup`, `oov` and `seed` in one object.
            Pass it or those keywords.
        oov_token: Optional str. The word of the OOV row (the tokenizer's by default).
        word_counts: Optional `word -> count` mapping (the tokenizer's by default), for
            coverage by token and the most frequent missing words.
        lookup: The rules to try, in order: any of `"exact"`, `"lower"`, `"capitalize"`,
            `"upper"`. Defaults to all four.
        oov: How to fill the rows of words without a vector and the OOV row: `"zeros"`,
            `"random"` (normal draws with the found rows' per-dimension mean and standard
            deviation), `"mean"` (their mean vector) or `"subword"` (vectors with
            subwords, a fastText `.bin`: each missing word's vector built from its
            character n-grams, counted in the report's `found` as the rule `"subword"`;
            the OOV row as `"mean"`). Defaults to `"random"`.
        seed: Optional int for `oov="random"`. Without it numpy's global generator is
            used, which `keras.utils.set_random_seed` seeds.

    Returns:
        A `(rows, vectors.dim)` float32 matrix and its `CoverageReport`.

    Raises:
        ValueError: if an id is 0 or negative, two words share an id, `oov_token` is not
            in `word_index`, an option is invalid, or `oov="subword"` is asked of vectors
            without subwords.
        TypeError: if `word_index` is neither a tokenizer nor a mapping of str to int.
    """
    built = MatrixOptions(lookup, oov, seed)
    options = resolve(options, built, MatrixOptions(), "options")
    rules, oov, seed = options.lookup, options.oov, options.seed
    vocabulary = _Vocabulary(word_index, num_words, oov_token, word_counts)
    if oov == "subword" and not vectors.has_subwords:
        raise ValueError(
            "`oov='subword'` needs vectors with subwords (a fastText .bin or .ftz model); "
            "these have none. Use oov='random', 'mean' or 'zeros'."
        )
    sources, found = _look_up(vectors, vocabulary.words, rules)
    hit = sources >= 0
    ids = vocabulary.ids[hit]
    matrix = np.zeros((vocabulary.rows, vectors.dim), dtype=np.float32)
    if len(ids):
        order = np.argsort(sources[hit], kind="stable")  # read a memory map in file order
        matrix[ids[order]] = vectors.vectors[sources[hit][order]]
    missing = np.flatnonzero(~hit)
    if oov == "subword":  # every word has a vector: its n-grams'
        built = [vocabulary.words[k] for k in missing]
        matrix[vocabulary.ids[missing]] = vectors.subwords.vectors(built)
        found["subword"] = len(built)
        ids = np.concatenate([ids, vocabulary.ids[missing]])  # the OOV row's mean counts them
        missing = missing[:0]
    fill = vocabulary.ids[missing].tolist()
    if vocabulary.oov_row is not None:
        fill.append(vocabulary.oov_row)
    if fill:
        statistics = matrix[ids] if len(ids) else vectors.vectors
        policy = "mean" if oov == "subword" else oov
        matrix[fill] = _oov_rows(policy, len(fill), statistics, seed)
    report = vocabulary.report(found, missing, matrix.shape, oov)
    if len(missing) and not len(ids):
        warnings.warn(
            "None of the words has a pretrained vector: check that the vectors and the "
            f"tokenizer agree (language, casing, `lookup`).\n{report}",
            CoverageWarning,
            stacklevel=2,
        )
    return matrix, report


def _look_up(vectors: Vectors, words: list[str], rules: tuple[str, ...]):
    """The row of each word in `vectors` (-1 if none) and how many each rule found: one
    pass per rule over the words still missing."""
    get = vectors.key_to_index.get
    sources = np.full(len(words), -1, dtype=np.int64)
    remaining = np.arange(len(words))
    found = dict.fromkeys(rules, 0)
    for rule in rules:
        texts = words if len(remaining) == len(words) else [words[k] for k in remaining]
        if rule != "exact":
            texts = map(_RULES[rule], texts)
        hits = np.fromiter(map(get, texts, itertools.repeat(-1)), np.int64, len(remaining))
        ok = hits >= 0
        sources[remaining[ok]] = hits[ok]
        found[rule] = int(ok.sum())
        remaining = remaining[~ok]
    return sources, found


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
    words = list(word_index.word_index if _is_tokenizer(word_index) else word_index)
    rules = _check_lookup(lookup)
    return set().union(*(words if r == "exact" else map(_RULES[r], words) for r in rules))


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
        self.word_counts = word_counts
        all_words, all_ids = _check_ids(word_index)
        if num_words is not None and (
            not isinstance(num_words, numbers.Integral)
            or isinstance(num_words, bool)
            or num_words < 1
        ):
            raise ValueError(
                "`num_words` must be a positive integer or None. "
                f"Received: num_words={num_words!r}"
            )
        self.rows = int(num_words) if num_words is not None else int(all_ids.max(initial=0)) + 1
        self.oov_row = None
        within = all_ids < self.rows
        self.unused_rows = self.rows - 1 - int(within.sum())
        if oov_token is not None:
            if oov_token not in word_index:
                raise ValueError(
                    f"oov_token={oov_token!r} is not in `word_index`. Pass the tokenizer's "
                    "own oov_token, or None if it has none."
                )
            position = all_words.index(oov_token)
            if within[position]:
                self.oov_row = int(all_ids[position])
            all_ids = np.delete(all_ids, position)
            del all_words[position]
            within = np.delete(within, position)
        # The words with a row (the OOV token excluded), their ids, and the words without.
        self.words = list(itertools.compress(all_words, within))
        self.ids = all_ids[within]
        self.beyond = list(itertools.compress(all_words, ~within))

    def report(self, found, missing, shape, oov) -> CoverageReport:
        """The report of a matrix; `missing` are positions in `self.words`."""
        counts, words = self.word_counts, self.words
        missing = [words[k] for k in missing]
        if counts is not None:
            missing_counts = [counts.get(w, 0) for w in missing]
            order = sorted(range(len(missing)), key=missing_counts.__getitem__, reverse=True)
            missing = [missing[k] for k in order]
            missing_counts = [missing_counts[k] for k in order]
            tokens = sum(map(counts.get, words, itertools.repeat(0)))
            tokens_beyond = sum(map(counts.get, self.beyond, itertools.repeat(0)))
        return CoverageReport(
            rows=shape[0],
            dim=shape[1],
            num_words=len(words),
            found=found,
            missing=missing,
            missing_counts=[] if counts is None else missing_counts,
            tokens=None if counts is None else tokens,
            tokens_found=None if counts is None else tokens - sum(missing_counts),
            tokens_beyond=None if counts is None else tokens_beyond,
            words_beyond=len(self.beyond),
            oov_row=self.oov_row,
            unused_rows=self.unused_rows,
            oov=oov,
        )


def _check_ids(word_index: Mapping) -> tuple[list[str], np.ndarray]:
    """The words and their ids (an int64 array), checked: str words, distinct integer ids
    from 1."""
    words, ids = list(word_index.keys()), list(word_index.values())
    if set(map(type, words)) - {str} or set(map(type, ids)) - {int}:
        for word, i in zip(words, ids, strict=True):  # the slow path finds the culprit
            if not isinstance(word, str):
                raise TypeError(f"`word_index` keys must be str. Received: {word!r} -> {i!r}")
            if not isinstance(i, numbers.Integral) or isinstance(i, bool):
                raise TypeError(f"`word_index` ids must be integers. Received: {word!r} -> {i!r}")
    array = np.array(ids, dtype=np.int64)
    if len(array) and array.min() < 1:
        k = int(np.argmin(array))
        raise ValueError(
            f"`word_index` maps {words[k]!r} to {ids[k]}, but ids start at 1: row 0 is "
            "padding. Shift the ids by one (a Tokenizer's word_index already starts at 1)."
        )
    unique, first = np.unique(array, return_index=True)
    if len(unique) < len(array):
        k = int(np.setdiff1d(np.arange(len(array)), first)[0])
        j = int(first[np.searchsorted(unique, array[k])])
        raise ValueError(
            f"`word_index` maps both {words[j]!r} and {words[k]!r} to {ids[k]}: each row "
            "holds one word. Give each word its own id."
        )
    return words, array
