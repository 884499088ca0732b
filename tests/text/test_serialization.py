"""tokenizer_from_json: every way the JSON can be wrong gives a ValueError that says so."""

from __future__ import annotations

import contextlib
import json

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from kembed.text import Tokenizer, tokenizer_from_json


@pytest.fixture(scope="module")
def document():
    tokenizer = Tokenizer(num_words=10, oov_token="<unk>")
    tokenizer.fit_on_texts(["the cat sat", "the dog"])
    return json.loads(tokenizer.to_json())


def edited(document, **changes):
    copy = json.loads(json.dumps(document))
    for key, value in changes.items():
        if value is None:
            del copy["config"][key]
        else:
            copy["config"][key] = value
    return json.dumps(copy)


def test_round_trip(document):
    tokenizer = tokenizer_from_json(json.dumps(document))
    assert tokenizer.word_index == {"<unk>": 1, "the": 2, "cat": 3, "sat": 4, "dog": 5}
    assert tokenizer.texts_to_sequences(["the bird"]) == [[2, 1]]
    tokenizer.fit_on_texts(["bird"])  # loaded counts are live, not frozen
    assert tokenizer.word_counts["bird"] == 1 and tokenizer.word_docs["bird"] == 1


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{not json", r"invalid JSON at line 1, column 2"),
        ("[1, 2]", r"expected an object with a 'config' object"),
        ('{"config": 3}', r"expected an object with a 'config' object"),
        ("", r"invalid JSON at line 1, column 1"),
    ],
)
def test_not_a_tokenizer(text, match):
    with pytest.raises(ValueError, match=match):
        tokenizer_from_json(text)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"word_index": None}, r"missing config keys \['word_index'\]"),
        ({"colour": "red"}, r"unknown config keys \['colour'\]"),
        ({"word_counts": {"a": 1}}, r"'word_counts': expected a JSON string, found dict"),
        ({"word_docs": "{oops"}, r"'word_docs': not valid JSON"),
        ({"word_docs": "[1]"}, r"'word_docs': expected an object"),
        ({"index_word": '{"x": "the"}'}, r"'index_word': key 'x' is not an integer id"),
        ({"word_index": '{"the": "2"}'}, r"'word_index': entry 'the' holds '2', expected a non"),
        ({"word_counts": '{"the": -1}'}, r"'word_counts': entry 'the' holds -1"),
        ({"index_word": '{"1": "<unk>"}'}, r"'index_word' is not the inverse of 'word_index'"),
        ({"word_docs": '{"zebra": 1}'}, r"'word_docs' holds words missing from 'word_counts'"),
        ({"num_words": -3}, r"Invalid tokenizer setting.*|`num_words` must be"),
        ({"lower": "yes"}, r"Invalid tokenizer setting in 'config': `lower` must be True"),
    ],
)
def test_damaged_config(document, changes, match):
    with pytest.raises(ValueError, match=match):
        tokenizer_from_json(edited(document, **changes))


def test_load_names_the_file(tmp_path):
    path = tmp_path / "tok.json"
    path.write_text('{"config": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"tok.json: Not a tokenizer's JSON: missing config"):
        Tokenizer.load(path)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
            lambda children: st.lists(children) | st.dictionaries(st.text(max_size=5), children),
        ).map(json.dumps),
    )
)
def test_arbitrary_input_never_crashes_otherwise(text):
    with contextlib.suppress(ValueError):
        tokenizer_from_json(text)
