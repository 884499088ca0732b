"""`Evaluation` against a plain-Python reference on arbitrary labels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed.classify.metrics import evaluation


def _reference(truth, predicted, n):
    precision, recall, f1 = [], [], []
    for c in range(n):
        tp = sum(t == c and p == c for t, p in zip(truth, predicted, strict=True))
        predicted_c = sum(p == c for p in predicted)
        actual_c = sum(t == c for t in truth)
        p = tp / predicted_c if predicted_c else 0.0
        r = tp / actual_c if actual_c else 0.0
        precision.append(p)
        recall.append(r)
        f1.append(2 * p * r / (p + r) if p + r else 0.0)
    present = [c for c in range(n) if c in truth or c in predicted]
    macro = sum(f1[c] for c in present) / len(present) if present else 0.0
    return precision, recall, f1, macro


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 5),
    pairs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40),
)
def test_matches_a_plain_python_reference(n, pairs):
    truth = [t % n for t, _ in pairs]
    predicted = [p % n for _, p in pairs]
    e = evaluation([f"c{i}" for i in range(n)], np.array(truth), np.array(predicted))

    precision, recall, f1, macro = _reference(truth, predicted, n)
    np.testing.assert_allclose(e.precision, precision)
    np.testing.assert_allclose(e.recall, recall)
    np.testing.assert_allclose(e.f1, f1)
    assert e.macro_f1 == pytest.approx(macro)
    assert e.accuracy == pytest.approx(np.mean(np.array(truth) == np.array(predicted)))
    assert e.confusion.sum() == len(pairs)
    assert e.support.tolist() == [truth.count(c) for c in range(n)]


def test_table_and_dict():
    e = evaluation(["neg", "pos"], np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), loss=0.5)
    text = str(e)
    assert "accuracy 0.7500" in text and "loss 0.5000" in text
    assert "neg         1.0000  0.5000  0.6667        2" in text
    assert e.to_dict()["per_class"]["pos"]["recall"] == 1.0
    assert e.to_dict()["confusion"] == [[1, 1], [0, 2]]
