"""The n-gram half of the `hybrid` classifier: word ids to n-gram keys (or hashed ids,
in models saved before keys) inside the model (`HashedNgrams`), and a linear model over
binary n-gram features scaled by naive Bayes log-count ratios (`NBLinear`, Wang &
Manning's NBSVM as a Keras layer), whose ratios and weights `kembed.classify.nbsvm`
fits. Keras code: `keras.ops` only, so it runs on every backend."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

# Hashing stays in int32 on every backend: (a % P) * P + b % P < 2**31 for this prime.
_PRIME = 46_337
BUCKETS = 2**20
# Keys (`keyed=True`): two polynomial hashes of the word ids modulo primes below 46,341
# (so h * P + P < 2**31), paired into one int32 key `1 + h1 * P2 + h2`.
_P1, _P2 = 46_337, 46_327
_A1, _A2 = 40_503, 31_153  # their multipliers
NO_KEY = 2**31 - 1  # fills the unused places of a keyed `NBLinear`'s sorted keys


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

    With `keyed=True` the ids are keys instead (`buckets` unused): each n-gram's pair of
    polynomial hashes modulo two primes near 46,000, about 2**31 values in all, so that
    distinct n-grams of a corpus almost never share one; a keyed `NBLinear` finds each
    key's row among the keys it was fitted on.

    Args:
        max_n: The longest n-gram (1 for words only).
        buckets: How many n-gram ids there are (collisions share a weight).
        keyed: Give keys rather than bucket ids.
    """

    def __init__(self, max_n: int = 3, buckets: int = BUCKETS, *, keyed: bool = False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(max_n, int) or not 1 <= max_n <= 5:
            raise ValueError(f"`max_n` must be an integer from 1 to 5. Received: {max_n!r}")
        if not isinstance(buckets, int) or not 1 <= buckets < 2**31 - 1:
            raise ValueError(f"`buckets` must be a positive int32. Received: {buckets!r}")
        self.max_n, self.buckets, self.keyed = max_n, buckets, bool(keyed)

    def call(self, ids):
        ids = ops.cast(ids, "int32")
        if self.keyed:
            return _distinct(_keys(ids, self.max_n))
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
        return _distinct(ops.concatenate(grams, axis=1))

    def compute_output_shape(self, input_shape):
        length = input_shape[1]
        if length is None:
            return (input_shape[0], None)
        return (input_shape[0], sum(max(length - n + 1, 0) for n in range(1, self.max_n + 1)))

    def get_config(self) -> dict:
        config = {"max_n": self.max_n, "buckets": self.buckets}
        return {**super().get_config(), **config, **({"keyed": True} if self.keyed else {})}


def _keys(ids, max_n: int):
    """The keys of every 1- to `max_n`-gram of `ids` (int32), 0 where an n-gram runs
    into padding; the order `n` seeds both hashes, so orders never share a key."""
    valid = ids > 0
    grams = []
    h1 = h2 = None
    for n in range(1, max_n + 1):
        word = ids[:, n - 1 :]
        if n == 1:
            h1, h2 = (ids % _P1 + 1) % _P1, (ids % _P2 + 1) % _P2
        else:
            valid = ops.logical_and(valid[:, :-1], word > 0)
            h1 = (h1[:, :-1] * _A1 + word % _P1 + 1) % _P1
            h2 = (h2[:, :-1] * _A2 + word % _P2 + 1) % _P2
        seeded1, seeded2 = (h1 * _A1 + n) % _P1, (h2 * _A2 + n) % _P2
        grams.append(ops.where(valid, 1 + seeded1 * _P2 + seeded2, 0))
    return ops.concatenate(grams, axis=1)


def _distinct(ngrams):
    """Each row's ids sorted, a repeat of an id already in the row set to 0 (binary
    features, as in NBSVM)."""
    ngrams = ops.sort(ngrams, axis=1)
    repeat = ops.concatenate(
        [ops.zeros_like(ngrams[:, :1], dtype="bool"), ngrams[:, 1:] == ngrams[:, :-1]],
        axis=1,
    )
    return ops.where(repeat, 0, ngrams)


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

    Keyed (`keyed=True`, over the keys of a keyed `HashedNgrams`): the layer holds the
    sorted keys of up to `buckets` n-grams (`set_keys`), and n-gram `keys[i]` has row
    `i + 1`; any other key is no feature.

    Args:
        buckets: How many n-gram ids there are (ids `1..buckets`), or keys it holds.
        classes: How many classes.
        l2: The L2 penalty on the weights (added to the loss of every batch).
        keyed: Find each key's row among its keys.
    """

    def __init__(
        self, buckets: int, classes: int, *, l2: float = 3e-5, keyed: bool = False, **kwargs
    ):
        super().__init__(**kwargs)
        self.buckets, self.classes, self.l2, self.keyed = buckets, classes, l2, bool(keyed)

    def build(self, input_shape=None) -> None:
        shape = (self.buckets + 1, self.classes)
        self.ratios = self.add_weight(
            shape=shape, initializer="zeros", trainable=False, name="ratios"
        )
        self.weights_ = self.add_weight(shape=shape, initializer="zeros", name="weights")
        if self.keyed:
            self.keys = self.add_weight(
                shape=(self.buckets,),
                initializer=keras.initializers.Constant(NO_KEY),
                dtype="int32",
                trainable=False,
                name="keys",
            )

    def set_keys(self, keys: np.ndarray) -> None:
        """Sets the keys of a keyed layer: at most `buckets` distinct positive int32
        keys, sorted (the rest of the places are filled with `NO_KEY`)."""
        keys = np.asarray(keys, dtype=np.int64)
        if len(keys) > self.buckets or (len(keys) and (keys[0] < 1 or keys[-1] >= NO_KEY)):
            raise ValueError(f"Expected at most {self.buckets:,} sorted keys in 1..2**31-2.")
        if not self.built:
            self.build()
        filled = np.full(self.buckets, NO_KEY, dtype=np.int32)
        filled[: len(keys)] = keys
        self.keys.assign(filled)

    def call(self, ngrams):
        ngrams = ops.cast(ngrams, "int32")
        if self.keyed:
            shape = ops.shape(ngrams)
            flat = ops.reshape(ngrams, (-1,))
            at = ops.minimum(
                ops.cast(ops.searchsorted(self.keys, flat), "int32"), self.buckets - 1
            )
            found = ops.logical_and(ops.take(self.keys, at, axis=0) == flat, flat > 0)
            ngrams = ops.reshape(ops.where(found, at + 1, 0), shape)
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
        return {**super().get_config(), **config, **({"keyed": True} if self.keyed else {})}


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
