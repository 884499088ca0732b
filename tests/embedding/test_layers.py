"""The Keras layers from pretrained vectors, on the backend under test (JAX and PyTorch):
frozen, trainable and partly trainable layers in the three API styles, trained, saved and
loaded; `FrozenRowsEmbedding` serialization; `fill_embedding`; bad input."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import Tokenizer, Vectors

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
layers_module = pytest.importorskip("kembed.embedding.layers")
FrozenRowsEmbedding = layers_module.FrozenRowsEmbedding
fill_embedding = layers_module.fill_embedding
pretrained_embedding = layers_module.pretrained_embedding

GOOD = ["good", "great", "fine", "superb", "nice"]
BAD = ["bad", "awful", "poor", "weak", "dull"]
UNKNOWN = ["zorbish", "quindle"]  # words of the data that the vectors lack
LENGTH = 6


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for _ in range(64):
        label = int(rng.integers(2))
        words = rng.choice((GOOD if label else BAD) + UNKNOWN + ["film", "plot"], size=4)
        texts.append(" ".join(words))
        labels.append(label)
    tokenizer = Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(texts)
    x = keras.utils.pad_sequences(tokenizer.texts_to_sequences(texts), maxlen=LENGTH)
    words = GOOD + BAD + ["film", "plot", "unused"]
    vectors = Vectors(words, rng.normal(size=(len(words), 8)).astype("float32"))
    return tokenizer, vectors, x, np.array(labels, dtype="float32")


def _head(x):
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.layers.Dense(1, activation="sigmoid")(x)


def sequential(embedding):
    return keras.Sequential(
        [
            keras.Input(shape=(LENGTH,), dtype="int32"),
            embedding,
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def functional(embedding):
    inputs = keras.Input(shape=(LENGTH,), dtype="int32")
    return keras.Model(inputs, _head(embedding(inputs)))


@keras.saving.register_keras_serializable(package="kembed_tests")
class Classifier(keras.Model):
    """The same classifier by subclassing, holding any embedding layer."""

    def __init__(self, embedding, **kwargs):
        super().__init__(**kwargs)
        self.embedding = embedding
        self.pool = keras.layers.GlobalAveragePooling1D()
        self.out = keras.layers.Dense(1, activation="sigmoid")

    def call(self, inputs):
        return self.out(self.pool(self.embedding(inputs)))

    def get_config(self):
        return {**super().get_config(), "embedding": keras.layers.serialize(self.embedding)}

    @classmethod
    def from_config(cls, config):
        config["embedding"] = keras.layers.deserialize(config["embedding"])
        return cls(**config)


def subclassed(embedding):
    model = Classifier(embedding)
    model(np.zeros((1, LENGTH), dtype="int32"))
    return model


def _matrix(layer):
    return keras.ops.convert_to_numpy(layer.embeddings)


# The three ways rows learn: none, all, only those of words without a vector (and OOV).
MODES = {"frozen": {}, "fine-tuned": {"trainable": True}, "oov": {"train_missing": True}}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("build", [sequential, functional, subclassed])
def test_three_api_styles_train_save_and_load(data, tmp_path, build, mode):
    tokenizer, vectors, x, y = data
    keras.utils.set_random_seed(1)
    layer, _ = pretrained_embedding(vectors, tokenizer, seed=0, **MODES[mode])
    model = build(layer)
    before = _matrix(layer)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    after = _matrix(layer)

    everything = list(range(len(before)))
    learning = {"frozen": [], "fine-tuned": everything, "oov": _oov_ids(tokenizer)}[mode]
    learning = np.asarray(learning, dtype=int)
    frozen = np.setdiff1d(np.arange(len(before)), learning)
    used = np.unique(x)
    np.testing.assert_array_equal(after[frozen], before[frozen])  # bit-identical
    changed = np.any(after != before, axis=1)
    assert changed[np.intersect1d(learning, used)].all()
    assert not changed[frozen].any()

    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    loaded_layer = next(
        lay for lay in loaded._flatten_layers() if type(lay) is type(layer) and lay is not loaded
    )
    np.testing.assert_array_equal(_matrix(loaded_layer), after)


def _oov_ids(tokenizer):
    return sorted(tokenizer.word_index[w] for w in [*UNKNOWN, "<unk>"])


def test_frozen_and_trainable_layers_are_keras_embeddings_holding_the_matrix(data):
    tokenizer, vectors, _, _ = data
    for trainable in (False, True):
        layer, report = pretrained_embedding(
            vectors, tokenizer, trainable=trainable, mask_zero=True
        )

        assert type(layer) is keras.layers.Embedding and not hasattr(layer, "coverage")
        assert layer.trainable is trainable and layer.mask_zero
        assert report.trainable_rows == (len(tokenizer.word_index) + 1) * trainable
        for word in GOOD:
            np.testing.assert_array_equal(
                _matrix(layer)[tokenizer.word_index[word]], vectors[word]
            )


def test_oov_layer_counts_params_right_in_the_summary(data):
    tokenizer, vectors, _, _ = data
    layer, report = pretrained_embedding(vectors, tokenizer, train_missing=True, name="glove")
    model = functional(layer)
    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    summary = "\n".join(lines)

    rows, dim = len(tokenizer.word_index) + 1, 8
    learning = len(UNKNOWN) + 1  # the unknown words and the OOV row
    assert layer.trainable_rows == report.trainable_rows == learning
    head = dim + 1
    assert f"Trainable params: {learning * dim + head:,}" in summary
    assert f"Non-trainable params: {(rows - learning) * dim + rows:,}" in summary
    assert "FrozenRowsEmbedding" in summary


def test_frozen_rows_embedding_round_trips_its_config_and_weights(data):
    tokenizer, vectors, x, _ = data
    layer, _ = pretrained_embedding(vectors, tokenizer, train_missing=True, mask_zero=True)
    config = layer.get_config()

    assert {"input_dim", "output_dim", "trainable_rows", "mask_zero"} <= set(config)
    assert not any(isinstance(v, (list, np.ndarray)) for v in config.values())
    clone = FrozenRowsEmbedding.from_config(config)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(clone(x)), keras.ops.convert_to_numpy(layer(x))
    )
    mask = keras.ops.convert_to_numpy(clone.compute_mask(x))
    np.testing.assert_array_equal(mask, x != 0)
    assert clone.compute_output_shape((None, LENGTH)) == (None, LENGTH, 8)


def test_frozen_rows_embedding_looks_up_both_variables():
    matrix = np.arange(20, dtype="float32").reshape(5, 4)
    layer = FrozenRowsEmbedding(5, 4, trainable_rows=2)
    layer.set_embeddings(matrix, [3, 1])

    np.testing.assert_array_equal(_matrix(layer), matrix)
    ids = np.array([[0, 1, 2], [3, 4, 1]])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(ids)), matrix[ids])
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer.trainable_embeddings), matrix[[1, 3]]
    )
    none_learn = FrozenRowsEmbedding(5, 4, trainable_rows=0)
    none_learn.set_embeddings(matrix, [])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(none_learn(ids)), matrix[ids])
    assert not none_learn.trainable_weights


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((5, 4, 5), r"`trainable_rows` must be an integer from 0 to input_dim - 1"),
        ((5, 4, -1), r"trainable_rows=-1"),
        ((0, 4, 0), r"`input_dim` must be a positive integer. Received: input_dim=0"),
        ((5, 0, 0), r"`output_dim` must be a positive integer"),
    ],
)
def test_frozen_rows_embedding_rejects_bad_shapes(args, match):
    input_dim, output_dim, trainable_rows = args
    with pytest.raises(ValueError, match=match):
        FrozenRowsEmbedding(input_dim, output_dim, trainable_rows=trainable_rows)


@pytest.mark.parametrize(
    ("matrix_shape", "ids", "match"),
    [
        ((4, 4), [1, 2], r"`matrix` must have shape \(5, 4\). Received: matrix.shape=\(4, 4\)"),
        ((5, 4), [1], r"must be 2 distinct ids from 1 to 4. Received: 1 ids"),
        ((5, 4), [2, 2], r"2 ids, 1 distinct"),
        ((5, 4), [0, 1], r"in \[0, 1\]"),
        ((5, 4), [1, 5], r"in \[1, 5\]"),
    ],
)
def test_set_embeddings_rejects_bad_input(matrix_shape, ids, match):
    layer = FrozenRowsEmbedding(5, 4, trainable_rows=2)
    with pytest.raises(ValueError, match=match):
        layer.set_embeddings(np.zeros(matrix_shape), ids)


def test_pretrained_embedding_rejects_a_trainable_that_is_no_bool(data):
    tokenizer, vectors, _, _ = data
    for option in ("trainable", "train_missing"):
        for value in ("yes", 1, None):
            with pytest.raises(TypeError, match=rf"`{option}` must be True or False"):
                pretrained_embedding(vectors, tokenizer, **{option: value})
    with pytest.raises(TypeError, match=r"For trainable='oov' pass train_missing=True"):
        pretrained_embedding(vectors, tokenizer, trainable="oov")


def test_a_trainable_layer_learns_every_row_whatever_train_missing_says(data):
    tokenizer, vectors, _, _ = data
    layer, report = pretrained_embedding(vectors, tokenizer, trainable=True, train_missing=True)
    assert type(layer) is keras.layers.Embedding and layer.trainable
    assert report.trainable_rows == len(tokenizer.word_index) + 1


def test_fill_embedding_fills_a_layer_of_a_built_model(data):
    tokenizer, vectors, _, _ = data
    rows = len(tokenizer.word_index) + 1
    layer = keras.layers.Embedding(rows + 3, 8)
    functional(layer)

    report = fill_embedding(layer, vectors, tokenizer, oov="zeros")

    assert report.rows == rows + 3 and report.unused_rows == 3
    np.testing.assert_array_equal(_matrix(layer)[tokenizer.word_index["good"]], vectors["good"])
    assert not _matrix(layer)[tokenizer.word_index["zorbish"]].any()


def test_fill_embedding_rejects_a_layer_of_another_dimension(data):
    tokenizer, vectors, _, _ = data
    with pytest.raises(ValueError, match=r"output_dim=100, but the vectors have dim=8"):
        fill_embedding(keras.layers.Embedding(30, 100, name="e"), vectors, tokenizer)
    with pytest.raises(TypeError, match=r"must be a keras.layers.Embedding"):
        fill_embedding(keras.layers.Dense(3), vectors, tokenizer)
