"""`Evaluation`: accuracy, macro-F1, per-class precision / recall / F1 and the confusion
matrix of a classifier's predictions, from label indices. numpy only; no Keras."""

from __future__ import annotations

import dataclasses

import numpy as np

from kembed.classify.calibration import expected_calibration_error, scaled


@dataclasses.dataclass
class Evaluation:
    """How well predictions match the true labels.

    Attributes:
        labels: The class names, in the order of the matrix rows and columns.
        confusion: `confusion[i, j]` counts documents of class `i` predicted as `j`.
        loss: The model's loss on the data, if known.
        ece: The expected calibration error of the probabilities, if known.
        ece_uncalibrated: The same before temperature scaling, if known.

    Example:

    >>> e = Evaluation(["neg", "pos"], np.array([[3, 1], [0, 4]]))
    >>> e.accuracy, round(e.macro_f1, 3), e.recall.tolist()
    (0.875, 0.873, [0.75, 1.0])
    """

    labels: list[str]
    confusion: np.ndarray
    loss: float | None = None
    ece: float | None = None
    ece_uncalibrated: float | None = None

    @property
    def support(self) -> np.ndarray:
        """Documents per true class."""
        return self.confusion.sum(axis=1)

    @property
    def accuracy(self) -> float:
        total = self.confusion.sum()
        return float(np.trace(self.confusion) / total) if total else 0.0

    @property
    def precision(self) -> np.ndarray:
        """Per class; 0 where the class was never predicted."""
        predicted = self.confusion.sum(axis=0)
        return np.divide(
            np.diag(self.confusion), predicted, out=np.zeros(len(predicted)), where=predicted > 0
        )

    @property
    def recall(self) -> np.ndarray:
        """Per class; 0 where the class has no documents."""
        support = self.support
        return np.divide(
            np.diag(self.confusion), support, out=np.zeros(len(support)), where=support > 0
        )

    @property
    def f1(self) -> np.ndarray:
        p, r = self.precision, self.recall
        return np.divide(2 * p * r, p + r, out=np.zeros(len(p)), where=(p + r) > 0)

    @property
    def macro_f1(self) -> float:
        """The unweighted mean of the per-class F1 (classes with no documents and no
        predictions left out)."""
        present = (self.support > 0) | (self.confusion.sum(axis=0) > 0)
        return float(self.f1[present].mean()) if present.any() else 0.0

    def to_dict(self) -> dict:
        """The evaluation as JSON-ready data (what `kembed classify ... --json` prints).

        Example:

        >>> Evaluation(["neg", "pos"], np.array([[1, 0], [0, 1]])).to_dict()["accuracy"]
        1.0
        """
        return {
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "loss": self.loss,
            "ece": self.ece,
            "ece_uncalibrated": self.ece_uncalibrated,
            "per_class": {
                label: {
                    "precision": float(p),
                    "recall": float(r),
                    "f1": float(f),
                    "support": int(s),
                }
                for label, p, r, f, s in zip(
                    self.labels, self.precision, self.recall, self.f1, self.support, strict=True
                )
            },
            "confusion": self.confusion.tolist(),
        }

    def __str__(self) -> str:
        width = max(8, *(len(label) for label in self.labels))
        lines = [
            f"accuracy {self.accuracy:.4f}   macro-F1 {self.macro_f1:.4f}"
            + (f"   loss {self.loss:.4f}" if self.loss is not None else "")
            + (f"   ECE {self.ece:.4f}" if self.ece is not None else "")
            + (
                f" ({self.ece_uncalibrated:.4f} uncalibrated)"
                if self.ece_uncalibrated is not None
                else ""
            ),
            "",
            f"{'class':<{width}} {'precision':>9} {'recall':>7} {'F1':>7} {'support':>8}",
        ]
        for label, p, r, f, s in zip(
            self.labels, self.precision, self.recall, self.f1, self.support, strict=True
        ):
            lines.append(f"{label:<{width}} {p:>9.4f} {r:>7.4f} {f:>7.4f} {s:>8,}")
        lines += ["", "confusion (rows: true, columns: predicted)"]
        cell = max(7, width, len(f"{self.confusion.max(initial=0):,}"))
        lines.append(" " * width + "".join(f" {label[:cell]:>{cell}}" for label in self.labels))
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"{label:<{width}}" + "".join(f" {n:>{cell},}" for n in row))
        return "\n".join(lines)


def evaluation(
    labels: list[str], truth: np.ndarray, predicted: np.ndarray, loss: float | None = None
) -> Evaluation:
    """The `Evaluation` of predicted class indices against true ones.

    Example:

    >>> e = evaluation(["neg", "pos"], np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
    >>> e.accuracy, e.confusion.tolist()
    (0.75, [[1, 1], [0, 2]])
    """
    n = len(labels)
    confusion = np.bincount(
        np.asarray(truth, dtype=np.int64) * n + np.asarray(predicted, dtype=np.int64),
        minlength=n * n,
    ).reshape(n, n)
    return Evaluation(list(labels), confusion, loss)


def probability_evaluation(
    labels: list[str], truth: np.ndarray, proba: np.ndarray, *, temperature: float = 1.0
) -> Evaluation:
    """The `Evaluation` of class probabilities: the most probable class as the prediction,
    the mean cross-entropy (probabilities clipped at 1e-7) as the loss, and the expected
    calibration error, of `proba` scaled by `temperature` (and, if that is not 1, of
    `proba` as given, as `ece_uncalibrated`).

    Example:

    >>> proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> e = probability_evaluation(["neg", "pos"], np.array([0, 1, 1]), proba)
    >>> round(e.accuracy, 3), round(e.loss, 3), round(e.ece, 3)
    (0.667, 0.415, 0.3)
    """
    calibrated = scaled(proba, temperature)
    picked = np.clip(calibrated[np.arange(len(truth)), truth], 1e-7, 1.0)
    loss = float(-np.log(picked).mean()) if len(truth) else None
    result = evaluation(labels, truth, proba.argmax(axis=1), loss)
    result.ece = expected_calibration_error(calibrated, truth)
    if temperature != 1.0:
        result.ece_uncalibrated = expected_calibration_error(proba, truth)
    return result
