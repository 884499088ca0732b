"""The n-gram half of the `hybrid` classifier: word ids to hashed n-gram ids inside the
model (`HashedNgrams`), and a linear model over binary n-gram features scaled by naive
Bayes log-count ratios (`NBLinear`, Wang & Manning's NBSVM as a Keras layer), whose
ratios and weights `kembed.classify.nbsvm` fits. Keras code: `keras.ops` only, so it runs
on every backend."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

# Hashing stays in int32 on every backend: (a % P) * P + b % P < 2**31 for this prime.
_PRIME = 46_337
BUCKETS = 2**20


@keras.saving.register_keras_serializable(package="kembed")
class HashedNgrams(keras.layers.Layer):
    """Word ids to the ids of the text's 1- to `max_n`-grams, hashed into `buckets`.

    Id 0 means "no n-gram": padding, an n-gram that runs into padding, and a repeat of an
    n-gram already seen in the same text (the features are binary, as in NBSVM). Other
    ids are in `1..buckets`. Unigrams keep their word id (modulo `buckets`).

    Example:

    >>> import numpy as np
    >>> layer = HashedNgrams(max_n=2, buckets=1000)
    >>> ids = ops.convert_to_numpy(layer(np.array([[0, 5, 7, 5]], dtype="int32")))
    >>> ids.shape, sorted(int(i) for i in ids[0] if i)[:2]  # 5 counted once
    ((1, 7), [6, 8])

    Args:
        max_n: The longest n-gram (1 for words only).
        buckets: How many n-gram ids there are (collisions share a weight).
    """

    def __init__(self, max_n: int = 3, buckets: int = BUCKETS, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(max_n, int) or not 1 <= max_n <= 5:
            raise ValueError(f"`max_n` must be an integer from 1 to 5. Received: {max_n!r}")
        if not isinstance(buckets, int) or not 1 <= buckets < 2**31 - 1:
            raise ValueError(f"`buckets` must be a positive int32. Received: {buckets!r}")
        self.max_n, self.buckets = max_n, buckets

    def call(self, ids):
        ids = ops.cast(ids, "int32")
        valid = ids > 0
        grams = [ops.where(valid, ids % self.buckets + 1, 0)]
        hashed = ids % _PRIME
        for n in range(2, self.max_n + 1):
            following = ids[:, n - 1 :]
            hashed = ((hashed[:, :-1] % _PRIME) * _PRIME + following % _PRIME) % self.buckets
            valid = ops.logical_and(valid[:, :-1], following > 0)
            # A different offset per order keeps a bigram from sharing the id of a word.
            salted = (hashed + (n - 1) * 7_919) % self.buckets + 1
            grams.append(ops.where(valid, salted, 0))
        ngrams = ops.sort(ops.concatenate(grams, axis=1), axis=1)
        repeat = ops.concatenate(
            [ops.zeros_like(ngrams[:, :1], dtype="bool"), ngrams[:, 1:] == ngrams[:, :-1]],
            axis=1,
        )
        return ops.where(repeat, 0, ngrams)

    def compute_output_shape(self, input_shape):
        length = input_shape[1]
        if length is None:
            return (input_shape[0], None)
        return (input_shape[0], sum(max(length - n + 1, 0) for n in range(1, self.max_n + 1)))

    def get_config(self) -> dict:
        return {**super().get_config(), "max_n": self.max_n, "buckets": self.buckets}


@keras.saving.register_keras_serializable(package="kembed")
class NBLinear(keras.layers.Layer):
    """Class scores from binary n-gram features scaled by naive Bayes log-count ratios:
    `score[c] = sum over the text's n-grams j of ratios[j, c] * weights[j, c]`.

    The ratios are fixed (set with `set_ratios` from the training texts, saved with the
    model); the weights learn from 0 under an L2 penalty `l2` (the NBSVM of Wang & Manning
    2012 with a logistic loss, as a Keras layer). Id 0 is no feature.

    Example:

    >>> import numpy as np
    >>> layer = NBLinear(buckets=4, classes=2)
    >>> layer.set_ratios(np.array([[0, 0], [1, -1], [0, 0], [0, 0], [-2, 2]], "float32"))
    >>> _ = layer.weights_.assign(np.ones((5, 2), "float32"))
    >>> ops.convert_to_numpy(layer(np.array([[1, 4, 0]], dtype="int32"))).tolist()
    [[-1.0, 1.0]]

    Args:
        buckets: How many n-gram ids there are (ids `1..buckets`).
        classes: How many classes.
        l2: The L2 penalty on the weights (added to the loss of every batch).
    """

    def __init__(self, buckets: int, classes: int, *, l2: float = 3e-5, **kwargs):
        super().__init__(**kwargs)
        self.buckets, self.classes, self.l2 = buckets, classes, l2

    def build(self, input_shape=None) -> None:
        shape = (self.buckets + 1, self.classes)
        self.ratios = self.add_weight(
            shape=shape, initializer="zeros", trainable=False, name="ratios"
        )
        self.weights_ = self.add_weight(shape=shape, initializer="zeros", name="weights")

    def call(self, ngrams):
        ngrams = ops.cast(ngrams, "int32")
        scaled = ops.take(self.ratios, ngrams, axis=0) * ops.take(self.weights_, ngrams, axis=0)
        if self.l2:
            self.add_loss(self.l2 * ops.sum(ops.square(self.weights_)))
        return ops.sum(scaled, axis=1)

    def set_ratios(self, ratios: np.ndarray) -> None:
        """Sets the log-count ratios (`(buckets + 1, classes)`, row 0 unused)."""
        if not self.built:
            self.build()
        self.ratios.assign(np.asarray(ratios, dtype="float32"))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.classes)

    def get_config(self) -> dict:
        config = {"buckets": self.buckets, "classes": self.classes, "l2": self.l2}
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="kembed")
class MaskedPooling(keras.layers.Layer):
    """The mean and the maximum of each text's word vectors over its words, padding (id
    0) left out: `(embeddings, ids)` -> `(batch, 2 * dim)`; a text with no word gives
    zeros. The pooling of `hybrid` models saved before it pooled as `bag` (kept so that
    they load).

    Example:

    >>> import numpy as np
    >>> vectors = np.array([[[1.0, 2.0], [3.0, -4.0], [9.0, 9.0]]], "float32")
    >>> pooled = MaskedPooling()([vectors, np.array([[5, 6, 0]], "int32")])
    >>> ops.convert_to_numpy(pooled).tolist()
    [[2.0, -1.0, 3.0, 2.0]]
    """

    def call(self, inputs):
        embeddings, ids = inputs
        present = ops.expand_dims(ops.cast(ops.cast(ids, "int32") > 0, embeddings.dtype), -1)
        count = ops.maximum(ops.sum(present, axis=1), 1.0)
        mean = ops.sum(embeddings * present, axis=1) / count
        largest = ops.max(ops.where(present > 0, embeddings, -1e9), axis=1)
        largest = ops.where(ops.sum(present, axis=1) > 0, largest, 0.0)
        return ops.concatenate([mean, largest], axis=-1)

    def compute_output_shape(self, input_shapes):
        shape = input_shapes[0]
        return (shape[0], 2 * shape[-1])
