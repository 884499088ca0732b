"""Joining several processes (hosts) into one `keras.distribution` computation, and
whether this backend can distribute at all. Keras code."""

from __future__ import annotations

import os
import warnings

import keras

from kembed.errors import KembedWarning


class DistributionWarning(KembedWarning):
    """Distribution was asked for but is not possible here; training uses one device.

    Example:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("one device only", DistributionWarning)
    >>> caught[0].category.__name__
    'DistributionWarning'
    """


_ENVIRONMENT = {
    "coordinator": "KERAS_DISTRIBUTION_JOB_ADDRESSES",
    "num_processes": "KERAS_DISTRIBUTION_NUM_PROCESSES",
    "process_id": "KERAS_DISTRIBUTION_PROCESS_ID",
}


def can_distribute() -> bool:
    """Whether the current Keras backend supports `keras.distribution` (JAX only, today).

    Example:

    >>> import keras
    >>> can_distribute() == (keras.backend.backend() == "jax")
    True
    """
    return keras.backend.backend() == "jax"


def initialize(
    coordinator: str | None = None,
    *,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> int:
    """Joins this process to a multi-process (multi-host) computation.

    Call it once per process, first thing, before any Keras model is built. Every process
    runs the same program; together they see all devices of all hosts, and a
    `DataParallelTraining` then spans them. Options left `None` come from the environment
    variables Keras reads (`KERAS_DISTRIBUTION_JOB_ADDRESSES`,
    `KERAS_DISTRIBUTION_NUM_PROCESSES`, `KERAS_DISTRIBUTION_PROCESS_ID`).

    Example:

    >>> initialize("127.0.0.1:1234", num_processes=2, process_id=5)
    Traceback (most recent call last):
    ...
    ValueError: ...process_id...

    Args:
        coordinator: `"host:port"` of process 0, which every process can reach.
        num_processes: How many processes take part.
        process_id: This process's number, from 0 (the coordinator) to
            `num_processes - 1`.

    Returns:
        This process's number (0 for the coordinator).

    Raises:
        ValueError: if an option is missing or out of range.
    """
    values = {
        "coordinator": coordinator,
        "num_processes": num_processes,
        "process_id": process_id,
    }
    for name, variable in _ENVIRONMENT.items():
        if values[name] is None and os.environ.get(variable):
            values[name] = os.environ[variable]
    missing = [name for name, value in values.items() if value is None]
    if missing:
        raise ValueError(
            f"Multi-process training needs {', '.join(missing)}: pass them, or set "
            + ", ".join(_ENVIRONMENT[name] for name in missing)
            + "."
        )
    coordinator = str(values["coordinator"]).split(",")[0]
    host, _, port = coordinator.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(
            f"`coordinator` must be 'host:port', e.g. '10.0.0.1:1234'. Received: {coordinator!r}"
        )
    count = _integer("num_processes", values["num_processes"], 1)
    index = _integer("process_id", values["process_id"], 0)
    if index >= count:
        raise ValueError(
            f"`process_id` must be in [0, num_processes - 1] = [0, {count - 1}]. "
            f"Received: process_id={index}"
        )
    if not can_distribute():
        warnings.warn(
            f"The {keras.backend.backend()} backend of Keras {keras.__version__} cannot run "
            "multi-process training; this process trains alone. Use KERAS_BACKEND=jax.",
            DistributionWarning,
            stacklevel=2,
        )
        return index
    keras.distribution.initialize(coordinator, count, index)
    return index


def _integer(name: str, value, smallest: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < smallest or str(value).strip() != str(number):
        raise ValueError(f"`{name}` must be an integer >= {smallest}. Received: {value!r}")
    return number
