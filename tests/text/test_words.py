"""text_to_word_sequence, one_hot and hashing_trick: legacy cases, oracle, bad input."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import given, settings

from kembed.text import hashing_trick, one_hot, split_clitics, text_to_word_sequence

# Texts rich in what tokenizers trip on: punctuation, every kind of whitespace, case
# changes that alter length (İ), final sigma, surrogates, non-ASCII punctuation.
ALPHABET = st.sampled_from(list("abcAB Z.,!?'\"-\t\n\r\x0b\x0c\x85\xa0\u2003İΣσςßé€字\ud800"))
TEXTS = st.text(alphabet=st.one_of(ALPHABET, st.characters()), max_size=60)
FILTERS = st.sampled_from(['!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', "", ".,", "aé", "\r\n", "s"])
SPLITS = st.sampled_from([" ", ",", "stop", "\t", "é", "ab"])


def test_legacy_cases():
    assert text_to_word_sequence("hello! ? world!") == ["hello", "world"]
    assert text_to_word_sequence("hello!stop?world!", split="stop") == ["hello", "world"]
    assert text_to_word_sequence("ali! veli? kırk dokuz elli") == [
        "ali",
        "veli",
        "kırk",
        "dokuz",
        "elli",
    ]
    assert text_to_word_sequence("ali!stopveli?stopkırkstopdokuzstopelli", split="stop") == [
        "ali",
        "veli",
        "kırk",
        "dokuz",
        "elli",
    ]


def test_only_space_splits():
    # Other whitespace is part of a word unless filtered, as in the legacy function.
    assert text_to_word_sequence("a\rb c\xa0d  e") == ["a\rb", "c\xa0d", "e"]


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, filters=FILTERS, lower=st.booleans(), split=SPLITS)
def test_matches_legacy(legacy_text, text, filters, lower, split):
    expected = legacy_text.text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    assert text_to_word_sequence(text, filters=filters, lower=lower, split=split) == expected


def test_hashing_trick_ranges():
    for hash_function in (None, "md5", hash):
        encoded = hashing_trick("The cat sat on the mat.", 5, hash_function=hash_function)
        assert len(encoded) == 6
        assert min(encoded) >= 1 and max(encoded) <= 4
        assert encoded[0] == encoded[4]  # "the" twice


@settings(max_examples=100, deadline=None)
@given(text=TEXTS, n=st.integers(2, 10_000))
def test_hashing_matches_legacy(legacy_text, text, n):
    legacy = legacy_text.hashing_trick
    assert hashing_trick(text, n, hash_function=hash) == legacy(text, n, hash_function=hash)
    assert one_hot(text, n, hash_function=hash) == legacy_text.one_hot(text, n)
    if any("\ud800" <= c <= "\udfff" for c in text):  # md5 needs UTF-8: both refuse
        with pytest.raises(UnicodeEncodeError):
            legacy(text, n, hash_function="md5")
        with pytest.raises(UnicodeEncodeError):
            one_hot(text, n)
        return
    assert hashing_trick(text, n, hash_function="md5") == legacy(text, n, hash_function="md5")
    # Our default is the stable md5; the legacy one_hot used the per-process hash.
    assert one_hot(text, n) == legacy(text, n, hash_function="md5")


def test_one_hot_is_stable_across_processes():
    import subprocess
    import sys

    code = "import kembed; print(kembed.one_hot('well done good work', 50))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {str(one_hot("well done good work", 50)) + "\n"}


def test_analyzer_replaces_the_split_rule():
    encoded = one_hot("The cat sat on the mat.", 5)
    assert one_hot("The-cat-sat-on-the-mat", 5, analyzer=lambda t: t.lower().split("-")) == [
        *encoded
    ]
    assert np.max(encoded) <= 4


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (None, r"text is NoneType .* missing text"),
        (b"bytes", r"text is bytes .* Decode it"),
        (float("nan"), r"text is float \(nan\).*fillna"),
        (3, r"text is int \(3\)"),
    ],
)
def test_non_text_is_a_type_error(value, match):
    with pytest.raises(TypeError, match=match):
        text_to_word_sequence(value)
    with pytest.raises(TypeError, match=match):
        one_hot(value, 10)


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"`split` must be a non-empty str"):
        text_to_word_sequence("a b", split="")
    with pytest.raises(ValueError, match=r"`n` must be an integer of at least 2. Received: n=1"):
        one_hot("a b", 1)
    with pytest.raises(ValueError, match=r"`hash_function` must be 'md5'"):
        hashing_trick("a b", 10, hash_function="sha1")
    with pytest.raises(TypeError, match=r"`filters` must be a str"):
        text_to_word_sequence("a b", filters=["ab"])
    assert text_to_word_sequence("a.b,c", filters=[".", ","]) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it's", "it 's"),
        ("DON'T", "DO N'T"),
        ("can't won't", "ca n't wo n't"),
        ("we'll they're I'm you've she'd", "we 'll they 're I 'm you 've she 'd"),
        ("'s alone, rock'n'roll, o'clock", "'s alone, rock'n'roll, o'clock"),
        ("the dogs' bone", "the dogs' bone"),
    ],
)
def test_split_clitics(text, expected):
    assert split_clitics(text) == expected


def test_split_clitics_refuses_non_text():
    with pytest.raises(TypeError, match="NoneType"):
        split_clitics(None)
