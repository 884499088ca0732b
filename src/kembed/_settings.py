"""What every settings object shares: `resolve`, which takes either the object or the
keyword arguments it holds, and the checks of numbers. No Keras."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


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


def resolve(given: T | None, built: T, default: T, name: str) -> T:
    """`given` if passed (and the keywords left at their defaults), else `built` from
    the keywords.

    Example:

    >>> resolve(None, 3, 0, "n"), resolve(3, 0, 0, "n")
    (3, 3)

    Raises:
        ValueError: if both `given` and keywords that change the defaults are passed.
    """
    if given is None:
        return built
    if built != default:
        raise ValueError(
            f"Pass `{name}` or the keyword arguments it holds, not both. Received: "
            f"{name}={given!r} and keywords giving {built!r}"
        )
    return given
