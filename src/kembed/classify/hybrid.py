"""How `TextClassifier.fit` trains a `hybrid` model, in three steps: its word-vector half
alone, by Keras (`embedding_part`, early stopping on the held-out texts); then its n-gram
half, NBSVM in closed form, and the weights that mix the two, fitted on the held-out texts
(`fit_ngram_part`); last, NBSVM again on all the training texts. The result is one Keras
model (`build_model("hybrid", ...)`) holding every weight."""

from __future__ import annotations

import keras
import numpy as np

from kembed.classify.calibration import fit_temperature
from kembed.classify.nbsvm import fit_mix, fit_nbsvm, sorted_rows

_CHUNK = 4096  # texts hashed at once


def embedding_part(model: keras.Model) -> keras.Model:
    """The word-vector half of a compiled `hybrid` model as a model of its own that
    shares its layers and its optimizer: the class probabilities of the word vectors
    alone. Training it trains those layers of `model` (its only trainable ones), so
    `model` saves with a built optimizer."""
    scores = model.get_layer("embedding_scores").output
    probabilities = keras.layers.Activation("softmax", name="embedding_softmax")(scores)
    part = keras.Model(model.inputs, probabilities, name="kembed_hybrid_embedding")
    part.compile(optimizer=model.optimizer, loss=model.loss, weighted_metrics=["accuracy"])
    return part


def fit_ngram_part(model: keras.Model, x: np.ndarray, y: np.ndarray, held: np.ndarray) -> None:
    """Fits the n-gram half of a `hybrid` model whose word-vector half is trained, and
    the mix of the two (in place).

    With held-out texts (`held`, indices into `x`): NBSVM on the other texts; then the
    weights of three scores fitted on the held-out texts (`fit_mix`): the naive Bayes
    scores (the sum of the n-grams' log-count ratios), the NBSVM scores and the word
    vectors' scores (Wang & Manning's interpolation of naive Bayes and the SVM, with its
    weight learned rather than fixed at 0.25, and the word vectors beside them). Last,
    NBSVM on all the texts, kept in that mix. Without held-out texts the scores are summed.

    Args:
        model: A `hybrid` model (`build_model`) with its word-vector half trained.
        x: Every training text's padded word ids.
        y: Each text's class index.
        held: The held-out texts (may be empty).
    """
    linear, dense = model.get_layer("nb_linear"), model.get_layer("embedding_scores")
    hashing = model.get_layer("ngrams")
    ngrams = np.concatenate(
        [keras.ops.convert_to_numpy(hashing(x[i : i + _CHUNK])) for i in range(0, len(x), _CHUNK)]
    )
    keys = _kept_keys(ngrams, linear.buckets)
    linear.set_keys(keys)
    ngrams = sorted_rows(keys, ngrams)  # each n-gram's row of the layer (0: none)
    fit = {"classes": linear.classes, "buckets": linear.buckets}
    mix, start = np.append([0.0, 1.0, 1.0], np.zeros(linear.classes)), None
    if len(held):
        rest = np.setdiff1d(np.arange(len(x)), held)
        ratios, weights, bias = fit_nbsvm(ngrams[rest], y[rest], **fit)
        found = ngrams[held]
        bayes = ratios[found].sum(axis=1)
        svm = (ratios * weights)[found].sum(axis=1) + bias
        vectors = keras.Model(model.inputs, dense.output).predict(x[held], verbose=0)
        mix = fit_mix([bayes, svm, np.asarray(vectors, dtype=np.float64)], y[held])
        start = weights, bias
    ratios, weights, bias = fit_nbsvm(ngrams, y, **fit, start=start)
    linear.ratios.assign(ratios)
    linear.weights_.assign((mix[0] + mix[1] * weights).astype(np.float32))
    kernel, offset = dense.get_weights()
    offset = mix[2] * offset + mix[1] * bias + mix[3:]
    dense.set_weights([mix[2] * kernel, offset.astype(np.float32)])


def _kept_keys(ngrams: np.ndarray, capacity: int) -> np.ndarray:
    """The sorted keys of the n-grams the layer keeps: all of them, or the `capacity`
    held by the most texts."""
    keys, texts = np.unique(ngrams[ngrams > 0], return_counts=True)
    if len(keys) > capacity:
        keys = keys[np.sort(np.argsort(-texts, kind="stable")[:capacity])]
    return keys


def finish_training(
    model: keras.Model, architecture: str, x: np.ndarray, y: np.ndarray, held: np.ndarray
) -> float:
    """What `fit` does after Keras' training, and the temperature of the probabilities: a
    `hybrid` model's n-gram half and mix (`fit_ngram_part`; fitted, and so calibrated, on
    the held-out texts: 1.0), or the temperature fitted on the held-out texts (1.0 if
    there are none)."""
    if architecture == "hybrid":
        fit_ngram_part(model, x, y, held)
        return 1.0
    if not len(held):
        return 1.0
    raw = np.asarray(model.predict(x[held], batch_size=256, verbose=0))
    return fit_temperature(raw, y[held])
