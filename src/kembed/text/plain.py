"""The Tokenizer's plain-Python path: one text at a time, with C-level builtins.

Used for what the byte-level fast path (`kembed.text.batch`) does not cover: character
level, an `analyzer` function, a multi-character or non-ASCII `split`, non-ASCII filters.
It gives the same output as the fast path and as the legacy class; the tests check all
three. No Keras here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from operator import itemgetter

from kembed.text.words import Analyzer, element_error, word_splitter

Tokens = Callable[[object, int], Sequence[str]]


def tokens_function(
    *, char_level: bool, lower: bool, analyzer: Analyzer | None, filters: str, split: str
) -> Tokens:
    """The function from `(text, position)` to the text's tokens, checking its type."""
    words = None
    if not char_level and analyzer is None:
        words = word_splitter(filters, lower, split)

    def tokens(text: object, position: int) -> Sequence[str]:
        if isinstance(text, str):
            if char_level:
                return text.lower() if lower else text
            if words is not None:
                return words(text)
            return list(analyzer(text))
        if isinstance(text, list) and all(isinstance(token, str) for token in text):
            return [token.lower() for token in text] if lower else text
        raise element_error(text, position)

    return tokens


def count_texts(texts: Iterable, tokens: Tokens) -> tuple[Counter, Counter, int]:
    """Token counts, document counts (both in first-appearance order) and the number of
    texts."""
    counts: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    n = 0
    for n, text in enumerate(texts, 1):
        seq = tokens(text, n - 1)
        counts.update(seq)
        docs.update(set(seq))
    return counts, docs, n


def encoder(
    word_index: Mapping[str, int], limit: int | None, oov: int | None
) -> Callable[[Sequence[str]], list[int]]:
    """Maps a list of tokens to ids, with the rules of `Tokenizer.texts_to_sequences`."""
    get = word_index.get
    if oov is None:
        if not limit:
            return lambda seq: [i for i in map(get, seq) if i is not None]
        return lambda seq: [i for i in map(get, seq) if i is not None and i < limit]
    if not limit:
        return lambda seq: list(map(get, seq, repeat(oov)))
    return lambda seq: [i if i < limit else oov for i in map(get, seq, repeat(oov))]


def decoder(
    index_word: Mapping[int, str], limit: int | None, oov_word: str | None
) -> Callable[[Iterable[int]], str]:
    """Maps a sequence of ids back to a text, with the rules of
    `Tokenizer.sequences_to_texts`."""
    get = index_word.get

    def decode(seq: Iterable[int]) -> str:
        words = []
        for i in seq:
            word = get(i)
            if word is not None and not (limit and i >= limit):
                words.append(word)
            elif oov_word is not None:
                words.append(oov_word)
        return " ".join(words)

    return decode


def encode_texts(
    texts: Iterable, tokens: Tokens, encode: Callable[[Sequence[str]], list[int]]
) -> Iterator[list[list[int]]]:
    """Yields each text's ids, one text per batch (the fast path yields bigger batches)."""
    for position, text in enumerate(texts):
        yield [encode(tokens(text, position))]


def check_texts(texts: Iterable) -> Iterable:
    """`texts` itself, unless it is a single str or bytes (a common slip): `TypeError`."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(
            f"`texts` must be an iterable of texts, not a single {type(texts).__name__}: "
            "wrap it in a list, e.g. fit_on_texts([text])."
        )
    return texts


def ranked(word_counts: dict[str, int]) -> list[str]:
    """Words by decreasing count, ties in first-appearance order (the legacy ranking)."""
    return [word for word, _ in sorted(word_counts.items(), key=itemgetter(1), reverse=True)]


def merge_counts(total: dict, counts: dict) -> None:
    if not total:
        total.update(counts)
        return
    get = total.get
    for key, c in counts.items():
        total[key] = get(key, 0) + c
