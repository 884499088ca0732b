"""Chooses the Keras backend before Keras is imported.

Keras 3 reads `KERAS_BACKEND` once, when it is first imported, and falls back to
TensorFlow, which kembed does not need. `select_backend()` runs when `kembed` is imported:
it keeps a backend the user chose and otherwise picks JAX. It never imports Keras itself.
"""

from __future__ import annotations

import os
import sys

DEFAULT_BACKEND = "jax"
SUPPORTED_BACKENDS = ("jax", "torch", "tensorflow", "numpy")


def select_backend() -> str:
    """Sets `KERAS_BACKEND` to JAX unless the user chose a backend, and returns it.

    If Keras is already imported, its backend is fixed: that one is returned.

    Example:

    >>> select_backend() in SUPPORTED_BACKENDS
    True

    Returns:
        The name of the backend Keras uses (or will use once imported).

    Raises:
        ValueError: if `KERAS_BACKEND` names a backend Keras does not have.
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    chosen = os.environ.get("KERAS_BACKEND", "").strip()
    if not chosen:
        os.environ["KERAS_BACKEND"] = DEFAULT_BACKEND
        return DEFAULT_BACKEND
    if chosen not in SUPPORTED_BACKENDS:
        raise ValueError(
            f"KERAS_BACKEND={chosen!r} is not a Keras backend. "
            f"Set it to one of {', '.join(SUPPORTED_BACKENDS)}, or unset it to use JAX."
        )
    return chosen
