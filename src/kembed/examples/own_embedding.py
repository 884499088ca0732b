"""The slides' first workflow, for real on Keras 3: learn an embedding with the model.

Ten labelled documents -> integer encoding (with `one_hot`, as the slides do, and with the
`Tokenizer`) -> padding -> an Embedding + Flatten + Dense classifier in each of Keras' three
API styles (Sequential, Functional, subclassing) -> compile, fit, evaluate -> each model
saved as `.keras` and loaded back with `safe_mode=True` -> the learned embedding saved
(vectors and vocabulary) and loaded back into a new, frozen Embedding layer.

Run it with `python examples/own_embedding.py` or `kembed demo`.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import kembed  # chooses the Keras backend (JAX unless KERAS_BACKEND is set)

import keras  # isort: skip
import numpy as np  # isort: skip
from keras import layers  # isort: skip

from kembed._io import atomic_write  # isort: skip

DOCS = [
    "Well done!",
    "Good work",
    "Great effort",
    "nice work",
    "Excellent!",
    "Weak",
    "Poor effort!",
    "not good",
    "poor work",
    "Could have done better.",
]
LABELS = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
MAX_LENGTH = 4
HASH_SPACE = 50  # the slides' vocab_size for one_hot
OUTPUT_DIM = 8


def sequential_model(vocab_size: int, max_length: int = MAX_LENGTH) -> keras.Model:
    """The slides' model as a `keras.Sequential` stack."""
    return keras.Sequential(
        [
            keras.Input(shape=(max_length,), dtype="int32"),
            layers.Embedding(vocab_size, OUTPUT_DIM, name="embedding"),
            layers.Flatten(),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="sequential",
    )


def functional_model(vocab_size: int, max_length: int = MAX_LENGTH) -> keras.Model:
    """The same model with the Functional API."""
    inputs = keras.Input(shape=(max_length,), dtype="int32")
    x = layers.Embedding(vocab_size, OUTPUT_DIM, name="embedding")(inputs)
    x = layers.Flatten()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="functional")


@keras.saving.register_keras_serializable(package="kembed_examples")
class SubclassedModel(keras.Model):
    """The same model by subclassing `keras.Model` (serializable through `get_config`)."""

    def __init__(self, vocab_size: int, output_dim: int = OUTPUT_DIM, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size = vocab_size
        self.output_dim = output_dim
        self.embedding = layers.Embedding(vocab_size, output_dim, name="embedding")
        self.flatten = layers.Flatten()
        self.classifier = layers.Dense(1, activation="sigmoid")

    def build(self, input_shape):
        self.embedding.build(input_shape)
        self.classifier.build((input_shape[0], input_shape[1] * self.output_dim))

    def call(self, inputs):
        return self.classifier(self.flatten(self.embedding(inputs)))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "output_dim": self.output_dim,
        }


def subclassed_model(vocab_size: int, max_length: int = MAX_LENGTH) -> keras.Model:
    """Builds `SubclassedModel` for inputs of `max_length` ids."""
    model = SubclassedModel(vocab_size, name="subclassed")
    model.build((None, max_length))
    return model


STYLES = {
    "sequential": sequential_model,
    "functional": functional_model,
    "subclassed": subclassed_model,
}


@dataclasses.dataclass
class ModelResult:
    """One trained model: its API style, its encoding and how it did."""

    style: str
    encoding: str
    parameters: int
    loss: float
    accuracy: float
    reloaded_identical: bool


@dataclasses.dataclass
class DemoResult:
    """What the workflow produced; `str()` gives the summary `kembed demo` prints."""

    backend: str
    one_hot_sequences: list[list[int]]
    tokenizer_sequences: list[list[int]]
    padded: np.ndarray
    models: list[ModelResult]
    embedding_file: Path
    embedding_reloaded_identical: bool

    def __str__(self) -> str:
        lines = [
            f"The slides' first workflow on Keras {keras.__version__} ({self.backend} backend)",
            f"  one_hot encoding (hash space {HASH_SPACE}): {self.one_hot_sequences}",
            f"  Tokenizer encoding:                    {self.tokenizer_sequences}",
            f"  padded to {MAX_LENGTH} (post):                  {self.padded.tolist()}",
            "",
            f"  {'API style':<12}{'encoding':<11}{'params':>7}{'loss':>8}{'accuracy':>10}  reload",
        ]
        for m in self.models:
            lines.append(
                f"  {m.style:<12}{m.encoding:<11}{m.parameters:>7}{m.loss:>8.3f}"
                f"{m.accuracy:>10.2f}  {_same(m.reloaded_identical)}"
            )
        lines += [
            "",
            f"  learned embedding saved to {self.embedding_file} and loaded back into a frozen "
            f"Embedding: predictions {_same(self.embedding_reloaded_identical)}",
        ]
        return "\n".join(lines)


