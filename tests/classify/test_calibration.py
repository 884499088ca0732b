"""Temperature scaling and the expected calibration error, against plain references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kembed.classify.calibration import expected_calibration_error, fit_temperature, scaled


def _nll(proba, truth, t):
    return -np.log(np.clip(scaled(proba, t)[np.arange(len(truth)), truth], 1e-7, 1)).mean()


def _proba(seed, n=300, classes=3, sharpness=4.0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, classes)) * sharpness
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    # The truth follows softer probabilities than the model says: it is overconfident.
    soft = scaled(proba, sharpness)
    truth = np.array([rng.choice(classes, p=row / row.sum()) for row in soft])
    return proba, truth


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_temperature_is_the_best_on_a_fine_grid(seed):
    proba, truth = _proba(seed)
    t = fit_temperature(proba, truth)
    grid = np.exp(np.linspace(np.log(0.05), np.log(20), 2001))
    best = grid[np.argmin([_nll(proba, truth, g) for g in grid])]
    assert t == pytest.approx(best, rel=0.01)
    assert t > 1  # overconfident: softened
    assert _nll(proba, truth, t) < _nll(proba, truth, 1.0)
    before, after = (expected_calibration_error(p, truth) for p in (proba, scaled(proba, t)))
    assert after < before


def test_the_calibration_error_is_the_binned_gap():
    rng = np.random.default_rng(3)
    proba = rng.dirichlet(np.ones(4), size=500)
    truth = rng.integers(0, 4, size=500)
    confidence, right = proba.max(axis=1), proba.argmax(axis=1) == truth
    total = 0.0
    for b in range(15):
        inside = (confidence >= b / 15) & (confidence < (b + 1) / 15)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - right[inside].mean())
    assert expected_calibration_error(proba, truth) == pytest.approx(total)


def test_nothing_to_calibrate_on():
    proba = np.zeros((0, 2))
    truth = np.zeros(0, dtype=int)
    assert fit_temperature(proba, truth) == 1.0
    assert expected_calibration_error(proba, truth) is None


@settings(max_examples=80, deadline=None)
@given(
    proba=arrays(np.float64, (5, 3), elements=st.floats(1e-6, 1.0)),
    t=st.floats(0.05, 20),
)
def test_scaling_keeps_the_most_probable_class_and_sums_to_one(proba, t):
    proba = proba / proba.sum(axis=1, keepdims=True)
    out = scaled(proba, t)
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-9)
    picked = out[np.arange(5), proba.argmax(axis=1)]
    assert (picked >= out.max(axis=1) - 1e-12).all()
