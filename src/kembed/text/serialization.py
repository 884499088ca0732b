"""The legacy Tokenizer JSON: writing it (`JSONSaving`, which `Tokenizer` inherits) and
reading it into plain data, checked.

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
import os
import warnings

from kembed._io import atomic_write, check_output

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


class JSONSaving:
    """The writing half of the format, for `Tokenizer` (its settings and five tables)."""

    def get_config(self) -> dict:
        """The settings and counts, as the legacy class gave them (counts as JSON strings).

        The `analyzer` function cannot be saved: a warning says so.

        Example:

        >>> from kembed import Tokenizer
        >>> tokenizer = Tokenizer(num_words=100)
        >>> tokenizer.fit_on_texts(["the cat"])
        >>> config = tokenizer.get_config()
        >>> config["num_words"], config["word_index"]
        (100, '{"the": 1, "cat": 2}')
        """
        if self.analyzer is not None:
            warnings.warn(
                "The Tokenizer's `analyzer` is a function and is not saved. Pass it again "
                "when loading: tokenizer_from_json(json_string, analyzer=...).",
                stacklevel=2,
            )
        return {
            "num_words": self.num_words,
            "filters": self.filters,
            "lower": self.lower,
            "split": self.split,
            "char_level": self.char_level,
            "oov_token": self.oov_token,
            "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts),
            "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs),
            "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs) -> str:
        """The tokenizer as a JSON string that `tokenizer_from_json` (ours or the legacy
        one) reads back. `kwargs` go to `json.dumps`.

        Example:

        >>> from kembed import Tokenizer, tokenizer_from_json
        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat"])
        >>> tokenizer_from_json(tokenizer.to_json()).word_index
        {'the': 1, 'cat': 2}
        """
        return json.dumps({"class_name": "Tokenizer", "config": self.get_config()}, **kwargs)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Writes `to_json()` to `path` atomically (a crash leaves no partial file).

        Example:

        >>> import pathlib, tempfile
        >>> from kembed import Tokenizer
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "tokenizer.json"
        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat"])
        >>> tokenizer.save(path)
        >>> Tokenizer.load(path).texts_to_sequences(["cat"])
        [[2]]

        Args:
            path: Path-like. The JSON file to write.
            overwrite: Replace an existing file. Defaults to False.

        Raises:
            OutputError: if `path` exists (without `overwrite=True`) or is a folder, or
                its folder is missing or read-only.
        """
        check_output(path, overwrite=overwrite)
        json_string = self.to_json()
        with atomic_write(path, encoding="utf-8") as f:
            f.write(json_string)


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
