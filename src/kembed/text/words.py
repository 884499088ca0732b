"""Splitting a text into words, and hashing words to ids: the legacy Keras functions.

`text_to_word_sequence`, `one_hot` and `hashing_trick` behave as in
`keras.preprocessing.text` (keras-preprocessing 1.1.2), which Keras 3 removed; the
translation table is built once per (filters, split) instead of once per text. One
deliberate difference: `one_hot` and `hashing_trick` default to the stable MD5 hash, where
the legacy functions used Python's `hash`, which is salted per process. No Keras here.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable

import numpy as np

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

Analyzer = Callable[[str], Iterable[str]]
HashFunction = Callable[[str], int]


def _check_text(text: object, name: str = "text") -> str:
    if isinstance(text, str):
        return text
    raise TypeError(describe_non_text(text, name))


def element_error(text: object, position: int) -> TypeError:
    """The error for `texts[position]` when it is neither a str nor a list of str."""
    if isinstance(text, list):
        j, bad = next((j, t) for j, t in enumerate(text) if not isinstance(t, str))
        return TypeError(describe_non_text(bad, f"texts[{position}][{j}]"))
    message = describe_non_text(text, f"texts[{position}]")
    return TypeError(message.replace("a str.", "a str (or a list of str tokens).", 1))


def describe_non_text(value: object, name: str) -> str:
    """The message for a value that should have been a text."""
    kind = type(value).__name__
    if value is None:
        hint = "A missing text: drop it or replace it with ''."
    elif isinstance(value, (bytes, bytearray)):
        hint = "Decode it first, e.g. value.decode('utf-8')."
    elif isinstance(value, float) and value != value:
        hint = "NaN is how pandas marks a missing text: use df[column].fillna('') or dropna()."
    else:
        hint = "Convert it with str() if it really is a text."
    return f"{name} is {kind} ({value!r:.60}), expected a str. {hint}"


@functools.lru_cache(maxsize=32)
def _table(filters: str, split: str) -> dict[int, str]:
    return str.maketrans(dict.fromkeys(filters, split))


def _normalize_filters(filters: str | Iterable[str]) -> str:
    if isinstance(filters, str):
        return filters
    chars = list(filters)
    if not all(isinstance(c, str) and len(c) == 1 for c in chars):
        raise TypeError(
            "`filters` must be a str, or an iterable of single characters. "
            f"Received: filters={filters!r:.60}"
        )
    return "".join(chars)


def _check_split(split: object) -> str:
    if not isinstance(split, str) or not split:
        raise ValueError(f"`split` must be a non-empty str. Received: split={split!r}")
    return split


def word_splitter(filters: str | Iterable[str], lower: bool, split: str) -> Callable[[str], list]:
    """Returns a function that does `text_to_word_sequence(text, filters, lower, split)`.

    The arguments are checked once and the translation table is built once, so the
    returned function costs only the string work itself.
    """
    table = _table(_normalize_filters(filters), _check_split(split))
    if lower:

        def words(text: str) -> list[str]:
            return list(filter(None, text.lower().translate(table).split(split)))

    else:

        def words(text: str) -> list[str]:
            return list(filter(None, text.translate(table).split(split)))

    return words


def text_to_word_sequence(
    text: str,
    filters: str | Iterable[str] = DEFAULT_FILTERS,
    lower: bool = True,
    split: str = " ",
) -> list[str]:
    """Converts a text to a list of words, as `keras.preprocessing.text` did.

    The text is lower-cased (if `lower`), every character of `filters` is replaced by
    `split`, the text is cut at every `split`, and empty pieces are dropped. Only `split`
    separates words: other whitespace (`\\r`, U+00A0, ...) stays inside a word unless it
    is in `filters`.

    Example:

    >>> text_to_word_sequence("Hello! ? World!")
    ['hello', 'world']
    >>> text_to_word_sequence("hello!stop?world!", split="stop")
    ['hello', 'world']

    Args:
        text: The text.
        filters: The characters to remove, as a str (or an iterable of characters).
            Defaults to ASCII punctuation except `'`, plus tab and newline.
        lower: Whether to lower-case the text first.
        split: The word separator.

    Returns:
        The words, in order.

    Raises:
        TypeError: if `text` is not a str.
        ValueError: if `split` is empty.
    """
    return word_splitter(filters, lower, split)(_check_text(text))


def _resolve_hash(hash_function: HashFunction | str | None) -> HashFunction:
    if hash_function is None or hash_function == "md5":
        return _md5
    if callable(hash_function):
        return hash_function
    raise ValueError(
        "`hash_function` must be 'md5', None (= 'md5') or a function from str to int. "
        f"Received: hash_function={hash_function!r}"
    )


def _md5(word: str) -> int:
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(
    text: str,
    n: int,
    hash_function: HashFunction | str | None = None,
    filters: str | Iterable[str] = DEFAULT_FILTERS,
    lower: bool = True,
    split: str = " ",
    analyzer: Analyzer | None = None,
) -> list[int]:
    """Converts a text to word ids in `[1, n - 1]` by hashing each word.

    Ids are `hash(word) % (n - 1) + 1`, so 0 stays free for padding; different words may
    share an id. Unlike the legacy function (whose default was Python's `hash`, salted
    differently in every process), the default here is MD5, so the ids of a word are the
    same in training and at inference. Pass `hash_function=hash` for the legacy ids.

    Example:

    >>> hashing_trick("The cat sat on the mat.", 50)
    [43, 32, 29, 3, 43, 29]

    Args:
        text: The text.
        n: The size of the hashing space; ids are in `[1, n - 1]`. At least 2.
        hash_function: `"md5"` (the default; `None` means the same), or any function
            from str to int, such as `hash`.
        filters: As for `text_to_word_sequence`.
        lower: As for `text_to_word_sequence`.
        split: As for `text_to_word_sequence`.
        analyzer: Optional function from the text to its words, used instead of
            `text_to_word_sequence` (then `filters`, `lower` and `split` are unused).

    Returns:
        One id per word.

    Raises:
        TypeError: if `text` is not a str.
        ValueError: if `n` is below 2 or `hash_function` is not valid.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"`n` must be an integer of at least 2. Received: n={n!r}")
    hash_function = _resolve_hash(hash_function)
    text = _check_text(text)
    words = analyzer(text) if analyzer is not None else word_splitter(filters, lower, split)(text)
    modulus = n - 1
    return [hash_function(w) % modulus + 1 for w in words]


