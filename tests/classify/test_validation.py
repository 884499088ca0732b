"""`cross_validate`: stratified seeded folds, a fresh classifier per fold, the summary the
CLI prints, and the folds checked before anything trains."""

from __future__ import annotations

import statistics

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
TextClassifier = pytest.importorskip("kembed.classify.classifier").TextClassifier
validation = pytest.importorskip("kembed.classify.validation")


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    labels = ["pos" if i % 2 else "neg" for i in range(n)]
    words = {"pos": ["good", "great", "fine"], "neg": ["bad", "dull", "poor"]}
    texts = [" ".join([*rng.choice(words[y], 3), "film"]) for y in labels]
    return texts, labels


def test_each_fold_is_tested_on_its_own_documents_with_a_fresh_classifier(monkeypatch):
    texts, labels = _data()
    seen = []
    fit = TextClassifier.fit

    def spy(self, fit_texts, fit_labels, **kwargs):
        seen.append((self.settings["seed"], len(fit_texts), kwargs))
        return fit(self, fit_texts, fit_labels, **kwargs)

    monkeypatch.setattr(TextClassifier, "fit", spy)
    template = TextClassifier("bag", output_dim=4, seed=123)
    folds = []
    result = validation.cross_validate(
        template,
        texts,
        labels,
        folds=3,
        seed=5,
        fit={"epochs": 3},
        on_fold=lambda k, r: folds.append(k),
    )
    assert folds == [1, 2, 3] and len(result.folds) == 3
    assert [s for s, _, _ in seen] == [5, 6, 7]  # fold k is seeded seed + k
    assert [n for _, n, _ in seen] == [40, 40, 40]
    assert all(kw == {"verbose": 0, "epochs": 3} for _, _, kw in seen)
    assert sum(int(r.confusion.sum()) for r in result.folds) == len(texts)  # each once
    assert template.model is None  # the template stays untrained
    summary = result.summary()
    assert summary["accuracy_mean"] == pytest.approx(statistics.mean(result.accuracy))
    assert summary["accuracy_std"] == pytest.approx(statistics.stdev(result.accuracy))
    assert result.to_dict()["folds"] == 3 and "3-fold accuracy" in str(result)


def test_the_same_seed_gives_the_same_result():
    texts, labels = _data()
    runs = [
        validation.cross_validate(
            TextClassifier("bag", output_dim=4), texts, labels, folds=2, fit={"epochs": 2}
        ).accuracy
        for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_too_many_folds_fail_before_training(monkeypatch):
    texts, labels = _data(40)
    monkeypatch.setattr(TextClassifier, "fit", lambda *a, **k: pytest.fail("trained"))
    with pytest.raises(ValueError, match=r"smallest class, 20"):
        validation.cross_validate(TextClassifier("bag"), texts, labels, folds=30)
    with pytest.raises(ValueError, match=r"40 texts but 39 labels"):
        validation.cross_validate(TextClassifier("bag"), texts, labels[:-1])


def test_an_untrained_copy_keeps_the_settings_not_the_training():
    texts, labels = _data()
    clf = TextClassifier("bag", output_dim=4, num_words=50, seed=1)
    clf.fit(texts, labels, epochs=1, verbose=0)
    copy = clf.untrained_copy(seed=9)
    assert copy.model is None and copy.settings["seed"] == 9
    assert copy.settings["max_length"] is None  # fit chose one; the copy chooses again
    assert {
        k: v for k, v in copy.settings.to_dict().items() if k not in ("seed", "max_length")
    } == {k: v for k, v in clf.settings.to_dict().items() if k not in ("seed", "max_length")}
