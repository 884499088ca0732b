"""Reading the legacy Tokenizer JSON into plain data, and checking it.

The format is the one `keras.preprocessing.text.Tokenizer.to_json` wrote: an object with a
`config` object whose count tables are themselves JSON strings. Files written by the legacy
class load here and the other way round. `read_tokenizer_json` returns the settings and the
tables as plain dicts, which `kembed.text.tokenizer_from_json` hands to a `Tokenizer`;
anything malformed raises `ValueError` saying what is wrong, instead of a `KeyError` or a
silently inconsistent tokenizer. Nothing here builds a Tokenizer; no Keras.
"""

from __future__ import annotations

import dataclasses
import json

_SETTINGS = ("num_words", "filters", "lower", "split", "char_level", "oov_token", "document_count")
_TABLES = ("word_counts", "word_docs", "index_docs", "index_word", "word_index")


@dataclasses.dataclass(frozen=True)
class TokenizerJSON:
    """What a tokenizer's JSON holds, checked: its settings (keyword arguments of
    `Tokenizer`) and its five tables."""

    settings: dict
    word_counts: dict[str, int]
    word_docs: dict[str, int]
    index_docs: dict[int, int]
    index_word: dict[int, str]
    word_index: dict[str, int]


def read_tokenizer_json(json_string: str | bytes) -> TokenizerJSON:
    """Parses and checks `Tokenizer.to_json()` (kembed's or the legacy one's).

    Example:

    >>> from kembed.text import Tokenizer
    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(["the cat", "the dog"])
    >>> state = read_tokenizer_json(tokenizer.to_json())
    >>> state.word_index, state.word_counts
    ({'the': 1, 'cat': 2, 'dog': 3}, {'the': 2, 'cat': 1, 'dog': 1})

    Raises:
        ValueError: if the text is not JSON, lacks a field, holds a field of the wrong
            type, or its tables disagree; the message says which and what was expected.
    """
    try:
        document = json.loads(json_string)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"Not a tokenizer's JSON: invalid JSON at line {error.lineno}, column "
            f"{error.colno}: {error.msg}. Expected the text written by Tokenizer.to_json()."
        ) from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise ValueError(
            "Not a tokenizer's JSON: expected an object with a 'config' object, as written "
            f"by Tokenizer.to_json(). Found: {json.dumps(document)[:80]}"
        )
    unknown = sorted(set(config) - set(_SETTINGS) - set(_TABLES))
    missing = [key for key in _TABLES if key not in config]
    if unknown or missing:
        raise ValueError(
            "Not a tokenizer's JSON: "
            + "; ".join(
                part
                for part in (
                    f"unknown config keys {unknown}" if unknown else "",
                    f"missing config keys {missing}" if missing else "",
                )
                if part
            )
            + "."
        )
    state = TokenizerJSON(
        settings={key: config[key] for key in _SETTINGS if key in config},
        word_counts=_table(config, "word_counts", str, int),
        word_docs=_table(config, "word_docs", str, int),
        index_docs=_table(config, "index_docs", int, int),
        index_word=_table(config, "index_word", int, str),
        word_index=_table(config, "word_index", str, int),
    )
    if {i: w for w, i in state.word_index.items()} != state.index_word:
        raise ValueError(
            "Inconsistent tokenizer: 'index_word' is not the inverse of 'word_index' "
            f"({len(state.index_word)} and {len(state.word_index)} entries). The file was "
            "edited or damaged; fit the tokenizer again."
        )
    if not set(state.word_docs) <= set(state.word_counts):
        raise ValueError(
            "Inconsistent tokenizer: 'word_docs' holds words missing from 'word_counts'."
        )
    return state


def _table(config: dict, name: str, key_type: type, value_type: type) -> dict:
    """Decodes one count table (a JSON string holding an object) and checks its types."""
    raw = config[name]
    if not isinstance(raw, str):
        raise ValueError(
            f"Invalid tokenizer table '{name}': expected a JSON string, found "
            f"{type(raw).__name__}."
        )
    try:
        table = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"Invalid tokenizer table '{name}': not valid JSON ({error.msg} at "
            f"character {error.pos})."
        ) from None
    if not isinstance(table, dict):
        raise ValueError(f"Invalid tokenizer table '{name}': expected an object.")
    result = {}
    for key, value in table.items():
        if key_type is int:
            try:
                key = int(key)
            except ValueError:
                raise ValueError(
                    f"Invalid tokenizer table '{name}': key {key!r} is not an integer id."
                ) from None
        wrong_value = not isinstance(value, value_type) or isinstance(value, bool)
        if wrong_value or (value_type is int and value < 0):
            expected = "a non-negative integer" if value_type is int else "a str"
            raise ValueError(
                f"Invalid tokenizer table '{name}': entry {key!r} holds {value!r}, "
                f"expected {expected}."
            )
        result[key] = value
    return result