def one_hot(
    text: str,
    n: int,
    filters: str | Iterable[str] = DEFAULT_FILTERS,
    lower: bool = True,
    split: str = " ",
    analyzer: Analyzer | None = None,
    hash_function: HashFunction | str | None = None,
) -> list[int]:
    """Encodes a text as word ids in `[1, n - 1]`: `hashing_trick` under its slide-deck name.

    Despite its name it returns ids, not one-hot vectors. The default hash is the stable
    MD5 (the legacy function used the per-process `hash`; pass `hash_function=hash` to
    get its ids).

    Example:

    >>> one_hot("Well done!", 50)
    [15, 31]

    Args:
        text: The text.
        n: The size of the hashing space; ids are in `[1, n - 1]`.
        filters: As for `text_to_word_sequence`.
        lower: As for `text_to_word_sequence`.
        split: As for `text_to_word_sequence`.
        analyzer: As for `hashing_trick`.
        hash_function: As for `hashing_trick`.

    Returns:
        One id per word.

    Raises:
        TypeError: if `text` is not a str.
        ValueError: if `n` is below 2.
    """
    return hashing_trick(
        text,
        n,
        hash_function=hash_function,
        filters=filters,
        lower=lower,
        split=split,
        analyzer=analyzer,
    )


def check_count(value: object, name: str, *, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        allowed = "a non-negative integer" + (" or None" if optional else "")
        raise ValueError(f"`{name}` must be {allowed}. Received: {name}={value!r}")
    return int(value)


def check_bool(value: object, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False. Received: {name}={value!r}")
    return bool(value)


_CLITICS = re.compile(r"(?<=\w)(n't|'s|'re|'ve|'d|'ll|'m)\b", re.IGNORECASE)


def split_clitics(text: str) -> str:
    """Splits English clitics off their words, as the tokenizers behind GloVe and word2vec
    did (and Kim 2014's preprocessing): "it's" -> "it 's", "don't" -> "do n't".

    Pretrained vectors hold `'s` and `n't` as words of their own, so a tokenizer that keeps
    "doesn't" whole finds no vector for it; split, both parts are found.

    Example:

    >>> split_clitics("It's a film that doesn't work, and we'll say so.")
    "It 's a film that does n't work, and we 'll say so."

    Args:
        text: A str.

    Returns:
        The text with a space before each clitic.
    """
    return _CLITICS.sub(r" \1", _check_text(text))
