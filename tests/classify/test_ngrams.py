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


def _reference(row: list[int], max_n: int, buckets: int) -> set[int]:
    """The set of n-gram ids of one padded row, written out plainly."""
    found = set()
    for n in range(1, max_n + 1):
        for start in range(len(row) - n + 1):
            gram = row[start : start + n]
            if 0 in gram:
                continue
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
