"""Cross-validation of a `TextClassifier`: stratified, seeded folds (checked against the
smallest class before anything trains), a fresh classifier trained per fold, and a
`CrossValidation` with each fold's `Evaluation` and the mean and spread. Keras code (it
trains); `kembed classify cv` prints what this returns."""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable, Sequence

import numpy as np

from kembed.classify.data import stratified_folds
from kembed.classify.metrics import Evaluation


@dataclasses.dataclass(frozen=True)
class CrossValidation:
    """The result of `cross_validate`.

    Example:

    >>> from kembed.classify.metrics import Evaluation
    >>> folds = [Evaluation(["a", "b"], np.array([[4, 1], [0, 5]])),
    ...          Evaluation(["a", "b"], np.array([[5, 0], [1, 4]]))]
    >>> print(CrossValidation(folds, seed=0))
    2-fold accuracy 90.00 ± 0.00 %, macro-F1 89.90 ± 0.00 %

    Attributes:
        folds: Each fold's `Evaluation` on its held-out documents, in fold order.
        seed: The seed of the folds (fold `k`'s classifier is seeded `seed + k`).
    """

    folds: list[Evaluation]
    seed: int

    @property
    def accuracy(self) -> list[float]:
        return [fold.accuracy for fold in self.folds]

    @property
    def macro_f1(self) -> list[float]:
        return [fold.macro_f1 for fold in self.folds]

    def summary(self) -> dict[str, float]:
        """Means and sample standard deviations over the folds.

        Example:

        >>> from kembed.classify.metrics import Evaluation
        >>> folds = [Evaluation(["a", "b"], np.array([[4, 1], [0, 5]])),
        ...          Evaluation(["a", "b"], np.array([[5, 0], [1, 4]]))]
        >>> CrossValidation(folds, seed=0).summary()["accuracy_mean"]
        0.9
        """
        accuracy, macro = self.accuracy, self.macro_f1
        return {
            "accuracy_mean": statistics.mean(accuracy),
            "accuracy_std": statistics.stdev(accuracy),
            "macro_f1_mean": statistics.mean(macro),
            "macro_f1_std": statistics.stdev(macro),
        }

    def to_dict(self) -> dict:
        return {
            "folds": len(self.folds),
            "seed": self.seed,
            **self.summary(),
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
        }

    def __str__(self) -> str:
        s = self.summary()
        return (
            f"{len(self.folds)}-fold accuracy {100 * s['accuracy_mean']:.2f} "
            f"± {100 * s['accuracy_std']:.2f} %, macro-F1 "
            f"{100 * s['macro_f1_mean']:.2f} ± {100 * s['macro_f1_std']:.2f} %"
        )


def cross_validate(
    classifier,
    texts: Sequence[str],
    labels: Sequence,
    *,
    folds: int = 10,
    seed: int = 0,
    fit: dict | None = None,
    on_fold: Callable[[int, Evaluation], None] | None = None,
) -> CrossValidation:
    """Trains a fresh copy of `classifier` on k-1 folds and evaluates it on the last, k
    times; the folds are stratified by class and seeded.

    Example:

    >>> from kembed import TextClassifier
    >>> texts = ["good fun", "great film", "bad plot", "dull film"] * 6
    >>> labels = ["pos", "pos", "neg", "neg"] * 6
    >>> result = cross_validate(TextClassifier("bag", output_dim=4), texts, labels,
    ...                         folds=3, fit={"epochs": 2, "verbose": 0})
    >>> len(result.folds), 0 <= result.summary()["accuracy_mean"] <= 1
    (3, True)

    Args:
        classifier: An untrained `TextClassifier`: its settings (and vectors) are those
            of every fold's classifier; fold `k`'s is seeded `seed + k`.
        texts: The documents.
        labels: Their labels.
        folds: How many folds (at most the number of documents of the smallest class).
        seed: The seed of the folds and the classifiers.
        fit: Optional keyword arguments of `TextClassifier.fit` (`epochs`, `monitor`,
            `patience`, `verbose`, ...); `verbose` defaults to 0.
        on_fold: Optional function called with each fold's number (from 1) and
            `Evaluation` as soon as it is known (progress).

    Returns:
        A `CrossValidation`.

    Raises:
        ValueError: if texts and labels differ in length, or `folds` is below 2 or
            above the smallest class's number of documents (before anything trains).
        TrainingInterrupted: on Ctrl-C (no result).
    """
    texts, labels = list(texts), list(labels)
    if len(texts) != len(labels):
        raise ValueError(f"Got {len(texts):,} texts but {len(labels):,} labels.")
    splits = stratified_folds(labels, folds, seed=seed)  # checked before training
    options = {"verbose": 0, **(fit or {})}
    results = []
    for k, test in enumerate(splits):
        train = np.setdiff1d(np.arange(len(texts)), test).tolist()
        model = classifier.untrained_copy(seed=seed + k)
        model.fit([texts[i] for i in train], [labels[i] for i in train], **options)
        result = model.evaluate([texts[i] for i in test], [labels[i] for i in test])
        results.append(result)
        if on_fold is not None:
            on_fold(k + 1, result)
    return CrossValidation(results, seed)
