"""Keras layers from pretrained vectors: `pretrained_embedding` (a frozen, trainable or
partly trainable layer in one call), `fill_embedding` (fills a layer the user already has)
and `FrozenRowsEmbedding`, the layer whose pretrained rows stay fixed while the rows of
unknown words learn. Keras code: `keras.ops` only, so it runs on every backend."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import ops

from kembed._settings import resolve
from kembed.embedding.coverage import CoverageReport
from kembed.embedding.matrix import LOOKUP, MatrixOptions, _is_tokenizer, embedding_matrix
from kembed.vectors.store import Vectors


@keras.saving.register_keras_serializable(package="kembed")
class FrozenRowsEmbedding(keras.layers.Layer):
    """An `Embedding` in which only some rows learn.

    The rows are held in two variables, `frozen_embeddings` (non-trainable) and
    `trainable_embeddings` (None when no row learns), and an integer `row_map`
    (non-trainable) says where each id's row lives; a lookup gathers from both and keeps
    the right one, so gradients reach the trainable rows only and the frozen rows stay
    bit-identical through `fit`.
    `model.summary()` counts `trainable_rows * output_dim` trainable parameters, and the
    frozen rows plus the `input_dim` integers of the map as non-trainable.

    Build one with `pretrained_embedding(..., train_missing=True)`, or create it and call
    `set_embeddings(matrix, trainable_ids)`.

    Example:

    >>> import numpy as np
    >>> layer = FrozenRowsEmbedding(4, 2, trainable_rows=1)
    >>> layer.set_embeddings(np.arange(8, dtype="float32").reshape(4, 2), [2])
    >>> [tuple(w.shape) for w in layer.trainable_weights]
    [(1, 2)]
    >>> keras.ops.convert_to_numpy(layer(np.array([[2, 3]])))
    array([[[4., 5.],
            [6., 7.]]], dtype=float32)

    Args:
        input_dim: Number of rows (the largest id + 1).
        output_dim: Vector size.
        trainable_rows: How many rows learn (at most `input_dim - 1`: row 0, padding,
            never does).
        mask_zero: Whether id 0 is padding to be masked, as in `keras.layers.Embedding`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        *,
        trainable_rows: int,
        mask_zero: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for key, value, low in (("input_dim", input_dim, 1), ("output_dim", output_dim, 1)):
            if not isinstance(value, int) or value < low:
                raise ValueError(f"`{key}` must be a positive integer. Received: {key}={value!r}")
        if not isinstance(trainable_rows, int) or not 0 <= trainable_rows < input_dim:
            raise ValueError(
                "`trainable_rows` must be an integer from 0 to input_dim - 1 (row 0 is padding "
                f"and stays frozen). Received: trainable_rows={trainable_rows!r}, "
                f"input_dim={input_dim}"
            )
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.trainable_rows = trainable_rows
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        self.autocast = False
        self.build()

    def build(self, input_shape=None):
        if self.built:
            return
        frozen = self.input_dim - self.trainable_rows
        self.frozen_embeddings = self.add_weight(
            shape=(frozen, self.output_dim),
            initializer="zeros",
            trainable=False,
            name="frozen_embeddings",
        )
        # No variable for no rows: a zero-size variable gets no gradient (a warning on torch).
        self.trainable_embeddings = None
        if self.trainable_rows:
            self.trainable_embeddings = self.add_weight(
                shape=(self.trainable_rows, self.output_dim),
                initializer="zeros",
                trainable=True,
                name="trainable_embeddings",
            )
        # Frozen ids first, then the trainable ones: the layout set_embeddings replaces.
        self.row_map = self.add_weight(
            shape=(self.input_dim,),
            initializer=keras.initializers.Constant(np.arange(self.input_dim)),
            dtype="int32",
            trainable=False,
            name="row_map",
        )
        self.built = True

    def set_embeddings(self, matrix: np.ndarray, trainable_ids) -> None:
        """Sets every row: `matrix[i]` becomes id `i`'s row; the ids in `trainable_ids`
        learn, the others stay as they are.

        Example:

        >>> layer = FrozenRowsEmbedding(3, 2, trainable_rows=1)
        >>> layer.set_embeddings(np.arange(6, dtype="float32").reshape(3, 2), trainable_ids=[2])
        >>> keras.ops.convert_to_numpy(layer(np.array([2, 1]))).tolist()
        [[4.0, 5.0], [2.0, 3.0]]

        Raises:
            ValueError: if `matrix` is not `(input_dim, output_dim)`, or `trainable_ids`
                are not `trainable_rows` distinct ids from 1 to `input_dim - 1`.
        """
        matrix = np.asarray(matrix, dtype="float32")
        if matrix.shape != (self.input_dim, self.output_dim):
            raise ValueError(
                f"`matrix` must have shape {(self.input_dim, self.output_dim)}. "
                f"Received: matrix.shape={matrix.shape}"
            )
        trainable = np.unique(np.asarray(trainable_ids, dtype=np.int64))
        if len(trainable) != self.trainable_rows or (
            len(trainable) and (trainable[0] < 1 or trainable[-1] >= self.input_dim)
        ):
            span = f", in [{trainable[0]}, {trainable[-1]}]" if len(trainable) else ""
            raise ValueError(
                f"`trainable_ids` must be {self.trainable_rows} distinct ids from 1 to "
                f"{self.input_dim - 1}. Received: {len(trainable_ids)} ids, "
                f"{len(trainable)} distinct{span}"
            )
        learns = np.zeros(self.input_dim, dtype=bool)
        learns[trainable] = True
        frozen = np.flatnonzero(~learns)
        row_map = np.empty(self.input_dim, dtype="int32")
        row_map[frozen] = np.arange(len(frozen))
        row_map[trainable] = len(frozen) + np.arange(len(trainable))
        self.frozen_embeddings.assign(matrix[frozen])
        if self.trainable_rows:
            self.trainable_embeddings.assign(matrix[trainable])
        self.row_map.assign(row_map)

    @property
    def embeddings(self):
        """The whole `(input_dim, output_dim)` matrix, in id order (a tensor)."""
        table = self.frozen_embeddings
        if self.trainable_rows:
            table = ops.concatenate([table, self.trainable_embeddings], axis=0)
        return ops.take(table, self.row_map, axis=0)

    def call(self, inputs):
        if not keras.backend.is_int_dtype(inputs.dtype):
            inputs = ops.cast(inputs, "int32")
        rows = ops.take(self.row_map, inputs, axis=0)
        num_frozen = self.input_dim - self.trainable_rows
        frozen = ops.take(self.frozen_embeddings, ops.minimum(rows, num_frozen - 1), axis=0)
        if self.trainable_rows:
            learned = ops.take(
                self.trainable_embeddings, ops.maximum(rows - num_frozen, 0), axis=0
            )
            frozen = ops.where(ops.expand_dims(rows < num_frozen, -1), frozen, learned)
        return ops.cast(frozen, self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.output_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "trainable_rows": self.trainable_rows,
            "mask_zero": self.mask_zero,
        }


