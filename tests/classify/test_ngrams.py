"""The n-gram half of the `hybrid` classifier: hashing against a plain-Python reference,
the naive Bayes ratios against a per-n-gram count, and the layers through `.keras`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
ngrams = pytest.importorskip("kembed.classify.ngrams")
from kembed.classify import nbsvm  # noqa: E402

PRIME = 46_337


def _grams(row: list[int], max_n: int):
    """`(n, words)` of each 1- to `max_n`-gram of a padded row that holds no padding."""
    for n in range(1, max_n + 1):
        for start in range(len(row) - n + 1):
            if 0 not in row[start : start + n]:
                yield n, row[start : start + n]


def _reference(row: list[int], max_n: int, buckets: int) -> set[int]:
    """The set of n-gram ids of one padded row, written out plainly."""
    found = set()
    for n, gram in _grams(row, max_n):
        if n == 1:
            found.add(gram[0] % buckets + 1)
            continue
        h = gram[0] % PRIME
        for word in gram[1:]:
            h = ((h % PRIME) * PRIME + word % PRIME) % buckets
        found.add((h + (n - 1) * 7_919) % buckets + 1)
    return found


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.integers(0, 200_000), min_size=6, max_size=6), min_size=1, max_size=4
    ),
    max_n=st.integers(1, 3),
    buckets=st.sampled_from([7, 1000, 2**20]),
)
def test_hashed_ngrams_are_each_ngram_once(rows, max_n, buckets):
    layer = ngrams.HashedNgrams(max_n=max_n, buckets=buckets)
    out = keras.ops.convert_to_numpy(layer(np.array(rows, dtype="int32")))
    assert out.shape == layer.compute_output_shape((len(rows), 6))
    for row, ids in zip(rows, out, strict=True):
        kept = [int(i) for i in ids if i]
        assert len(kept) == len(set(kept))  # binary: a repeat is no new feature
        assert set(kept) == _reference(row, max_n, buckets)
        assert all(1 <= i <= buckets for i in kept)


def _reference_keys(row: list[int], max_n: int) -> set[int]:
    """The set of n-gram keys of one padded row (`keyed=True`), written out plainly."""
    found = set()
    for n, gram in _grams(row, max_n):
        pair = []
        for prime, multiplier in ((46_337, 40_503), (46_327, 31_153)):
            h = (gram[0] % prime + 1) % prime
            for word in gram[1:]:
                h = (h * multiplier + word % prime + 1) % prime
            pair.append((h * multiplier + n) % prime)
        found.add(1 + pair[0] * 46_327 + pair[1])
    return found


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.integers(0, 2**31 - 1), min_size=6, max_size=6), min_size=1, max_size=4
    ),
    max_n=st.integers(1, 3),
)
def test_keyed_ngrams_are_each_ngram_once_by_its_key(rows, max_n):
    layer = ngrams.HashedNgrams(max_n=max_n, keyed=True)
    out = keras.ops.convert_to_numpy(layer(np.array(rows, dtype="int32")))
    assert out.shape == layer.compute_output_shape((len(rows), 6))
    for row, ids in zip(rows, out, strict=True):
        kept = [int(i) for i in ids if i]
        assert len(kept) == len(set(kept))
        assert set(kept) == _reference_keys(row, max_n)
        assert all(1 <= i < ngrams.NO_KEY for i in kept)


def test_distinct_ngrams_of_a_vocabulary_get_distinct_keys():
    rng = np.random.default_rng(0)
    rows = rng.integers(1, 30_000, size=(20_000, 6)).astype("int32")  # 300,000 n-grams
    keys = keras.ops.convert_to_numpy(ngrams.HashedNgrams(3, keyed=True)(rows))
    grams = {(n, tuple(r[i : i + n])) for r in rows.tolist() for n in (1, 2, 3)
             for i in range(7 - n)}  # fmt: skip
    assert len(np.unique(keys[keys > 0])) >= len(grams) - 5  # about 20 in 2**31 collide


def test_a_keyed_linear_layer_finds_each_key_among_its_keys(tmp_path):
    linear = ngrams.NBLinear(4, 2, keyed=True, name="nb_linear")
    linear.set_keys(np.array([5, 70, 900]))
    linear.set_ratios(np.vstack([np.zeros((1, 2)), np.ones((4, 2))]))  # row 0: no feature
    linear.weights_.assign(np.arange(10, dtype="float32").reshape(5, 2))
    keys = np.array([[900, 5, 0, 6, 2**31 - 2], [70, 0, 0, 0, 0]], dtype="int32")
    # rows 3 and 1 (keys 900 and 5); 6 and 2**31 - 2 are no key it holds
    expected = [[6.0 + 2.0, 7.0 + 3.0], [4.0, 5.0]]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(linear(keys)), expected)
    inputs = keras.Input((5,), dtype="int32")
    model = keras.Model(inputs, linear(inputs))
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_allclose(loaded.predict(keys, verbose=0), expected)
    for bad in ([1, 2, 3, 4, 5], [0, 4], [3, 2**31 - 1]):
        with pytest.raises(ValueError, match="at most 4 sorted keys"):
            linear.set_keys(np.array(bad))


def test_nb_ratios_are_the_log_count_ratios_of_wang_and_manning():
    rng = np.random.default_rng(0)
    grams = rng.integers(0, 12, size=(40, 5))
    grams = np.array([[g if g not in row[:k] else 0 for k, g in enumerate(row)] for row in grams])
    y = rng.integers(0, 3, size=40)
    r = nbsvm.nb_ratios(grams, y, 3, buckets=15, alpha=0.5)
    seen = sorted(set(grams.ravel()) - {0})
    for c in range(3):
        p = np.array([0.5 + sum(j in grams[i] for i in range(40) if y[i] == c) for j in seen])
        q = np.array([0.5 + sum(j in grams[i] for i in range(40) if y[i] != c) for j in seen])
        expected = np.log(p / p.sum()) - np.log(q / q.sum())
        np.testing.assert_allclose(r[seen, c], expected, rtol=1e-5)
    assert not r[0].any() and not r[13:].any()  # no feature, and ids no text holds


@pytest.mark.parametrize(
    "arguments, message",
    [({"max_n": 0}, "`max_n` must be an integer from 1 to 5"), ({"buckets": 0}, "`buckets`")],
)
def test_bad_hashing_arguments_are_named(arguments, message):
    with pytest.raises(ValueError, match=message):
        ngrams.HashedNgrams(**arguments)


def test_the_layers_round_trip_through_keras_files(tmp_path):
    inputs = keras.Input((6,), dtype="int32")
    linear = ngrams.NBLinear(50, 2, name="nb_linear")
    model = keras.Model(inputs, linear(ngrams.HashedNgrams(2, 50)(inputs)))
    linear.set_ratios(np.random.default_rng(0).normal(size=(51, 2)).astype("float32"))
    linear.weights_.assign(np.random.default_rng(1).normal(size=(51, 2)).astype("float32"))
    x = np.array([[0, 0, 3, 4, 3, 9], [1, 2, 3, 4, 5, 6]], dtype="int32")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_masked_pooling_leaves_the_padding_out():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3, 5, 4)).astype("float32")
    ids = np.array([[3, 4, 0, 0, 0], [0, 0, 0, 0, 0], [1, 2, 3, 4, 5]], dtype="int32")
    out = keras.ops.convert_to_numpy(ngrams.MaskedPooling()([vectors, ids]))
    for row, (v, i) in enumerate(zip(vectors, ids, strict=True)):
        words = v[i > 0]
        expected = np.concatenate([words.mean(0), words.max(0)]) if len(words) else np.zeros(8)
        np.testing.assert_allclose(out[row], expected, rtol=1e-6, atol=1e-6)
