"""The linear half of the `hybrid` classifier, fitted in closed form: NBSVM (Wang & Manning
2012), a linear SVM over binary n-gram features scaled by naive Bayes log-count ratios
(`fit_nbsvm`), and the weights that mix its scores with the word-vector model's on the
held-out texts (`fit_mix`). numpy and scipy only, no Keras: the Keras layers that use the
results are in `kembed.classify.ngrams`."""

from __future__ import annotations

import numpy as np
import scipy.optimize
import scipy.sparse


def nb_ratios(
    ngrams: np.ndarray, y: np.ndarray, classes: int, *, buckets: int, alpha: float = 1.0
) -> np.ndarray:
    """The naive Bayes log-count ratio of each n-gram id for each class against the others
    (Wang & Manning 2012): `log(p / |p|_1) - log(q / |q|_1)`, where `p` counts the texts
    of the class that hold the n-gram (plus `alpha`) and `q` those of the other classes,
    over the n-grams the texts hold (an unseen id gets 0).

    Example:

    >>> ngrams = np.array([[1, 0], [1, 2], [2, 0]])  # texts as n-gram ids (0: none)
    >>> r = nb_ratios(ngrams, np.array([1, 1, 0]), 2, buckets=3)
    >>> bool(r[1, 1] > 0 > r[2, 1]), r.shape, r[3].tolist()
    (True, (4, 2), [0.0, 0.0])

    Args:
        ngrams: `(texts, positions)` n-gram ids, each at most once per row (0: none).
        y: Each text's class index.
        classes: How many classes.
        buckets: The largest id.
        alpha: The smoothing count.

    Returns:
        A float32 `(buckets + 1, classes)` array (row 0 and unseen ids are zeros).
    """
    rows = np.repeat(np.arange(len(ngrams)), ngrams.shape[1])
    flat = ngrams.ravel()
    present = flat > 0
    rows, flat = rows[present], flat[present]
    seen = np.unique(flat)
    ratios = np.zeros((buckets + 1, classes), dtype=np.float32)
    for c in range(classes):
        mine = y[rows] == c
        p = alpha + np.bincount(flat[mine], minlength=buckets + 1)[seen]
        q = alpha + np.bincount(flat[~mine], minlength=buckets + 1)[seen]
        ratios[seen, c] = np.log(p / p.sum()) - np.log(q / q.sum())
    return ratios


