"""Ctrl-C during training: a Keras callback that turns the first SIGINT into a stop at the
end of the current batch (Keras' `stop_training`), instead of a `KeyboardInterrupt` raised
wherever the interpreter happens to be (inside a compiled step, a data thread), which can
leave the process hanging or crashing. A second Ctrl-C interrupts at once. Keras code."""

from __future__ import annotations

import signal
import threading

import keras


class StopOnInterrupt(keras.callbacks.Callback):
    """Stops `fit` at the end of the batch in which Ctrl-C was pressed.

    Use it as a context manager around `fit`, so that the SIGINT handler is installed
    only while training (and only in the main thread, the only one that receives
    signals); `interrupted` then tells whether training was cut short, and where.

    Example:

    >>> stop = StopOnInterrupt()
    >>> with stop:
    ...     pass  # model.fit(..., callbacks=[stop])
    >>> stop.interrupted
    False
    """

    def __init__(self):
        super().__init__()
        self.interrupted = False
        self.epoch = self.batch = 0
        self._previous = None

    def __enter__(self) -> StopOnInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _handle(self, signum, frame) -> None:
        self.interrupted = True
        # A second Ctrl-C is not polite any more: the usual KeyboardInterrupt.
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.epoch, self.batch = epoch + 1, 0
        self._check()

    def on_train_batch_end(self, batch, logs=None) -> None:
        self.batch = batch + 1
        self._check()

    def _check(self) -> None:
        if self.interrupted and self.model is not None:
            self.model.stop_training = True