def pretrained_embedding(
    vectors: Vectors,
    tokenizer_or_word_index: Any,
    *,
    options: MatrixOptions | None = None,
    trainable: bool = False,
    train_missing: bool = False,
    mask_zero: bool = False,
    num_words: int | None = None,
    lookup=LOOKUP,
    oov: str = "random",
    seed: int | None = None,
    name: str | None = None,
) -> tuple[keras.layers.Layer, CoverageReport]:
    """A Keras embedding layer holding pretrained vectors in a tokenizer's id order, and
    the `CoverageReport` of its matrix.

    The matrix comes from `embedding_matrix` (see it for `num_words`, `lookup`, `oov`
    and `seed`).

    Example:

    >>> import numpy as np
    >>> from kembed import Vectors
    >>> vectors = Vectors(["good", "bad"], np.eye(2, dtype="float32"))
    >>> layer, report = pretrained_embedding(vectors, {"good": 1, "bad": 2, "meh": 3},
    ...                                      train_missing=True)
    >>> type(layer).__name__, report.num_found, layer.trainable_rows
    ('FrozenRowsEmbedding', 2, 1)

    Args:
        vectors: The pretrained `Vectors`.
        tokenizer_or_word_index: A fitted `Tokenizer` or a `word -> id` mapping.
        trainable: Whether every row learns (a `keras.layers.Embedding` fine-tuned with
            the model). Defaults to False: the pretrained rows stay frozen.
        train_missing: With `trainable=False`: the rows of words without a vector and
            the OOV row learn while the pretrained rows stay frozen (a
            `FrozenRowsEmbedding`). Defaults to False (a frozen `keras.layers.Embedding`).
        mask_zero: Whether id 0 is padding to be masked.
        options, num_words, lookup, oov, seed: As in `embedding_matrix` (a
            `MatrixOptions`, or the keywords it holds).
        name: Optional layer name.

    Returns:
        `(layer, report)`: the embedding layer (a `keras.layers.Layer`: a
        `keras.layers.Embedding`, or with `train_missing=True` a `FrozenRowsEmbedding`)
        and its `CoverageReport` (with `trainable_rows` set).

    Raises:
        TypeError: if `trainable` or `train_missing` is not a bool.
        ValueError: as `embedding_matrix` raises.
    """
    for option, value in (("trainable", trainable), ("train_missing", train_missing)):
        if not isinstance(value, bool):
            hint = " For trainable='oov' pass train_missing=True." if value == "oov" else ""
            raise TypeError(
                f"`{option}` must be True or False. Received: {option}={value!r}.{hint}"
            )
    options = resolve(options, MatrixOptions(lookup, oov, seed), MatrixOptions(), "options")
    matrix, report = embedding_matrix(vectors, tokenizer_or_word_index, num_words, options=options)
    rows, dim = matrix.shape
    partly = train_missing and not trainable
    if partly:
        ids = _learning_ids(tokenizer_or_word_index, report)
        layer = FrozenRowsEmbedding(
            rows, dim, trainable_rows=len(ids), mask_zero=mask_zero, name=name
        )
        layer.set_embeddings(matrix, ids)
    else:
        layer = keras.layers.Embedding(
            rows, dim, mask_zero=mask_zero, weights=[matrix], trainable=trainable, name=name
        )
    report.trainable_rows = len(ids) if partly else rows * trainable
    return layer, report