def sorted_rows(keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Where each of `ids` is in the sorted `keys`, counted from 1; 0 for an id that is
    not there or is 0 (no n-gram).

    Example:

    >>> sorted_rows(np.array([3, 7, 9]), np.array([[9, 0, 4], [3, 7, 12]])).tolist()
    [[3, 0, 0], [1, 2, 0]]
    """
    if not len(keys):
        return np.zeros_like(ids)
    at = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
    return np.where((keys[at] == ids) & (ids > 0), at + 1, 0)


def ngram_matrix(ngrams: np.ndarray, columns: np.ndarray) -> scipy.sparse.csr_matrix:
    """The binary `(texts, len(columns))` matrix of which of the n-gram ids `columns`
    (sorted) each text holds; `ngrams` are the texts as n-gram ids (0: none), other ids
    left out, a repeat counted once.

    Example:

    >>> ngrams_matrix = ngram_matrix(np.array([[3, 0], [1, 3]]), np.array([1, 3]))
    >>> ngrams_matrix.toarray().tolist()
    [[0.0, 1.0], [1.0, 1.0]]
    """
    rows = np.repeat(np.arange(len(ngrams)), ngrams.shape[1])
    at = sorted_rows(columns, ngrams.ravel())
    keep = at > 0
    data = np.ones(int(keep.sum()), dtype=np.float64)
    shape = (len(ngrams), len(columns))
    matrix = scipy.sparse.csr_matrix((data, (rows[keep], at[keep] - 1)), shape=shape)
    matrix.data[:] = 1.0  # binary: an id repeated in a row was summed
    return matrix


def linear_svm(
    x, y: np.ndarray, *, c: float = 1.0, start: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """The L2-regularised, squared-hinge linear SVM of liblinear (scikit-learn's
    `LinearSVC` defaults: the intercept a feature of 1, regularised with the weights),
    `min 0.5 |(w, b)|^2 + c * sum(max(0, 1 - y (x w + b))^2)`, solved by a truncated
    Newton method on the primal (scipy's `trust-krylov`, with the generalised Hessian of
    Keerthi & DeCoste 2005).

    Example:

    >>> x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.2], [0.1, 1.0]])
    >>> w, b = linear_svm(x, np.array([1, -1, 1, -1]))
    >>> (np.sign(x @ w + b) == [1, -1, 1, -1]).all()
    np.True_

    Args:
        x: `(texts, features)` array or sparse matrix.
        y: Each text's label, -1 or 1.
        c: The weight of the loss against the regulariser.
        start: Optional `(features + 1,)` weights and intercept to start from.

    Returns:
        `(weights, intercept)`.
    """
    y = np.asarray(y, dtype=np.float64)

    def active(theta):
        return np.maximum(1.0 - y * (x @ theta[:-1] + theta[-1]), 0.0)

    def loss(theta):
        margin = active(theta)
        step = -2.0 * c * y * margin
        value = 0.5 * theta @ theta + c * margin @ margin
        return value, np.append(theta[:-1] + x.T @ step, theta[-1] + step.sum())

    def hessian_times(theta, v):
        u = 2.0 * c * (active(theta) > 0) * (x @ v[:-1] + v[-1])
        return np.append(v[:-1] + x.T @ u, v[-1] + u.sum())

    theta = np.zeros(x.shape[1] + 1) if start is None else np.asarray(start, np.float64)
    found = scipy.optimize.minimize(
        loss, theta, jac=True, hessp=hessian_times, method="trust-krylov", options={"gtol": 1e-6}
    )
    return found.x[:-1], float(found.x[-1])


def fit_nbsvm(
    ngrams: np.ndarray,
    y: np.ndarray,
    classes: int,
    *,
    buckets: int,
    c: float = 1.0,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """NBSVM, one class against the others: the naive Bayes log-count ratios of the
    n-grams (`nb_ratios`) and, for each class, a `linear_svm` over the texts' binary
    n-grams scaled by them.

    Example:

    >>> ngrams = np.array([[1, 3], [1, 0], [2, 3], [2, 0]])
    >>> ratios, weights, bias = fit_nbsvm(ngrams, np.array([1, 1, 0, 0]), 2, buckets=3)
    >>> ratios.shape, weights.shape, bias.shape
    ((4, 2), (4, 2), (2,))
    >>> scores = (ratios * weights)[ngrams].sum(axis=1) + bias
    >>> scores.argmax(axis=1).tolist()
    [1, 1, 0, 0]

    Args:
        ngrams: `(texts, positions)` n-gram ids, each at most once per row (0: none).
        y: Each text's class index.
        classes: How many classes.
        buckets: The largest id.
        c: The SVM's weight of the loss (Wang & Manning's 1).
        start: Optional `(weights, bias)` of an earlier fit (on some of the texts) to
            start from: the same solution, found in fewer steps.

    Returns:
        `(ratios, weights, bias)`: float32 `(buckets + 1, classes)` ratios and SVM
        weights (zeros for ids the texts do not hold) and the `(classes,)` intercepts.
    """
    ratios = nb_ratios(ngrams, y, classes, buckets=buckets)
    columns = np.unique(ngrams[ngrams > 0])
    x = ngram_matrix(ngrams, columns)
    weights = np.zeros_like(ratios)
    bias = np.zeros(classes, dtype=np.float32)
    for k in range(classes):
        if classes == 2 and k == 0:  # class 0's ratios and labels are class 1's negated
            continue
        scaled = x @ scipy.sparse.diags(ratios[columns, k].astype(np.float64))
        begin = None if start is None else np.append(start[0][columns, k], start[1][k])
        w, bias[k] = linear_svm(scaled.tocsr(), np.where(y == k, 1.0, -1.0), c=c, start=begin)
        weights[columns, k] = w
    if classes == 2:  # so its SVM is class 1's with the intercept negated
        weights[:, 0], bias[0] = weights[:, 1], -bias[1]
    return ratios, weights, bias


def fit_mix(scores: list[np.ndarray], y: np.ndarray, *, l2: float = 1e-3) -> np.ndarray:
    """The weights that mix several models' class scores into one classifier:
    `softmax(sum_k a[k] * scores[k] + a[K:])`, the `K` scale factors `a[:K]` and a bias
    per class `a[K:]` fitted by the cross-entropy on held-out texts (with a small L2
    penalty on the factors). The mix is calibrated on those texts as a temperature would
    be.

    Example:

    >>> good = np.array([[0.0, 2.0], [0.0, -2.0], [0.0, 1.0], [0.0, -0.5]])
    >>> bad = -good  # a model that is always wrong
    >>> a = fit_mix([good, bad], np.array([1, 0, 1, 0]))
    >>> bool(a[0] > 0 > a[1]), a.shape  # the wrong one is turned round
    (True, (4,))

    Args:
        scores: `K` arrays of `(texts, classes)` scores (logits, or any linear scores).
        y: Each text's class index.
        l2: The penalty on the scale factors.

    Returns:
        `K + classes` float64 numbers: the factors, then the biases.
    """
    stacked = np.stack(scores)  # (K, texts, classes)
    count, n, classes = stacked.shape
    target = np.eye(classes)[y]

    def loss(a):
        logits = np.tensordot(a[:count], stacked, axes=1) + a[count:]
        logits -= logits.max(axis=1, keepdims=True)
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        step = (np.exp(log_p) - target) / n
        grad = np.append(np.einsum("knc,nc->k", stacked, step) + 2 * l2 * a[:count], step.sum(0))
        return -(target * log_p).sum() / n + l2 * a[:count] @ a[:count], grad

    start = np.append(np.ones(count), np.zeros(classes))
    return scipy.optimize.minimize(loss, start, jac=True, method="L-BFGS-B").x
