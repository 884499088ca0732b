"""`TextClassifier`: labelled texts in, a trained Keras model out, with its tokenizer, its
label names and its settings; evaluated with accuracy, macro-F1 and a confusion matrix;
saved and loaded as one atomic file (`kembed.classify.archive`). Keras code."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence

import keras
import numpy as np

from kembed._settings import resolve
from kembed.classify import inputs
from kembed.classify.archive import read_classifier, read_state, write_classifier
from kembed.classify.calibration import scaled
from kembed.classify.hybrid import embedding_part, finish_training
from kembed.classify.interrupt import StopOnInterrupt
from kembed.classify.metrics import Evaluation, probability_evaluation
from kembed.classify.models import (
    MIN_LENGTH,
    build_model,
    compile_classifier,
    embedding_layers,
)
from kembed.classify.selection import Selection, choose
from kembed.classify.settings import ClassifierSettings, FitSettings
from kembed.distribute import DataParallelTraining
from kembed.errors import TrainingInterrupted
from kembed.text import Tokenizer, split_clitics
from kembed.vectors.store import Vectors

_OOV = "<unk>"


class TextClassifier:
    """A text classifier: tokenizer, padding and a Keras model, trained from texts and
    labels.

    Example:

    >>> clf = TextClassifier("bag", output_dim=8, seed=0)
    >>> history = clf.fit(["good", "great fun", "bad", "awful dull"] * 5,
    ...                   ["pos", "pos", "neg", "neg"] * 5, epochs=2, verbose=0)
    >>> clf.classes
    ['neg', 'pos']
    >>> len(clf.predict(["good fun"]))
    1

    Args:
        model: `"cnn"` (Kim 2014, the default), `"bag"`, `"bilstm"`, `"hybrid"` (`bag`
            beside NBSVM over word 1- to 3-grams, mixed by weights fitted on the held-out
            texts: the most accurate on MR and SUBJ, see BENCHMARKS.md) or `"auto"`:
            `fit` cross-validates the architectures and embedding modes (3 folds of the
            training texts, the most promising first, within `budget` seconds), trains
            the best on all the texts and keeps what it tried in `selection`.
        embedding: `"learned"` (random init; the default), `"static"` (pretrained,
            frozen), `"non-static"` (pretrained, fine-tuned), `"oov"` (pretrained frozen,
            rows of unknown words learn) or `"multichannel"` (a static and a non-static
            channel).
        vectors: The pretrained `Vectors`, or a file or named source to load them from
            (only the words of the training texts are read). Needed unless `learned`.
        num_words: Optional int. Keep the `num_words - 1` most frequent words.
        max_length: Optional int. Pad or cut texts to this many words. Defaults to the
            longest training text (at least 5).
        output_dim: Embedding size for `learned` (pretrained vectors give their own).
        batch_size: Mini-batch size. Defaults to 50 (Kim's).
        optimizer: `"adam"` (the default), `"adagrad"` or `"adadelta"` (Kim's, with his
            rho 0.95 and epsilon 1e-6); for `hybrid`, what trains its word-vector half.
            With pretrained embeddings that learn, and for `bag`, Adam is 2 to 9 points
            more accurate on MR than Adadelta (see BENCHMARKS.md).
        learning_rate: Optional float. Defaults to 1e-3 for Adam, 0.1 for Adagrad, 1.0
            for Adadelta.
        split_clitics: Split "it's" into "it 's" and "don't" into "do n't" before
            tokenising, as GloVe's and word2vec's tokenizers did, so that pretrained
            vectors cover these words. Defaults to False.
        seed: Optional int: the same seed gives the same model.
        budget: Seconds `model="auto"` may take, choice and final training together.
            Defaults to 600.
    """

    def __init__(
        self,
        model: str = "cnn",
        *,
        settings: ClassifierSettings | None = None,
        embedding: str = "learned",
        vectors: Vectors | str | os.PathLike[str] | None = None,
        num_words: int | None = None,
        max_length: int | None = None,
        output_dim: int = 100,
        batch_size: int = 50,
        optimizer: str | None = None,
        learning_rate: float | None = None,
        split_clitics: bool = False,
        seed: int | None = None,
        budget: float = 600.0,
    ):
        source = None if vectors is None or isinstance(vectors, Vectors) else str(vectors)
        built = ClassifierSettings(
            model, embedding, source, num_words, max_length, output_dim,
            batch_size, optimizer, learning_rate, split_clitics, seed, budget,
        )  # fmt: skip
        settings = resolve(settings, built, ClassifierSettings(), "settings")
        if settings.embedding != "learned" and vectors is None and settings.vectors is None:
            raise ValueError(
                f"embedding={settings.embedding!r} needs pretrained vectors: pass vectors= (a "
                "Vectors, a file or a named source such as 'glove-6B-50d'), or use "
                "embedding='learned'."
            )
        self.settings = settings
        self._vectors = vectors if isinstance(vectors, Vectors) else None
        self._arguments = settings  # fit fills in max_length; copies start anew
        self.tokenizer: Tokenizer | None = None
        self.model: keras.Model | None = None
        self.classes: list | None = None
        self.coverage = None
        self.held_out: np.ndarray | None = None
        self.fit_settings: FitSettings | None = None
        self.temperature = 1.0
        self.selection: Selection | None = None

    def untrained_copy(self, *, seed: int | None = None) -> TextClassifier:
        """A new, untrained classifier made with this one's arguments (and vectors).

        Example:

        >>> TextClassifier("bag", output_dim=8, seed=0).untrained_copy(seed=1).settings["seed"]
        1

        Args:
            seed: Optional int: the copy's seed (by default this one's).
        """
        arguments = self._arguments
        if seed is not None:
            arguments = dataclasses.replace(arguments, seed=seed)
        return TextClassifier(settings=arguments, vectors=self._vectors)

    # --- training ------------------------------------------------------------------------

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence,
        *,
        settings: FitSettings | None = None,
        validation_split: float = 0.1,
        epochs: int | None = None,
        early_stopping: bool = True,
        patience: int = 5,
        monitor: str | None = None,
        verbose: int | str = "auto",
        callbacks: list | None = None,
        devices: str | int | Sequence[str] = 1,
        shard_embeddings: bool = False,
    ) -> keras.callbacks.History:
        """Fits the tokenizer (on the training part) and trains the model.

        A random `validation_split` of the data (stratified by class, seeded) is held out;
        with `early_stopping`, training stops when its `monitor` has not improved for
        `patience` epochs and the best weights are kept. `monitor` defaults to
        `"val_loss"` for `"bag"` and `"hybrid"`, `"val_accuracy"` for the others, and
        `epochs` to 100 when stopping on the loss, 25 otherwise (why: BENCHMARKS.md,
        "Sentence classification"). `settings` (a `FitSettings`) holds
        `validation_split` to `monitor` in one object; pass it or those keywords. What
        was used (with `epochs` and `monitor` filled in) is `fit_settings`, saved with
        the classifier.

        `devices` trains data-parallel (`kembed.distribute.DataParallelTraining`): `"all"`,
        a number of devices or a list of device names; `batch_size` must divide by their
        number. After `kembed.distribute.initialize`, every process calls `fit` on the
        same data with the same seed and trains on its slice of each batch. The model
        that comes out lives on one device of each process. `shard_embeddings` splits
        the embedding's rows over the devices (for large vocabularies).

        Ctrl-C stops training at the end of the current batch and raises
        `TrainingInterrupted`; the classifier then holds the best weights so far (with
        early stopping, else the last), and can be saved if that is wanted.

        Example:

        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> texts, labels = ["good fun", "bad dull"] * 10, ["pos", "neg"] * 10
        >>> history = clf.fit(texts, labels, epochs=2, verbose=0)
        >>> len(history.history["loss"])
        2

        Returns:
            Keras' `History` (loss and accuracy per epoch, and `val_` ones).

        Raises:
            ValueError: if texts and labels differ in length, there are no texts, fewer
                than two classes, labels mix types, or `monitor` is neither
                `"val_accuracy"` nor `"val_loss"`.
            TrainingInterrupted: on Ctrl-C (a `KeyboardInterrupt`).
        """
        built = FitSettings(validation_split, epochs, early_stopping, patience, monitor)
        settings = resolve(settings, built, FitSettings(), "settings")
        texts, labels = inputs.check_data(texts, labels)
        if self._arguments.model == "auto":
            given = (self._arguments, self._vectors, texts, labels, settings)
            self.selection = choose(TextClassifier, *given)
            self.settings = dataclasses.replace(self._arguments, **self.selection.chosen)
        monitor = settings.monitor
        if monitor is None:
            monitor = "val_loss" if self.settings["model"] in ("bag", "hybrid") else "val_accuracy"
        texts = self._prepare(texts)
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise ValueError(
                f"Training needs at least two classes; every label is {classes[0]!r}. "
                "Check the label column."
            )
        training = DataParallelTraining(
            devices, batch_size=self.settings["batch_size"], shard_embeddings=shard_embeddings
        )
        seed = self.settings["seed"]
        if seed is not None:
            keras.utils.set_random_seed(seed)
        else:  # after distribute.initialize, numpy's global state is the same everywhere
            seed = int(np.random.randint(2**31))
        self.classes = classes
        y = np.searchsorted(np.array(classes, dtype=object), np.array(labels, dtype=object))
        x, train, held = self._encode_for_training(texts, y, settings.validation_split, seed)
        with training.scope():
            model = trained = self._build()
            if self.settings["model"] == "hybrid":  # its word vectors first, then n-grams
                trained = embedding_part(model)
        validation = (x[held], y[held]) if len(held) else None
        stopping = settings.early_stopping and validation is not None
        epochs = settings.epochs or (100 if stopping and monitor == "val_loss" else 25)
        self.fit_settings = dataclasses.replace(settings, epochs=epochs, monitor=monitor)
        callbacks = list(callbacks or [])
        if stopping:
            best = {"patience": settings.patience, "restore_best_weights": True}
            callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, **best))
        stop = StopOnInterrupt()
        with stop:
            history = training.fit(
                trained,
                x[train],
                y[train],
                epochs=epochs,
                validation_data=validation,
                seed=seed,
                callbacks=[*callbacks, stop],
                verbose=verbose,
            )
        self.model = self._gathered(training, model)
        if stop.interrupted:
            raise TrainingInterrupted(stop.epoch, stop.batch)
        self.temperature = finish_training(self.model, self.settings["model"], x, y, held)
        return history

    def _encode_for_training(self, texts: list[str], y: np.ndarray, split: float, seed: int):
        """Holds out the validation part, fits the tokenizer on the rest and pads every
        text: `(x, train rows, held-out rows)`."""
        train, held = inputs.held_out_split(y, split, seed)
        self.held_out = held  # the indices of the validation part, for reports
        self.tokenizer = Tokenizer(num_words=self.settings["num_words"], oov_token=_OOV)
        self.tokenizer.fit_on_texts([texts[i] for i in train])
        sequences = self.tokenizer.texts_to_sequences(texts)
        if not any(sequences):
            raise ValueError("The texts hold no words: check the text column and the encoding.")
        inputs.warn_if_none_held(split, held)
        if self.settings["max_length"] is None:
            longest = max(len(sequences[i]) for i in train)
            self.settings = dataclasses.replace(self.settings, max_length=max(longest, MIN_LENGTH))
        return self._pad(sequences), train, held

    def _gathered(self, training: DataParallelTraining, model: keras.Model) -> keras.Model:
        """The trained model on one device (a distributed one gathered and recompiled)."""
        if training.distribution is None:
            return model
        gathered = keras.models.clone_model(model)  # outside the scope: one device
        gathered.set_weights(training.host_weights(model))
        compile_classifier(gathered, self.settings["optimizer"], self.settings["learning_rate"])
        return gathered

    def _build(self) -> keras.Model:
        s = self.settings
        embeddings, self.coverage = embedding_layers(s, self.tokenizer, self._vectors)
        model = build_model(
            s["model"],
            embeddings,
            num_classes=len(self.classes),
            max_length=s["max_length"],
        )
        compile_classifier(model, s["optimizer"], s["learning_rate"])
        return model

    # --- using it --------------------------------------------------------------------------

    def predict_proba(self, texts: Sequence[str], *, calibrated: bool = True) -> np.ndarray:
        """Class probabilities, one row per text, columns in the order of `classes`
        (no texts give a (0, classes) array).

        Calibrated on the texts `fit` held out (the log-probabilities divided by the
        `temperature` that fits them best); `calibrated=False` gives the model's own.

        Example:

        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> _ = clf.fit(["good fun", "bad dull"] * 10, ["pos", "neg"] * 10, epochs=1, verbose=0)
        >>> proba = clf.predict_proba(["good", "bad", "meh"])
        >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1))
        ((3, 2), True)
        """
        self._check_fitted()
        texts = self._prepare(inputs.check_texts(texts))
        if not texts:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        x = self._pad(self.tokenizer.texts_to_sequences(texts))
        proba = np.asarray(self.model.predict(x, batch_size=256, verbose=0))
        return scaled(proba, self.temperature) if calibrated else proba

    def predict(self, texts: Sequence[str]) -> list:
        """The predicted label of each text (the labels as given to `fit`).

        Example:

        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> _ = clf.fit(["good fun", "bad dull"] * 10, ["pos", "neg"] * 10, epochs=1, verbose=0)
        >>> len(clf.predict(["good", "bad"])), clf.predict([])
        (2, [])
        """
        return [self.classes[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def evaluate(self, texts: Sequence[str], labels: Sequence) -> Evaluation:
        """Accuracy, macro-F1, per-class precision / recall / F1, the confusion matrix,
        the loss and the expected calibration error of the calibrated probabilities (and
        of the model's own, `ece_uncalibrated`).

        Example:

        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> texts, labels = ["good fun", "bad dull"] * 10, ["pos", "neg"] * 10
        >>> _ = clf.fit(texts, labels, epochs=1, verbose=0)
        >>> result = clf.evaluate(texts, labels)
        >>> int(result.confusion.sum()), 0 <= result.accuracy <= 1
        (20, True)

        Raises:
            ValueError: if a label was not among those the model was trained on.
        """
        self._check_fitted()
        texts, labels = inputs.check_data(texts, labels)
        truth = inputs.label_indices(labels, self.classes)
        return probability_evaluation(
            [str(c) for c in self.classes],
            truth,
            self.predict_proba(texts, calibrated=False),
            temperature=self.temperature,
        )

    def evaluate_held_out(self, texts: Sequence[str], labels: Sequence) -> Evaluation | None:
        """`evaluate` on the part of `fit`'s texts and labels that it held out (pass the
        same ones); None when nothing was held out.

        Example:

        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> texts, labels = ["good fun", "bad dull"] * 10, ["pos", "neg"] * 10
        >>> _ = clf.fit(texts, labels, epochs=1, verbose=0)
        >>> int(clf.evaluate_held_out(texts, labels).confusion.sum())  # 10 % of each class
        2
        """
        self._check_fitted()
        if self.held_out is None or not len(self.held_out):
            return None
        held = self.held_out.tolist()
        return self.evaluate([texts[i] for i in held], [labels[i] for i in held])

    def _prepare(self, texts: list[str]) -> list[str]:
        if self.settings.get("split_clitics"):
            return [split_clitics(text) for text in texts]
        return texts

    def _pad(self, sequences) -> np.ndarray:
        length = self.settings["max_length"]
        return keras.utils.pad_sequences(
            sequences, maxlen=length, padding="post", truncating="post"
        ).astype("int32")

    def _check_fitted(self) -> None:
        if self.model is None:
            raise ValueError("This TextClassifier is not trained yet: call fit() first.")

    # --- saving ----------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Saves the classifier as one zip file (atomically): `model.keras`,
        `tokenizer.json` and `classifier.json` (format, version, labels, settings).

        Example:

        >>> import pathlib, tempfile
        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> _ = clf.fit(["good fun", "bad dull"] * 10, ["pos", "neg"] * 10, epochs=1, verbose=0)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.kembed"
        >>> clf.save(path)
        >>> TextClassifier.load(path).classes
        ['neg', 'pos']

        Raises:
            OutputError: if `path` exists (without `overwrite=True`) or is a folder, or
                its folder is missing or read-only.
        """
        self._check_fitted()
        meta = {"classes": self.classes, "settings": self.settings.to_dict()}
        meta["settings"]["selection"] = self.selection and self.selection.to_dict()
        meta["fit"] = self.fit_settings and self.fit_settings.to_dict()
        meta["temperature"] = self.temperature
        write_classifier(path, self.model, self.tokenizer, meta, overwrite=overwrite)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TextClassifier:
        """Loads a classifier saved with `save` (its Keras model with `safe_mode=True`).

        Example:

        >>> import pathlib, tempfile
        >>> clf = TextClassifier("bag", output_dim=4, seed=0)
        >>> _ = clf.fit(["good fun", "bad dull"] * 10, ["pos", "neg"] * 10, epochs=1, verbose=0)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.kembed"
        >>> clf.save(path)
        >>> TextClassifier.load(path).predict(["good fun"]) == clf.predict(["good fun"])
        True

        Raises:
            CorpusError: if the file is not a kembed classifier, is damaged, or was saved
                by a newer version.
        """
        meta, tokenizer, model = read_classifier(path)
        saved, fit, temperature, selection = read_state(meta, path)
        self = cls(settings=dataclasses.replace(saved, embedding="learned", vectors=None))
        self.settings = saved  # the embedding it was trained with (its weights are saved)
        self.classes, self.tokenizer, self.model = meta["classes"], tokenizer, model
        self.fit_settings = fit
        self.temperature, self.selection = temperature, selection
        return self

    def __repr__(self) -> str:
        s = self.settings
        state = f"classes={self.classes}" if self.model is not None else "not trained"
        return f"TextClassifier({s['model']!r}, embedding={s['embedding']!r}, {state})"
