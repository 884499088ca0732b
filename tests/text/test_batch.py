"""The fast path's pieces: the word table against a plain dict, growth, WordIndex tracking."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings

from kembed.text.batch import WordIndex, byte_separators
from kembed.text.words import DEFAULT_FILTERS, text_to_word_sequence
from kembed.text.wordtable import WordTable, chunks

IS_SEP = byte_separators(DEFAULT_FILTERS, " ")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=30), st.integers(1, 64))
def test_word_table_matches_a_dict(texts, capacity):
    table = WordTable(counting=True, capacity=capacity)  # tiny: forces regrowth
    for chunk in chunks(texts, lower=True):
        table.scan(chunk, IS_SEP, record=False)
    counts: dict[str, int] = {}
    docs: dict[str, int] = {}
    for text in texts:
        words = text_to_word_sequence(text)
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        for word in set(words):
            docs[word] = docs.get(word, 0) + 1
    words = table.words(0, len(table))
    assert words == list(counts)
    assert table.counts.tolist() == list(counts.values())
    assert dict(zip(words, table.docs.tolist(), strict=True)) == docs
    assert table.n_docs == len(texts)


def test_frozen_lookup_adds_nothing():
    table = WordTable(counting=False)
    (chunk,) = chunks(["a b c"], lower=False)
    table.scan(chunk, IS_SEP, record=True)
    (chunk,) = chunks(["c x a", "", "y"], lower=False)
    ids, offsets = table.scan(chunk, IS_SEP, record=True, frozen=True)
    assert ids.tolist() == [2, -1, 0, -1] and offsets.tolist() == [0, 3, 3, 4]
    assert len(table) == 3


def test_separators_need_ascii():
    assert byte_separators("é", " ") is None
    assert byte_separators(".", "stop") is None
    is_sep = byte_separators(".,", " ")
    assert np.flatnonzero(is_sep).tolist() == [32, 44, 46]


def test_word_index_counts_changes():
    index = WordIndex(a=1)
    versions = [index.version]
    for change in (
        lambda: index.__setitem__("b", 2),
        lambda: index.update(c=3),
        lambda: index.setdefault("d", 4),
        lambda: index.pop("d"),
        lambda: index.__delitem__("c"),
        lambda: index.__ior__({"e": 5}),
        lambda: index.popitem(),
        lambda: index.clear(),
    ):
        change()
        versions.append(index.version)
    assert versions == sorted(set(versions))
    assert index == {} and isinstance(index, dict)
