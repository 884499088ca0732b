"""Data-parallel and multi-host training through `keras.distribution`: what replaced the
slides' `multi_gpu_model`. `hosts` joins several processes (hosts) into one computation
(`initialize`); `training` holds `DataParallelTraining`, which picks the devices, checks
that the global batch splits evenly over them, lays the model's variables out and runs
`model.fit`; `_jax` holds what only JAX needs (its multi-host helpers, the per-step wait
on CPU devices) and the padded batches and sharded layout.

On a backend that the installed Keras cannot distribute (PyTorch and TensorFlow in Keras
3.15) the same calls train on one device, after a one-line `DistributionWarning`.
"""

from kembed.distribute.hosts import DistributionWarning, can_distribute, initialize
from kembed.distribute.training import DataParallelTraining

__all__ = ["DataParallelTraining", "DistributionWarning", "can_distribute", "initialize"]