def _same(identical: bool) -> str:
    return "identical" if identical else "DIFFERENT"


def run(*, out_dir: str | os.PathLike[str], epochs: int = 50, seed: int = 7, verbose: int = 0):
    """Runs the workflow and returns a `DemoResult`; models and vectors go to `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Step 1: integer-encode, with the slides' one_hot (stable md5 ids) and the Tokenizer.
    one_hot_sequences = [kembed.one_hot(doc, HASH_SPACE) for doc in DOCS]
    tokenizer = kembed.Tokenizer()
    tokenizer.fit_on_texts(DOCS)
    tokenizer_sequences = tokenizer.texts_to_sequences(DOCS)
    # Step 2: pad every document to the same length.
    encodings = {
        "one_hot": (
            kembed.pad_sequences(one_hot_sequences, maxlen=MAX_LENGTH, padding="post"),
            HASH_SPACE,
        ),
        "tokenizer": (
            kembed.pad_sequences(tokenizer_sequences, maxlen=MAX_LENGTH, padding="post"),
            len(tokenizer.word_index) + 1,
        ),
    }
    results, trained = [], {}
    for style, build in STYLES.items():
        for encoding, (x, vocab_size) in encodings.items():
            keras.utils.set_random_seed(seed)
            model = build(vocab_size)  # Step 3: define
            # Steps 4-6: compile, fit, evaluate; then save and load back.
            path = out_dir / f"{style}-{encoding}.keras"
            loss, accuracy, same = train_and_round_trip(model, x, path, epochs, verbose)
            results.append(
                ModelResult(style, encoding, model.count_params(), loss, accuracy, same)
            )
            trained[style, encoding] = model
    # The learned embedding, saved with its vocabulary and reused in another model.
    model = trained["functional", "tokenizer"]
    embedding_file = save_embedding(model.get_layer("embedding"), tokenizer, out_dir)
    reused = reuse_embedding(embedding_file, model)
    x = encodings["tokenizer"][0]
    same = np.array_equal(model.predict(x, verbose=0), reused.predict(x, verbose=0))
    return DemoResult(
        backend=keras.backend.backend(),
        one_hot_sequences=one_hot_sequences,
        tokenizer_sequences=tokenizer_sequences,
        padded=encodings["tokenizer"][0],
        models=results,
        embedding_file=embedding_file,
        embedding_reloaded_identical=bool(same),
    )


def train_and_round_trip(
    model: keras.Model, x: np.ndarray, path: Path, epochs: int, verbose: int
) -> tuple[float, float, bool]:
    """Compiles, fits and evaluates `model` on `x` and the slides' labels, saves it to
    `path`, loads it back with `safe_mode=True`: (loss, accuracy, same predictions)."""
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, LABELS, epochs=epochs, verbose=verbose)
    loss, accuracy = model.evaluate(x, LABELS, verbose=0)
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    same = np.array_equal(model.predict(x, verbose=0), reloaded.predict(x, verbose=0))
    return float(loss), float(accuracy), bool(same)


def save_embedding(layer: layers.Embedding, tokenizer: kembed.Tokenizer, out_dir: Path) -> Path:
    """Saves the embedding matrix (`.npy`) and the tokenizer that gives its row ids."""
    path = out_dir / "embedding.npy"
    with atomic_write(path, mode="wb") as f:
        np.save(f, keras.ops.convert_to_numpy(layer.embeddings), allow_pickle=False)
    tokenizer.save(out_dir / "tokenizer.json", overwrite=True)  # the demo's own folder
    return path


def reuse_embedding(path: Path, trained: keras.Model) -> keras.Model:
    """A new model whose frozen Embedding is loaded from `path`; its head is copied from
    `trained`, so the two must predict the same."""
    matrix = np.load(path, allow_pickle=False)
    tokenizer = kembed.Tokenizer.load(path.with_name("tokenizer.json"))
    if matrix.shape[0] != len(tokenizer.word_index) + 1:
        raise ValueError(f"{path}: {matrix.shape[0]} rows for {len(tokenizer.word_index)} words")
    inputs = keras.Input(shape=(MAX_LENGTH,), dtype="int32")
    x = layers.Embedding(*matrix.shape, weights=[matrix], trainable=False, name="embedding")(
        inputs
    )
    x = layers.Flatten()(x)
    head = layers.Dense(1, activation="sigmoid")
    model = keras.Model(inputs, head(x))
    head.set_weights(trained.layers[-1].get_weights())
    return model


def main() -> None:
    print(run(out_dir=Path("kembed-demo"), verbose=0))


if __name__ == "__main__":
    main()
