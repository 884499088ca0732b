"""The classifiers' Keras models: Kim's (2014) CNN, a fastText-like bag of embeddings and a
bidirectional LSTM, over a learned, static, non-static, partly trainable (`oov`) or
two-channel (`multichannel`) embedding. Keras code: `keras.ops` and layers only."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from kembed.classify.ngrams import BUCKETS, HashedNgrams, NBLinear
from kembed.classify.settings import ARCHITECTURES
from kembed.embedding import candidate_words
from kembed.vectors import Vectors

FILTER_WIDTHS = (3, 4, 5)
MIN_LENGTH = max(FILTER_WIDTHS)


def build_model(
    architecture: str,
    embeddings: list[layers.Layer],
    *,
    num_classes: int,
    max_length: int,
    dropout: float = 0.5,
) -> keras.Model:
    """A Functional classifier over `embeddings` (one layer, or two for multichannel).

    - `cnn` (Kim 2014): filter widths 3, 4, 5 with 100 feature maps each, ReLU,
      max-over-time pooling, dropout, a softmax layer whose weight vectors have a
      max-norm of 3. With two channels each filter is applied to both and the results
      summed, as in the paper.
    - `bag`: global average and max pooling of the embeddings (over the padding too),
      dropout, softmax.
    - `hybrid`: `bag` beside the text's word 1- to 3-grams (binary; the 2**20 held by the
      most training texts, each by its own key) scaled by
      naive Bayes log-count ratios (NBSVM, Wang & Manning 2012;
      `kembed.classify.ngrams`): the two halves' class scores are summed before the
      softmax. The n-gram half is not trained by Keras (its weights are not
      trainable): `kembed.classify.hybrid` fits it in closed form after the word-vector
      half, and mixes the two.
    - `bilstm`: a bidirectional LSTM (64 units each way, over the padding too), max pooling over
      time, dropout, softmax.

    Args:
        architecture: `"cnn"`, `"bag"`, `"bilstm"` or `"hybrid"`.
        embeddings: The embedding layers (two channels: concatenated for `bag` and
            `bilstm`).
        num_classes: Output classes.
        max_length: Length of the padded inputs (at least 5 for `cnn`).
        dropout: Dropout rate before the softmax layer.

    Returns:
        An uncompiled `keras.Model`.
    """
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"`architecture` must be one of {ARCHITECTURES}. Received: {architecture!r}"
        )
    inputs = keras.Input(shape=(max_length,), dtype="int32", name="ids")
    channels = [embedding(inputs) for embedding in embeddings]
    if architecture == "cnn":
        pooled = []
        for width in FILTER_WIDTHS:
            conv = layers.Conv1D(100, width, name=f"conv{width}")
            maps = [conv(channel) for channel in channels]
            x = maps[0] if len(maps) == 1 else layers.Add()(maps)
            x = layers.Activation("relu")(x)
            pooled.append(layers.GlobalMaxPooling1D()(x))
        x = layers.Concatenate()(pooled)
    else:
        x = channels[0] if len(channels) == 1 else layers.Concatenate()(channels)
        if architecture in ("bag", "hybrid"):
            x = layers.Concatenate()(
                [layers.GlobalAveragePooling1D()(x), layers.GlobalMaxPooling1D()(x)]
            )
        else:
            x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
            x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dropout(dropout)(x)
    if architecture == "hybrid":
        ngrams = HashedNgrams(keyed=True, name="ngrams")(inputs)
        linear = NBLinear(
            BUCKETS, num_classes, l2=0.0, keyed=True, trainable=False, name="nb_linear"
        )
        scores = [linear(ngrams)]
        scores.append(layers.Dense(num_classes, name="embedding_scores")(x))
        outputs = layers.Activation("softmax", name="softmax")(layers.Add()(scores))
        return keras.Model(inputs, outputs, name="kembed_hybrid")
    outputs = layers.Dense(
        num_classes,
        activation="softmax",
        kernel_constraint=keras.constraints.MaxNorm(3, axis=0),
        name="softmax",
    )(x)
    return keras.Model(inputs, outputs, name=f"kembed_{architecture}")


def compile_classifier(model: keras.Model, optimizer: str, learning_rate: float) -> None:
    """Compiles a classifier: `"adam"` or `"adadelta"` (Kim's rho 0.95, epsilon 1e-6),
    sparse categorical cross-entropy, and accuracy weighted so that the rows padding a
    data-parallel batch do not count."""
    if optimizer == "adadelta":
        chosen = keras.optimizers.Adadelta(learning_rate, rho=0.95, epsilon=1e-6)
    elif optimizer == "adagrad":
        chosen = keras.optimizers.Adagrad(learning_rate)
    else:
        chosen = keras.optimizers.Adam(learning_rate)
    model.compile(
        optimizer=chosen,
        loss="sparse_categorical_crossentropy",
        weighted_metrics=["accuracy"],
    )


# The pretrained_embedding options of each channel of each embedding mode.
CHANNELS = {
    "static": [{}],
    "non-static": [{"trainable": True}],
    "multichannel": [{}, {"trainable": True}],
    "oov": [{"train_missing": True}],
}


def pretrained_channels(vectors: Vectors, tokenizer, mode: str, *, rows: int, seed: int):
    """The embedding layers of a pretrained `mode` (one, or two for `multichannel`) and
    the `CoverageReport` of their matrix. Every channel starts from the same matrix (one
    `seed`, unknown words' random rows included), as in Kim (2014); vectors with subwords
    fill unknown words from their n-grams.

    Example:

    >>> import numpy as np
    >>> vectors = Vectors(["good", "bad"], np.eye(2, dtype="float32"))
    >>> layers, report = pretrained_channels(vectors, {"good": 1, "bad": 2}, "multichannel",
    ...                                      rows=3, seed=0)
    >>> [layer.trainable for layer in layers], report.num_found
    ([False, True], 2)
    """
    from kembed.embedding.layers import pretrained_embedding

    layers, reports = [], []
    for channel, options in enumerate(CHANNELS[mode]):
        layer, report = pretrained_embedding(
            vectors,
            tokenizer,
            num_words=rows,
            oov="subword" if vectors.has_subwords else "random",
            seed=seed,
            name=f"embedding{channel or ''}",
            **options,
        )
        layers.append(layer)
        reports.append(report)
    return layers, reports[0]


def embedding_layers(settings, tokenizer, vectors: Vectors | None):
    """The embedding layers of a classifier with `ClassifierSettings` `settings` and a
    fitted `tokenizer`, and the `CoverageReport` of pretrained ones (else None): pretrained
    rows from `vectors`, or (if None) from the file or source the settings name."""
    rows = settings.num_words or len(tokenizer.word_index) + 1
    if settings.embedding == "learned":
        return [keras.layers.Embedding(rows, settings.output_dim, name="embedding")], None
    if vectors is None:
        vectors = Vectors.load(settings.vectors, vocab=candidate_words(tokenizer))
    seed = settings.seed if settings.seed is not None else int(np.random.randint(2**31))
    return pretrained_channels(vectors, tokenizer, settings.embedding, rows=rows, seed=seed)


def learned_vectors(classifier, *, channel: int = -1) -> Vectors:
    """The rows of a trained classifier's embedding as `Vectors`, one per word of its
    tokenizer (in id order, padding and ids past `num_words` left out): what fine-tuning
    (or learning from scratch) made of each word. Save them, explore them, or compare
    them with the pretrained vectors (`kembed.space.compare`, `kembed explore`).

    Example:

    >>> from kembed.classify.classifier import TextClassifier
    >>> clf = TextClassifier("bag", output_dim=4, seed=0)
    >>> _ = clf.fit(["good fun", "bad dull"] * 10, ["pos", "neg"] * 10, epochs=1, verbose=0)
    >>> vectors = learned_vectors(clf)
    >>> sorted(vectors.index_to_key), vectors.dim
    (['<unk>', 'bad', 'dull', 'fun', 'good'], 4)

    Args:
        classifier: A trained `TextClassifier`.
        channel: Which embedding of a two-channel model: -1 (the default, the last: the
            fine-tuned one of `multichannel`) or 0 (the static one).

    Returns:
        `Vectors` of the tokenizer's words (the OOV token included).

    Raises:
        ValueError: if the classifier is not trained, or `channel` names no embedding.
    """
    if classifier.model is None:
        raise ValueError("The classifier is not trained: call fit(texts, labels) first.")
    found = [layer for layer in classifier.model.layers if layer.name.startswith("embedding")]
    if not -len(found) <= channel < len(found):
        raise ValueError(
            f"`channel` must be from {-len(found)} to {len(found) - 1}. Received: {channel}"
        )
    layer = found[channel]
    rows = layer.input_dim
    ids = [(word, i) for word, i in classifier.tokenizer.word_index.items() if 0 < i < rows]
    matrix = keras.ops.convert_to_numpy(layer(keras.ops.arange(rows)))
    return Vectors([w for w, _ in ids], matrix[[i for _, i in ids]])
