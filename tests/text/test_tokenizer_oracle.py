"""The Tokenizer against the oracle, keras-preprocessing 1.1.2, on real and generated text.

Both kembed paths (compiled, over bytes; plain Python) must give the legacy class's output exactly:
counts and their order, ids with their tie order, `num_words` / `oov_token` handling,
sequences back to texts, the four matrix modes and the JSON.
"""

from __future__ import annotations

import json
import os

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from kembed.text import Tokenizer, read_lines, tokenizer_from_json
from kembed.text.batch import COUNTED
from tests.conftest import shared_data

pytestmark = pytest.mark.oracle

WORDS = st.sampled_from(
    [
        "the",
        "The",
        "cat",
        "CAT",
        "Σοφία",
        "straße",
        "İstanbul",
        "naïve",
        "字",
        "<unk>",
        "unk",
        "don't",
        "a.b",
        "",
        "x\ry",
        "é",
        "a\xa0b",
        "\ud800",
    ]
)
PIECES = st.one_of(WORDS, st.sampled_from(list(" .,!?\t\n-")), st.text(max_size=4))
TEXT = st.lists(PIECES, max_size=12).map("".join)
DOCUMENT = st.one_of(TEXT, TEXT, st.lists(st.one_of(WORDS, st.text(max_size=3)), max_size=6))
SETTINGS = st.fixed_dictionaries(
    {
        "num_words": st.sampled_from([None, 0, 1, 2, 3, 5, 1000]),
        "oov_token": st.sampled_from([None, "<unk>", "unk", "the"]),
        "lower": st.booleans(),
        "split": st.sampled_from([" ", " ", ",", "stop", "é"]),
        "filters": st.sampled_from(
            ['!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n', "", "., ", "aé\u00a0"]
        ),
        "char_level": st.sampled_from([False, False, False, True]),
    }
)


def fit_both(legacy_text, settings_, texts, fast=True):
    legacy = legacy_text.Tokenizer(**settings_)
    legacy.fit_on_texts(texts)
    ours = Tokenizer(**settings_)
    ours._fast = fast
    ours.fit_on_texts(texts)
    return legacy, ours


def assert_same_state(legacy, ours):
    assert list(ours.word_counts.items()) == list(legacy.word_counts.items())
    assert dict(ours.word_docs) == dict(legacy.word_docs)
    assert list(ours.word_index.items()) == list(legacy.word_index.items())
    assert ours.index_word == legacy.index_word
    assert dict(ours.index_docs) == dict(legacy.index_docs)
    assert ours.document_count == legacy.document_count


def assert_same_output(legacy, ours, texts):
    sequences = legacy.texts_to_sequences(texts)
    assert ours.texts_to_sequences(texts) == sequences
    assert list(ours.texts_to_sequences_generator(iter(texts))) == sequences
    assert ours.sequences_to_texts(sequences) == legacy.sequences_to_texts(sequences)
    if legacy.word_index or legacy.num_words:
        for mode in ("binary", "count", "freq", "tfidf"):
            if mode == "tfidf" and not legacy.document_count:
                continue
            np.testing.assert_array_equal(
                ours.sequences_to_matrix(sequences, mode=mode),
                legacy.sequences_to_matrix(sequences, mode=mode),
                err_msg=mode,
            )


