"""Calibrated probabilities: temperature scaling (Guo et al. 2017) fitted on the texts
`fit` held out, and the expected calibration error that measures it. numpy (and scipy's
bounded scalar search); no Keras."""

from __future__ import annotations

import numpy as np

_FLOOR = 1e-7


def scaled(proba: np.ndarray, temperature: float) -> np.ndarray:
    """`proba` with its log-probabilities divided by `temperature` (above 1 softens,
    below 1 sharpens; the most probable class stays the same).

    Example:

    >>> scaled(np.array([[0.8, 0.2]]), 2.0).round(3).tolist()
    [[0.667, 0.333]]
    """
    if temperature == 1.0:
        return proba
    logits = np.log(np.clip(proba, _FLOOR, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return (exp / exp.sum(axis=1, keepdims=True)).astype(proba.dtype)


def fit_temperature(proba: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that minimises the cross-entropy of `scaled(proba, t)` on the
    true class indices `truth` (searched between 0.05 and 20; 1.0 for no data).

    Example:

    >>> proba = np.array([[0.99, 0.01], [0.98, 0.02], [0.97, 0.03], [0.02, 0.98]])
    >>> fit_temperature(proba, np.array([0, 1, 0, 1])) > 1  # overconfident: softened
    True
    """
    if not len(truth):
        return 1.0
    from scipy.optimize import minimize_scalar

    rows = np.arange(len(truth))

    def loss(log_t: float) -> float:
        picked = scaled(proba.astype(np.float64), float(np.exp(log_t)))[rows, truth]
        return float(-np.log(np.clip(picked, _FLOOR, 1.0)).mean())

    found = minimize_scalar(loss, bounds=(np.log(0.05), np.log(20.0)), method="bounded")
    return float(np.exp(found.x)) if loss(found.x) < loss(0.0) else 1.0


def expected_calibration_error(proba: np.ndarray, truth: np.ndarray, *, bins: int = 15):
    """The expected calibration error of the most probable class: over `bins` equal
    bins of confidence, the mean gap between confidence and accuracy, weighted by the
    share of texts in each bin (Naeini et al. 2015; Guo et al. 2017). None for no data.

    Example:

    >>> proba = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    >>> round(expected_calibration_error(proba, np.array([0, 1, 0, 1])), 3)
    0.375
    """
    if not len(truth):
        return None
    confidence = proba.max(axis=1)
    right = proba.argmax(axis=1) == truth
    which = np.minimum((confidence * bins).astype(np.int64), bins - 1)
    counts = np.bincount(which, minlength=bins)
    gaps = np.bincount(which, confidence - right, minlength=bins)
    return float(np.abs(gaps).sum() / len(truth)) if counts.any() else None
