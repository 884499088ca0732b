"""Checks of the trainers' settings, shared by word2vec and GloVe: each bad value gets
Keras' phrasing of the error. No Keras."""

from __future__ import annotations

import os


def positive_integers(**values) -> None:
    """Raises ValueError naming the first value that is not an int >= 1."""
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")


def positive_numbers(**values) -> None:
    """Raises ValueError naming the first value that is not a number > 0."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"`{name}` must be positive. Received: {name}={value!r}")


def threads(workers: int | None) -> int:
    """`workers`, checked, or every core when None."""
    if workers is None:
        return os.cpu_count() or 1
    positive_integers(workers=workers)
    return workers
