"""kembed.skipgrams / make_sampling_table against keras-preprocessing 1.1.2 (the oracle):
the same pairs and labels from the same random state, on real MR sentences and on
hypothesis-generated sequences; and the bad inputs the legacy code let through."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed import Tokenizer, make_sampling_table, skipgrams

pytestmark = pytest.mark.oracle


@pytest.fixture(scope="module")
def legacy():
    return pytest.importorskip("keras_preprocessing.sequence")


@pytest.mark.parametrize("size, factor", [(1, 1e-5), (10, 1e-5), (10_000, 1e-3), (7, 0.5)])
def test_sampling_table_equals_the_legacy_one(legacy, size, factor):
    np.testing.assert_array_equal(
        make_sampling_table(size, factor), legacy.make_sampling_table(size, factor)
    )


def _both(legacy, state, *args, **kwargs):
    random.seed(state)
    theirs = legacy.skipgrams(*args, **kwargs)
    random.seed(state)
    ours = skipgrams(*args, **kwargs)
    return ours, theirs


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:non-integer arguments to randrange:DeprecationWarning")
def test_pairs_on_real_sentences_equal_the_legacy_ones(legacy, mr_texts):
    tokenizer = Tokenizer(num_words=5_000)
    tokenizer.fit_on_texts(mr_texts)
    table = make_sampling_table(5_000)
    for k, sequence in enumerate(tokenizer.texts_to_sequences(mr_texts[:300])):
        for options in (
            {},
            {"window_size": 2, "negative_samples": 0.5, "seed": k},
            {"sampling_table": table, "categorical": True, "seed": 7},
            {"shuffle": False, "negative_samples": 0.0},
        ):
            ours, theirs = _both(legacy, k, sequence, 5_000, **options)
            assert ours == theirs, (k, options)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 20), max_size=30),
    st.integers(1, 6),
    st.sampled_from([0.0, 0.5, 1.0, 2.0]),
    st.booleans(),
    st.integers(0, 2**31 - 1),
)
@pytest.mark.filterwarnings("ignore:non-integer arguments to randrange:DeprecationWarning")
def test_generated_sequences_equal_the_legacy_pairs(
    legacy, ids, window, negatives, shuffle, state
):
    ours, theirs = _both(
        legacy, state, ids, 21, window_size=window, negative_samples=negatives,
        shuffle=shuffle, seed=state,
    )  # fmt: skip
    assert ours == theirs
    assert all(c[0] != 0 and (label == 0 or c[1] != 0) for c, label in zip(*ours, strict=True))


def test_a_numpy_sequence_and_positional_arguments_work_as_in_ported_code():
    random.seed(1)
    couples, labels = skipgrams(np.array([1, 2, 0, 3]), 4, 1, 0.0, False)
    assert couples == [[1, 2], [2, 1]] and labels == [1, 1]


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (([1, 2], 3), {"window_size": 0}, r"`window_size` must be a positive integer"),
        (([1, 2], 3), {"negative_samples": -1}, r"`negative_samples` must be 0 or more"),
        (([0, 0], 1), {}, r"`vocabulary_size` must be at least 2"),
        (([1, 5], 3), {}, r"must be in \[0, vocabulary_size\) = \[0, 3\).*the id 5"),
        (([-1, 1], 3), {}, r"the id -1"),
    ],
)
def test_bad_input_is_refused(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        skipgrams(*args, **kwargs)
    for size, factor, match in ((0, 1e-5, r"`size`"), (3, 0.0, r"`sampling_factor`")):
        with pytest.raises(ValueError, match=match):
            make_sampling_table(size, factor)
