"""What data-parallel training needs beyond plain Keras: JAX's multi-host helpers
(imported only when several processes train), the per-step wait that CPU devices need,
the layout that splits embedding rows, and the padded batches. Private to
`kembed.distribute`."""

from __future__ import annotations

import keras
import numpy as np


def allgather(value: np.ndarray) -> np.ndarray:
    """`value` from every process, stacked (JAX's multi-host all-gather)."""
    from jax.experimental import multihost_utils

    return np.asarray(multihost_utils.process_allgather(value))


def gathered_weight(value) -> np.ndarray:
    """A variable split over processes, whole in this one."""
    from jax.experimental import multihost_utils

    return np.asarray(multihost_utils.process_allgather(value, tiled=True))


class ShardedEmbeddings(keras.distribution.DataParallel):
    """Data parallelism with the rows of embedding tables (and of their optimizer
    slots) split over the devices; every other variable replicated."""

    def get_variable_layout(self, variable):
        rows = variable.shape[0] if len(variable.shape) == 2 else 0
        if (
            getattr(variable, "_layout", None) is None
            and "embeddings" in variable.path
            and rows
            and rows % self.device_mesh.devices.size == 0
        ):
            return keras.distribution.TensorLayout([self.batch_dim_name, None], self.device_mesh)
        return super().get_variable_layout(variable)


class Batches(keras.utils.PyDataset):
    """One process's batches: step k is `order[starts[k]:starts[k] + batch_size]`. With
    `weights`, short batches are padded to full size (the devices need equal slices) with
    rows of weight 0, and the real rows of step k weigh `weights[k]`."""

    def __init__(self, x, y, *, starts, batch_size, weights, rng):
        super().__init__()
        self.x, self.y, self.starts, self.batch_size = x, y, starts, batch_size
        self.weights, self.rng = weights, rng
        self.on_epoch_end()

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, step: int):
        start = self.starts[step]
        rows = self.order[start : start + self.batch_size]
        x, y = self.x[rows], self.y[rows]
        if self.weights is None:
            return x, y
        weights = np.full(len(rows), self.weights[step], dtype="float32")
        pad = self.batch_size - len(rows)
        return tuple(np.pad(a, [(0, pad)] + [(0, 0)] * (a.ndim - 1)) for a in (x, y, weights))

    def on_epoch_end(self) -> None:
        size = len(self.x)
        self.order = np.arange(size) if self.rng is None else self.rng.permutation(size)


class StepByStep(keras.callbacks.Callback):
    """Waits for each step to finish before the next is dispatched. With several CPU
    devices sharing a few cores, XLA's all-reduce of one step can wait forever for
    threads busy with the next (seen with JAX 0.10 on 2 cores: "Expected 8 threads to
    join the rendezvous"); accelerators do not need this."""

    def _wait(self, batch, logs=None) -> None:
        import jax

        # The step's logs are its last outputs. (Not `self.model`: in JAX, reading it
        # copies the whole training state back into the model's variables.)
        jax.block_until_ready(logs)

    on_train_batch_end = on_test_batch_end = _wait
