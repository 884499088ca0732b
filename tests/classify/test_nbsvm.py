"""NBSVM in closed form against scikit-learn's `LinearSVC` (the same liblinear problem) on
MR, the sparse n-gram matrix against a dense reference (hypothesis), and the mix of
scores against the logistic model that generated them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed.classify import nbsvm

svm = pytest.importorskip("sklearn.svm")


def _ngram_ids(texts: list[str]) -> np.ndarray:
    """Texts as the ids of their word 1-2 grams (each once per row, 0 padding)."""
    rows, vocab = [], {}
    for line in texts:
        words = line.split()
        grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        rows.append(sorted({vocab.setdefault(g, len(vocab) + 1) for g in grams}))
    width = max(len(r) for r in rows)
    return np.array([r + [0] * (width - len(r)) for r in rows])


@pytest.fixture(scope="module")
def mr(mr_texts):
    """1,500 texts of each MR class (positive first) as n-gram ids, and their labels."""
    texts = mr_texts[:1500] + mr_texts[-1500:]
    return _ngram_ids(texts), np.repeat([1, 0], 1500)


def test_linear_svm_solves_liblinears_problem(mr):
    ngrams, y = mr
    ratios = nbsvm.nb_ratios(ngrams, y, 2, buckets=int(ngrams.max()))
    columns = np.unique(ngrams[ngrams > 0])
    x = (nbsvm.ngram_matrix(ngrams, columns) @ scipy.sparse.diags(ratios[columns, 1])).tocsr()
    signs = np.where(y == 1, 1.0, -1.0)
    w, b = nbsvm.linear_svm(x, signs, c=1.0)
    oracle = svm.LinearSVC(C=1.0, tol=1e-8, max_iter=100_000).fit(x, y)
    np.testing.assert_allclose(w, oracle.coef_[0], atol=2e-3)
    assert b == pytest.approx(oracle.intercept_[0], abs=2e-3)
    ours, theirs = x @ w + b, oracle.decision_function(x)
    assert (np.sign(ours) == np.sign(theirs)).mean() > 0.999


def test_fit_nbsvm_is_one_svm_per_class_over_the_scaled_ngrams(mr):
    ngrams, y = mr
    y3 = np.where(np.arange(len(y)) % 3 == 0, 2, y)  # a third class
    buckets = int(ngrams.max())
    ratios, weights, bias = nbsvm.fit_nbsvm(ngrams, y3, 3, buckets=buckets)
    columns = np.unique(ngrams[ngrams > 0])
    binary = nbsvm.ngram_matrix(ngrams, columns)
    for k in range(3):
        x = (binary @ scipy.sparse.diags(ratios[columns, k].astype(np.float64))).tocsr()
        w, b = nbsvm.linear_svm(x, np.where(y3 == k, 1.0, -1.0))
        np.testing.assert_allclose(weights[columns, k], w, atol=1e-5)
        assert bias[k] == pytest.approx(b, abs=1e-5)
    unseen = np.setdiff1d(np.arange(buckets + 1), columns)
    assert not weights[unseen].any() and not ratios[unseen].any()


def test_fit_nbsvm_of_two_classes_is_one_svm_turned_round(mr):
    ngrams, y = mr
    buckets = int(ngrams.max())
    ratios, weights, bias = nbsvm.fit_nbsvm(ngrams, y, 2, buckets=buckets)
    np.testing.assert_array_equal(ratios[:, 0], -ratios[:, 1])
    columns = np.unique(ngrams[ngrams > 0])
    x = (nbsvm.ngram_matrix(ngrams, columns) @ scipy.sparse.diags(ratios[columns, 0])).tocsr()
    w, b = nbsvm.linear_svm(x, np.where(y == 0, 1.0, -1.0))  # class 0 solved directly
    np.testing.assert_allclose(weights[columns, 0], w, atol=1e-4)
    assert bias[0] == pytest.approx(b, abs=1e-4)
    scores = (ratios * weights)[ngrams].sum(axis=1) + bias
    assert (scores.argmax(axis=1) == y).mean() > 0.98  # it fits its training texts


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(st.integers(0, 9), min_size=3, max_size=3), min_size=1, max_size=6),
    columns=st.sets(st.integers(1, 9)),
)
def test_ngram_matrix_marks_the_ids_each_text_holds(rows, columns):
    ngrams = np.array(rows)
    columns = np.array(sorted(columns), dtype=np.int64)
    dense = nbsvm.ngram_matrix(ngrams, columns).toarray()
    expected = [[float(c in set(row)) for c in columns] for row in rows]
    np.testing.assert_array_equal(dense, np.array(expected).reshape(dense.shape))


def test_fit_mix_recovers_the_model_that_drew_the_labels():
    rng = np.random.default_rng(0)
    n = 20_000
    scores = [rng.normal(size=(n, 3)) for _ in range(3)]
    truth = np.array([2.0, 0.5, 0.0, 0.3, -0.2, 0.1])
    logits = sum(a * s for a, s in zip(truth[:3], scores, strict=True)) + truth[3:]
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p])
    found = nbsvm.fit_mix(scores, y, l2=0.0)
    np.testing.assert_allclose(found[:3], truth[:3], atol=0.06)
    centred = found[3:] - found[3:].mean()  # the biases are known up to a constant
    np.testing.assert_allclose(centred, truth[3:] - truth[3:].mean(), atol=0.06)


def test_fit_nbsvm_from_an_earlier_fit_finds_the_same_solution(mr):
    ngrams, y = mr
    buckets = int(ngrams.max())
    part = np.arange(len(y)) % 10 != 0
    _, weights, bias = nbsvm.fit_nbsvm(ngrams[part], y[part], 2, buckets=buckets)
    scratch = nbsvm.fit_nbsvm(ngrams, y, 2, buckets=buckets)
    warm = nbsvm.fit_nbsvm(ngrams, y, 2, buckets=buckets, start=(weights, bias))
    for a, b in zip(scratch, warm, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)