def fill_embedding(
    layer: keras.layers.Embedding,
    vectors: Vectors,
    tokenizer_or_word_index: Any,
    *,
    lookup=LOOKUP,
    oov: str = "random",
    seed: int | None = None,
) -> CoverageReport:
    """Fills an existing `keras.layers.Embedding` (of a model already built, say) with
    pretrained vectors in the tokenizer's id order: one row per id below the layer's
    `input_dim`.

    Example:

    >>> import keras, numpy as np
    >>> from kembed import Vectors
    >>> layer = keras.layers.Embedding(3, 2)
    >>> vectors = Vectors(["good", "bad"], np.eye(2, dtype="float32"))
    >>> fill_embedding(layer, vectors, {"good": 1, "bad": 2}).num_found
    2

    Args:
        layer: A `keras.layers.Embedding` whose `output_dim` is the vectors' `dim`.
        vectors: The pretrained `Vectors`.
        tokenizer_or_word_index: A fitted `Tokenizer` or a `word -> id` mapping.
        lookup, oov, seed: As in `embedding_matrix`.

    Returns:
        The `CoverageReport` of the matrix put in the layer.

    Raises:
        TypeError: if `layer` is not a `keras.layers.Embedding`.
        ValueError: if the layer's `output_dim` differs from the vectors' `dim`.
    """
    if not isinstance(layer, keras.layers.Embedding):
        raise TypeError(
            "`layer` must be a keras.layers.Embedding. Received: layer of type "
            f"{type(layer).__name__}; for a new layer use pretrained_embedding()."
        )
    if layer.output_dim != vectors.dim:
        where = f" (from {vectors.report.source})" if vectors.report else ""
        raise ValueError(
            f"Layer {layer.name!r} has output_dim={layer.output_dim}, but the vectors{where} "
            f"have dim={vectors.dim}. Load vectors of dim {layer.output_dim}, or create the "
            f"layer with output_dim={vectors.dim}."
        )
    matrix, report = embedding_matrix(
        vectors, tokenizer_or_word_index, layer.input_dim, lookup=lookup, oov=oov, seed=seed
    )
    if not layer.built:
        layer.build()
    layer.embeddings.assign(matrix)
    return report


def _learning_ids(tokenizer_or_word_index, report: CoverageReport) -> list[int]:
    """The ids whose rows learn with `train_missing=True`: missing words and the OOV row."""
    word_index = (
        tokenizer_or_word_index.word_index
        if _is_tokenizer(tokenizer_or_word_index)
        else tokenizer_or_word_index
    )
    ids = [word_index[word] for word in report.missing]
    return ids if report.oov_row is None else [*ids, report.oov_row]
