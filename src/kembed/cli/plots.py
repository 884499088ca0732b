"""PNG plots for `kembed classify --plots DIR`: learning curves, a confusion matrix and the
words fine-tuning moved (matplotlib, imported when a plot is asked for, with the
non-interactive Agg backend)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from kembed._io import atomic_write
from kembed.classify.metrics import Evaluation


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, mode="wb") as f:
        figure.savefig(f, format="png", dpi=120, bbox_inches="tight")
    return path


def learning_curves(history: dict[str, list[float]], folder: str | os.PathLike[str]) -> Path:
    """`learning_curves.png`: loss and accuracy per epoch, training and validation."""
    plt = _pyplot()
    figure, axes = plt.subplots(1, 2, figsize=(10, 4))
    for axis, metric in zip(axes, ("loss", "accuracy"), strict=True):
        for prefix, style in (("", "-"), ("val_", "--")):
            values = history.get(prefix + metric)
            if values:
                epochs = range(1, len(values) + 1)
                axis.plot(epochs, values, style, label="validation" if prefix else "training")
        axis.set_xlabel("epoch")
        axis.set_title(metric)
        axis.legend()
    path = _save(figure, Path(folder) / "learning_curves.png")
    plt.close(figure)
    return path


def confusion_matrix(evaluation: Evaluation, folder: str | os.PathLike[str]) -> Path:
    """`confusion_matrix.png`: counts, true classes down, predicted across."""
    plt = _pyplot()
    n = len(evaluation.labels)
    figure, axis = plt.subplots(figsize=(1.2 * n + 2.5, 1.2 * n + 2))
    image = axis.imshow(evaluation.confusion, cmap="Blues")
    axis.set_xticks(range(n), evaluation.labels, rotation=45, ha="right")
    axis.set_yticks(range(n), evaluation.labels)
    axis.set_xlabel("predicted")
    axis.set_ylabel("true")
    axis.set_title(f"accuracy {evaluation.accuracy:.3f}, macro-F1 {evaluation.macro_f1:.3f}")
    middle = evaluation.confusion.max(initial=0) / 2
    for i in range(n):
        for j in range(n):
            count = evaluation.confusion[i, j]
            color = "white" if count > middle else "black"
            axis.text(j, i, f"{count:,}", ha="center", va="center", color=color)
    figure.colorbar(image, ax=axis)
    path = _save(figure, Path(folder) / "confusion_matrix.png")
    plt.close(figure)
    return path


def embedding_shift(classifier, folder: str | os.PathLike[str], *, words: int = 60) -> Path | None:
    """`embedding_shift.png`: of the 2,000 most frequent words with a pretrained vector,
    the `words` that fine-tuning moved most (cosine), before and after on shared PCA
    axes. None when the embedding did not start from pretrained vectors or stayed frozen."""
    from kembed.classify.models import learned_vectors
    from kembed.embedding import candidate_words
    from kembed.space import plot_shift
    from kembed.vectors import Vectors

    settings = classifier.settings
    if settings["embedding"] in ("static", "learned"):
        return None
    after = learned_vectors(classifier)
    before = classifier._vectors or Vectors.load(
        settings["vectors"], vocab=candidate_words(classifier.tokenizer)
    )
    frequent = [w for w in after.index_to_key if w in before][:2_000]
    if len(frequent) < 2:
        return None
    old = before.unit[[before.index(w) for w in frequent]]
    new = after.unit[[after.index(w) for w in frequent]]
    moved = 1 - np.einsum("ij,ij->i", old, new)
    chosen = [frequent[i] for i in np.argsort(-moved, kind="stable")[:words]]
    title = f"The {len(chosen)} frequent words fine-tuning moved most (grey: pretrained)"
    path = Path(folder) / "embedding_shift.png"
    return plot_shift(before, after, chosen, path, title=title, overwrite=True)
