"""The slides' second workflow, for real on Keras 3: a classifier on pretrained GloVe vectors.

The slides' ten steps on their ten labelled documents: (1) obtain GloVe (the offline
`glove-6B-50d` source by default, any file or named source by argument), (2) integer-encode
with the `Tokenizer`, (3) pad, (4) load the vectors (only the words the documents need),
(5) build the embedding matrix (its coverage report printed), (6) a frozen Embedding layer,
(7) define, (8) compile, (9) fit, (10) evaluate. Then the same model with the embedding
fine-tuned and with only the rows of unknown words learning, each saved and loaded back.

Run it with `python examples/glove_embedding.py [SOURCE]` or `kembed demo`.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import kembed  # chooses the Keras backend (JAX unless KERAS_BACKEND is set)

import keras  # isort: skip
import numpy as np  # isort: skip
from keras import layers  # isort: skip

from kembed.embedding.layers import pretrained_embedding  # isort: skip
from kembed.examples.own_embedding import DOCS, train_and_round_trip  # isort: skip

MAX_LENGTH = 4
# frozen (the slides), fine-tuned, unknown rows learn: name -> pretrained_embedding options
MODES = {"frozen": {}, "fine-tuned": {"trainable": True}, "oov rows": {"train_missing": True}}


@dataclasses.dataclass
class ModeResult:
    """One trained model: how its embedding trains and how it did."""

    mode: str
    trainable_params: int
    non_trainable_params: int
    loss: float
    accuracy: float
    reloaded_identical: bool


@dataclasses.dataclass
class GloveResult:
    """What the workflow produced; `str()` gives the summary `kembed demo` prints."""

    backend: str
    source: str
    vectors_loaded: int
    sequences: list[list[int]]
    padded: np.ndarray
    coverage: kembed.CoverageReport
    modes: list[ModeResult]

    def __str__(self) -> str:
        lines = [
            f"The slides' GloVe workflow on Keras {keras.__version__} ({self.backend} backend)",
            f"  1. vectors: {self.source}",
            f"  2. encoded: {self.sequences}",
            f"  3. padded to {MAX_LENGTH}: {self.padded.tolist()}",
            f"  4. loaded {self.vectors_loaded} vectors (only the words of the documents)",
            "  5. " + str(self.coverage).replace("\n", "\n     "),
            "",
            f"  {'embedding':<12}{'trainable':>10}{'frozen':>9}{'loss':>8}{'accuracy':>10}"
            "  reload",
        ]
        for m in self.modes:
            lines.append(
                f"  {m.mode:<12}{m.trainable_params:>10,}{m.non_trainable_params:>9,}"
                f"{m.loss:>8.3f}{m.accuracy:>10.2f}  "
                + ("identical" if m.reloaded_identical else "DIFFERENT")
            )
        return "\n".join(lines)


def build_model(embedding: layers.Layer) -> keras.Model:
    """Step 7: the slides' model, Embedding -> Flatten -> Dense (Functional API)."""
    inputs = keras.Input(shape=(MAX_LENGTH,), dtype="int32")
    x = layers.Flatten()(embedding(inputs))
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs, outputs, name="glove_classifier")


def run(
    source: str | os.PathLike[str] = "glove-6B-50d",
    *,
    out_dir: str | os.PathLike[str],
    epochs: int = 50,
    seed: int = 7,
    verbose: int = 0,
) -> GloveResult:
    """Runs the ten steps (and the two other trainable modes) and returns a `GloveResult`;
    the models go to `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # Step 2: integer-encode the documents.
    tokenizer = kembed.Tokenizer()
    tokenizer.fit_on_texts(DOCS)
    sequences = tokenizer.texts_to_sequences(DOCS)
    # Step 3: pad every document to the same length.
    x = kembed.pad_sequences(sequences, maxlen=MAX_LENGTH, padding="post")
    # Steps 1 and 4: obtain the vectors and load those of the documents' words (and their
    # case variants); a named source is downloaded (or converted) once, then cached.
    vectors = kembed.Vectors.load(source, vocab=kembed.candidate_words(tokenizer))
    modes, coverage = [], None
    for mode, options in MODES.items():
        keras.utils.set_random_seed(seed)
        # Steps 5-6: the embedding matrix and a layer holding it.
        embedding, report = pretrained_embedding(
            vectors, tokenizer, seed=seed, name="glove", **options
        )
        coverage = coverage or report
        model = build_model(embedding)  # Step 7: define
        # Steps 8-10: compile, fit, evaluate; then save and load back.
        path = out_dir / f"glove-{mode.split()[0]}.keras"
        loss, accuracy, same = train_and_round_trip(model, x, path, epochs, verbose)
        modes.append(
            ModeResult(
                mode,
                _count(model.trainable_weights),
                _count(model.non_trainable_weights),
                loss,
                accuracy,
                same,
            )
        )
    return GloveResult(
        backend=keras.backend.backend(),
        source=str(source),
        vectors_loaded=len(vectors),
        sequences=sequences,
        padded=x,
        coverage=coverage,
        modes=modes,
    )


def _count(weights) -> int:
    return int(sum(np.prod(w.shape) for w in weights))


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else "glove-6B-50d"
    print(run(source, out_dir=Path("kembed-demo")))


if __name__ == "__main__":
    main()
