"""`model="auto"`: the cross-validated choice, its budget, and what is saved of it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kembed.errors import DataWarning

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
TextClassifier = pytest.importorskip("kembed.classify.classifier").TextClassifier
selection = pytest.importorskip("kembed.classify.selection")


def _word_order_data(n=240, seed=0):
    """The same four words in every text; the label says whether "x" comes right before
    "y". A bag of words cannot tell the classes apart, word bigrams can."""
    rng = np.random.default_rng(seed)
    orders = list(itertools.permutations(["x", "y", "z", "w"]))
    texts, labels = [], []
    for _ in range(n):
        words = list(orders[rng.integers(len(orders))])
        texts.append(" ".join(words))
        labels.append("xy" if "x y" in " ".join(words) else "other")
    return texts, labels


def test_auto_picks_the_model_that_clearly_wins():
    texts, labels = _word_order_data()

    def make(model, embedding, seed):
        return TextClassifier(model, embedding=embedding, output_dim=8, seed=seed)

    result = selection.select(
        make,
        texts,
        labels,
        candidates=[("bag", "learned"), ("hybrid", "learned")],
        budget=600,
        seed=0,
        fit={"verbose": 0},
    )
    scores = {row["model"]: row["accuracy"] for row in result.tried}
    assert result.chosen == {"model": "hybrid", "embedding": "learned"}
    assert scores["hybrid"] > 0.95 and scores["bag"] < 0.8
    assert all(len(row["accuracies"]) == 3 for row in result.tried)


def test_an_auto_classifier_trains_the_winner_and_saves_the_choice(tmp_path):
    texts, labels = _word_order_data()
    clf = TextClassifier("auto", output_dim=8, seed=0, budget=600)
    clf.fit(texts, labels, verbose=0)
    assert clf.settings["model"] == "hybrid" and clf.settings["optimizer"] == "adam"
    assert [row["model"] for row in clf.selection.tried] == ["hybrid", "bag", "cnn"]
    assert "<- chosen" in str(clf.selection)
    assert clf.evaluate(texts, labels).accuracy > 0.95
    clf.save(tmp_path / "auto.kembed")
    loaded = TextClassifier.load(tmp_path / "auto.kembed")
    assert loaded.selection == clf.selection and loaded.settings == clf.settings
    assert loaded.predict(texts) == clf.predict(texts)
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), atol=1e-7)
    copy = clf.untrained_copy()
    assert copy.settings["model"] == "auto"  # a copy chooses again


def test_a_budget_too_small_says_so_and_trains_the_default():
    texts, labels = _word_order_data(60)
    clf = TextClassifier("auto", output_dim=4, seed=0, budget=0)
    with pytest.warns(DataWarning, match="budget of 0 s was too small"):
        clf.fit(texts, labels, epochs=1, verbose=0)
    assert clf.selection.tried == [] and clf.settings["model"] == "hybrid"
    assert clf.selection.skipped == ["hybrid/learned", "bag/learned", "cnn/learned"]


def test_a_class_too_small_for_the_folds_is_named():
    texts, labels = ["good film", "bad plot", "dull", "fine"], ["pos", "neg", "neg", "neg"]
    with pytest.raises(ValueError, match=r"smallest class, 1 \(class 'pos'\)"):
        TextClassifier("auto", output_dim=4).fit(texts, labels, verbose=0)


@pytest.mark.parametrize("budget", [-1, "ten", True])
def test_a_bad_budget_is_named(budget):
    with pytest.raises(ValueError, match="`budget` must be"):
        TextClassifier("auto", budget=budget)