@settings(
    max_examples=int(os.environ.get("KEMBED_EXAMPLES", 400)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    settings_=SETTINGS,
    texts=st.lists(DOCUMENT, max_size=8),
    others=st.lists(DOCUMENT, max_size=4),
    fast=st.booleans(),
)
def test_generated_text(legacy_text, settings_, texts, others, fast):
    legacy, ours = fit_both(legacy_text, settings_, texts, fast)
    assert_same_state(legacy, ours)
    if ours.word_index or ours.document_count:
        assert_same_output(legacy, ours, texts + others)
    # Fitting again adds to the counts, as the legacy class does.
    legacy.fit_on_texts(others)
    ours.fit_on_texts(others)
    assert_same_state(legacy, ours)
    # JSON goes both ways.
    assert_same_state(legacy, tokenizer_from_json(legacy.to_json()))
    assert_same_state(ours, legacy_text.tokenizer_from_json(ours.to_json()))


@settings(max_examples=30, deadline=None)
@given(length=st.integers(10_000, 200_000), seed=st.integers(0, 2**16))
def test_very_long_documents(legacy_text, length, seed):
    rng = np.random.default_rng(seed)
    vocabulary = np.array(["alpha", "beta", "gamma,", "Delta.", "épsilon", "ζ", "\t", "  "])
    text = " ".join(rng.choice(vocabulary, size=length // 6))
    legacy, ours = fit_both(legacy_text, {"num_words": 5, "oov_token": "?"}, [text, "", text[:99]])
    assert_same_state(legacy, ours)
    assert_same_output(legacy, ours, [text, text[::-1]])


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(settings_=SETTINGS, texts=st.lists(DOCUMENT, max_size=6), segment=st.integers(1, 24))
def test_long_texts_scanned_in_pieces(legacy_text, monkeypatch, settings_, texts, segment):
    """A text longer than `SEGMENT` bytes is cut after separators: nothing changes (the
    hostile test's 53 MB text reserved room for 26 M words at once)."""
    from kembed.text import wordtable

    monkeypatch.setattr(wordtable, "SEGMENT", segment)
    legacy, ours = fit_both(legacy_text, settings_, texts)
    assert_same_state(legacy, ours)
    if ours.word_index or ours.document_count:
        assert_same_output(legacy, ours, texts)


def test_empty_and_punctuation_only(legacy_text):
    texts = ["", "!!! ... ???", " ", "\t\n", "word"]
    for settings_ in ({}, {"oov_token": "<unk>", "num_words": 2}):
        legacy, ours = fit_both(legacy_text, settings_, texts)
        assert_same_state(legacy, ours)
        assert_same_output(legacy, ours, texts)


def test_oov_token_that_is_also_a_word(legacy_text):
    # The legacy class gives the word's rank to the oov token, and id 1 to nothing.
    texts = ["unk unk unk cat", "cat dog unk"]
    legacy, ours = fit_both(legacy_text, {"oov_token": "unk", "num_words": 3}, texts)
    assert_same_state(legacy, ours)
    assert 1 not in ours.index_word
    assert_same_output(legacy, ours, texts + ["bird cat"])


@settings(max_examples=100, deadline=None)
@given(
    settings_=SETTINGS,
    texts=st.lists(DOCUMENT, min_size=1, max_size=8),
    others=st.lists(DOCUMENT, max_size=4),
    sequences=st.lists(st.lists(st.integers(0, 9), max_size=5), max_size=3),
)
def test_counts_unread_until_needed(legacy_text, settings_, texts, others, sequences):
    # A fast-path fit keeps its counts as arrays; the dicts are built when first read,
    # and every later step (another fit, fit_on_sequences, tfidf, JSON) sees them.
    legacy, ours = fit_both(legacy_text, settings_, texts)
    if not settings_["char_level"] and ours._counts is not None:
        assert not set(COUNTED) & set(vars(ours))
        expected = legacy.texts_to_sequences(texts + others)
        assert ours.texts_to_sequences(texts + others) == expected
        assert not set(COUNTED) & set(vars(ours))  # converting builds none of them
        assert_same_state(legacy, ours)  # builds all four, then the arrays are dropped
        assert ours._counts is None
    for tokenizer in (legacy, ours):
        tokenizer.fit_on_sequences(sequences)
        tokenizer.fit_on_texts(others)
    assert_same_state(legacy, ours)
    assert_same_output(legacy, ours, texts + others)


def test_fit_on_sequences_then_texts_keeps_their_documents(legacy_text):
    legacy, ours = legacy_text.Tokenizer(), Tokenizer()
    for tokenizer in (legacy, ours):
        tokenizer.fit_on_sequences([[7, 8], [8]])
        tokenizer.fit_on_texts(["a b", "b"])
    assert_same_state(legacy, ours)
    assert ours.index_docs[8] == 2


def test_json_matches_field_for_field(legacy_text):
    legacy, ours = fit_both(legacy_text, {"num_words": 4, "oov_token": "<unk>"}, ["a b b", "c a"])
    ours_config = json.loads(ours.to_json())
    legacy_config = json.loads(legacy.to_json())
    assert ours_config["class_name"] == legacy_config["class_name"] == "Tokenizer"
    for key, value in legacy_config["config"].items():
        if isinstance(value, str) and value.startswith("{"):
            assert json.loads(ours_config["config"][key]) == json.loads(value), key
        else:
            assert ours_config["config"][key] == value, key
    assert set(ours_config["config"]) == set(legacy_config["config"])


def _mr_texts():
    folder = shared_data("mr")
    return [
        line
        for name in ("rt-polarity.pos", "rt-polarity.neg")
        for line in read_lines(folder / name, encoding="latin-1")
    ]


def _wiki_texts(n_files):
    folder = shared_data("corpus-enwiki-2015", "AA")
    files = sorted(folder.glob("wiki_*"))[:n_files]
    return [line for path in files for line in read_lines(path, skip_prefix="<")]


@pytest.mark.slow
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "python"])
@pytest.mark.parametrize(
    "settings_",
    [{}, {"num_words": 5000, "oov_token": "<OOV>"}, {"num_words": 20000, "lower": False}],
    ids=["defaults", "num_words+oov", "cased"],
)
def test_movie_reviews(legacy_text, settings_, fast):
    texts = _mr_texts()
    assert len(texts) == 10_662  # only "\n" ends a line (the files hold U+0085)
    legacy, ours = fit_both(legacy_text, settings_, texts[::2], fast)
    assert_same_state(legacy, ours)
    assert_same_output(legacy, ours, texts[1::2][:2000])


@pytest.mark.slow
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "python"])
def test_wikipedia(legacy_text, fast):
    texts = _wiki_texts(3)
    legacy, ours = fit_both(legacy_text, {"num_words": 30000, "oov_token": "<unk>"}, texts, fast)
    assert_same_state(legacy, ours)
    sequences = legacy.texts_to_sequences(texts)
    assert ours.texts_to_sequences(texts) == sequences
    assert ours.sequences_to_texts(sequences[:500]) == legacy.sequences_to_texts(sequences[:500])
    np.testing.assert_array_equal(
        ours.sequences_to_matrix(sequences[:300], mode="tfidf"),
        legacy.sequences_to_matrix(sequences[:300], mode="tfidf"),
    )


@pytest.mark.slow
def test_wikipedia_streamed_from_files(legacy_text):
    folder = shared_data("corpus-enwiki-2015", "AA")
    files = sorted(folder.glob("wiki_*"))[:2]
    legacy = legacy_text.Tokenizer()
    legacy.fit_on_texts(_wiki_texts(2))
    ours = Tokenizer()
    ours.fit_on_texts(line for path in files for line in read_lines(path, skip_prefix="<"))
    assert_same_state(legacy, ours)
