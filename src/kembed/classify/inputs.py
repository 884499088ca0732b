"""What a `TextClassifier` checks of the texts and labels it is given, and the stratified
split of the held-out part. numpy only; no Keras."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from kembed.errors import DataWarning


def check_texts(texts) -> list[str]:
    """`texts` as a list of str, or a TypeError saying which one is not."""
    if isinstance(texts, str):
        raise TypeError("`texts` must be a list of strings, not one string: wrap it in a list.")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"texts[{i}] is {type(text).__name__} ({text!r}), expected a str. With pandas, "
                "use df[column].fillna('').astype(str)."
            )
    return texts


def check_data(texts, labels) -> tuple[list[str], list[Any]]:
    """Texts and labels checked to pair up, be there, and be labels of one type (numpy
    scalars become Python ones)."""
    texts, labels = check_texts(texts), list(labels)
    if len(texts) != len(labels):
        raise ValueError(f"Got {len(texts):,} texts but {len(labels):,} labels.")
    if not texts:
        raise ValueError("No texts: there is nothing to train or evaluate on.")
    labels = [label.item() if isinstance(label, np.generic) else label for label in labels]
    kinds = {type(label) for label in labels}
    if not (kinds <= {str} or kinds <= {int}):
        raise TypeError(
            "Labels must be all str or all int. "
            f"Received types {sorted(k.__name__ for k in kinds)}."
        )
    return texts, labels


def held_out_split(
    y: np.ndarray, fraction: float, seed: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Train and held-out indices: `fraction` of each class, shuffled (seeded)."""
    rng = np.random.default_rng(seed)
    held = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        held.append(members[: round(fraction * len(members))])
    held = np.sort(np.concatenate(held)) if held else np.array([], dtype=int)
    train = rng.permutation(np.setdiff1d(np.arange(len(y)), held))
    return train, held


def warn_if_none_held(fraction: float, held: np.ndarray) -> None:
    """A `DataWarning` when a `fraction` above 0 held out no text."""
    if fraction and not len(held):
        warnings.warn(
            f"No texts held out: with validation_split={fraction} every class "
            f"needs at least {math.floor(0.5 / fraction) + 1:,} texts. Training runs "
            "every epoch without early stopping, and nothing measures it.",
            DataWarning,
            stacklevel=4,
        )


def label_indices(labels: list, classes: list) -> np.ndarray:
    """The index of each label among the trained `classes`, or a ValueError naming the
    labels the model never saw.

    Example:

    >>> label_indices(["pos", "neg", "pos"], ["neg", "pos"]).tolist()
    [1, 0, 1]
    """
    unknown = sorted(set(labels) - set(classes), key=str)
    if unknown:
        raise ValueError(
            f"Labels the model never saw in training: {unknown[:10]}; it knows "
            f"{classes}. Check the label column, or train on data with these labels."
        )
    index = {label: i for i, label in enumerate(classes)}
    return np.array([index[label] for label in labels], dtype=np.int64)
