"""`DataParallelTraining`: a model trained on several devices (and hosts) through
`keras.distribution`, each device fed its slice of every global batch. Keras code; what
only JAX needs lives in `kembed.distribute._jax`."""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Sequence

import keras
import numpy as np

from kembed.distribute._jax import (
    Batches,
    ShardedEmbeddings,
    StepByStep,
    allgather,
    gathered_weight,
)
from kembed.distribute.hosts import DistributionWarning, can_distribute


class DataParallelTraining:
    """Trains Keras models data-parallel: variables replicated on every device, each global
    batch split evenly over the devices, gradients averaged, one update per batch (what
    `multi_gpu_model(model, gpus=8)` did, with a batch of 256 giving each GPU 32).

    Build and compile the model inside `scope()`, then call `fit`. With one device, or on
    a backend Keras cannot distribute, it is plain `model.fit` on one device.

    Example:

    >>> training = DataParallelTraining("all", batch_size=8)
    >>> with training.scope():
    ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    ...     model.compile("sgd", "mse")
    >>> history = training.fit(model, np.ones((16, 3)), np.zeros((16, 2)), verbose=0)
    >>> len(history.history["loss"])
    1

    Args:
        devices: `"all"` (every device of every process), a number of devices (the first
            ones), or a list of device names such as `["gpu:0", "gpu:1"]`
            (`keras.distribution.list_devices()` lists them).
        batch_size: The global batch size, split evenly over the devices.
        shard_embeddings: Split the rows of embedding tables (variables whose path holds
            "embeddings", with rows divisible by the number of devices) over the devices
            instead of replicating them: the dense gradient of a large vocabulary is then
            reduce-scattered rather than all-reduced, and each device updates only its
            rows (BENCHMARKS.md: a third less overhead for a 20k x 300 table).

    Raises:
        ValueError: if the devices do not exist, or `batch_size` does not divide by their
            number.
    """

    def __init__(
        self,
        devices: str | int | Sequence[str] = "all",
        *,
        batch_size: int,
        shard_embeddings: bool = False,
    ):
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer. Received: {batch_size!r}")
        self.batch_size = batch_size
        self.distribution = None
        self.devices = self._pick(devices)
        self.num_processes = 1
        self.process_id = 0
        if len(self.devices) > 1:
            count = len(self.devices)
            if batch_size % count:
                lower, upper = batch_size // count * count, -(-batch_size // count) * count
                hint = f"{lower} or {upper}" if lower else f"{upper}"
                raise ValueError(
                    f"batch_size={batch_size} does not split evenly over {count} devices "
                    f"({batch_size / count:g} each): use a multiple of {count}, such as {hint}."
                )
            kind = ShardedEmbeddings if shard_embeddings else keras.distribution.DataParallel
            self.distribution = kind(devices=self.devices, auto_shard_dataset=False)
            self.num_processes = self.distribution.num_processes
            self.process_id = self.distribution.data_shard_id
            if self.num_processes > 1 and count != len(keras.distribution.list_devices()):
                raise ValueError(
                    f"With {self.num_processes} processes, train on every device: "
                    f"devices='all'. Received: devices={devices!r}"
                )

    @staticmethod
    def _pick(devices) -> list[str]:
        if not can_distribute():
            if devices not in ("all", 1):
                warnings.warn(
                    f"The {keras.backend.backend()} backend of Keras {keras.__version__} cannot "
                    "train data-parallel (only JAX can); training on one device.",
                    DistributionWarning,
                    stacklevel=3,
                )
            return []
        available = keras.distribution.list_devices()
        hint = (
            "On a machine without accelerators, XLA_FLAGS="
            "--xla_force_host_platform_device_count=8 (set before starting Python) gives JAX 8 "
            "CPU devices."
        )
        if devices == "all":
            return available
        if isinstance(devices, bool) or not isinstance(devices, (int, list, tuple)):
            raise ValueError(
                "`devices` must be 'all', a number of devices or a list of device names. "
                f"Received: devices={devices!r}"
            )
        if isinstance(devices, int):
            if not 1 <= devices <= len(available):
                raise ValueError(
                    f"devices={devices}, but this machine has {len(available)}: "
                    f"{', '.join(available)}. {hint}"
                )
            return available[:devices]
        unknown = [name for name in devices if name not in available]
        if unknown or not devices:
            raise ValueError(
                f"Unknown devices {unknown or devices!r}; there are {', '.join(available)}. {hint}"
            )
        return list(devices)

    @property
    def num_devices(self) -> int:
        """The devices that share each batch (1 without distribution)."""
        return max(len(self.devices), 1)

    @property
    def process_batch_size(self) -> int:
        """The rows of each global batch that this process feeds."""
        return self.batch_size // self.num_processes

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Variables created in this context are replicated over the devices.

        Example:

        >>> training = DataParallelTraining(1, batch_size=4)
        >>> with training.scope():
        ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> model.count_params()
        8
        """
        if self.distribution is None:
            yield
        else:
            with self.distribution.scope():
                yield

    def fit(
        self,
        model: keras.Model,
        x: np.ndarray,
        y: np.ndarray,
        *,
        epochs: int = 1,
        validation_data: tuple[np.ndarray, np.ndarray] | None = None,
        shuffle: bool = True,
        seed: int | None = None,
        sharded: bool = False,
        callbacks: list | None = None,
        verbose: int | str = "auto",
    ) -> keras.callbacks.History:
        """Trains `model` (built and compiled in `scope()`) data-parallel.

        With several processes, either every process passes the same full data (the
        default) and feeds its slice of each global batch, so that the batches, the
        shuffling included, are those of a one-process run with the same `seed`; or, with
        `sharded=True`, each passes only its own rows (its own file), shuffled locally.

        A last, partial batch is padded to full size with rows of weight 0, and its real
        rows weighted up so that the update equals that of the partial batch on one
        device (for losses with Keras' default mean reduction). Compile metrics as
        `weighted_metrics` so that they ignore the padding: the validation loss and
        weighted metrics are then exact, and the training ones weigh the partial batch
        like a full one.

        Example:

        >>> training = DataParallelTraining("all", batch_size=8)
        >>> with training.scope():
        ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        ...     model.compile("sgd", "mse")
        >>> history = training.fit(model, np.ones((16, 3)), np.zeros((16, 1)), epochs=2, verbose=0)
        >>> len(history.history["loss"])
        2

        Args:
            model: A compiled Keras model built in `scope()`.
            x: Inputs (one array).
            y: Targets.
            epochs: Passes over the data.
            validation_data: Optional `(x, y)`, evaluated after each epoch (full or
                sharded, like `x` and `y`).
            shuffle: Shuffle the rows before each epoch.
            seed: Optional int for the shuffling; every process must pass the same.
            sharded: Whether `x` and `y` hold only this process's rows.
            callbacks: Keras callbacks.
            verbose: As in `model.fit`.

        Returns:
            Keras' `History`.
        """
        if seed is None:
            seed = int(np.random.randint(2**31))
        train = self._batches(x, y, shuffle=shuffle, seed=seed, sharded=sharded, training=True)
        validation = None
        if validation_data is not None:
            validation = self._batches(
                *validation_data, shuffle=False, seed=seed, sharded=sharded, training=False
            )
        callbacks = list(callbacks or [])
        if self.distribution is not None and self.devices[0].startswith("cpu"):
            callbacks.append(StepByStep())
        with self.scope():
            return model.fit(
                train,
                epochs=epochs,
                validation_data=validation,
                shuffle=False,  # the batches shuffle their rows themselves, seeded
                callbacks=callbacks,
                verbose=verbose,
            )

    def host_weights(self, model: keras.Model) -> list[np.ndarray]:
        """The model's weights as numpy arrays in this process, whole, however they are
        laid out (replicated, split over devices, or over processes).

        Example:

        >>> training = DataParallelTraining("all", batch_size=8)
        >>> with training.scope():
        ...     model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> [w.shape for w in training.host_weights(model)]
        [(3, 2), (2,)]
        """
        weights = []
        for variable in model.weights:
            value = variable.value
            if getattr(value, "is_fully_addressable", True):
                weights.append(np.asarray(value))
            elif value.sharding.is_fully_replicated:
                weights.append(np.asarray(value.addressable_shards[0].data))
            else:
                weights.append(gathered_weight(value))
        return weights

    def _batches(self, x, y, *, shuffle, seed, sharded, training) -> Batches:
        x, y = np.asarray(x), np.asarray(y)
        if len(x) != len(y):
            raise ValueError(f"Got {len(x):,} inputs but {len(y):,} targets.")
        b, count, index = self.process_batch_size, self.num_processes, self.process_id
        if sharded and count > 1:
            sizes = allgather(np.array([len(x)]))
            steps = math.ceil(int(sizes.max()) / b)
            starts = np.arange(steps) * b
            real = np.clip(sizes.reshape(1, -1) - starts[:, None], 0, b).sum(axis=1)
        else:  # the same rows everywhere: global batch k is rows [kB, (k + 1)B)
            steps = math.ceil(len(x) / self.batch_size)
            starts = np.arange(steps) * self.batch_size + index * b
            real = np.clip(len(x) - np.arange(steps) * self.batch_size, 0, self.batch_size)
        if not steps:
            raise ValueError("No rows to train on.")
        if training:  # each update as on one device: the mean over the batch's real rows
            weights = self.batch_size / real
        else:  # Keras averages the batch losses by batch size: this makes it the row mean
            weights = np.full(steps, steps * self.batch_size / real.sum())
        return Batches(
            x,
            y,
            starts=starts,
            batch_size=b,
            weights=weights if self.distribution is not None else None,
            rng=np.random.default_rng(seed) if shuffle else None,
        )
