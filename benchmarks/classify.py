"""Sentence classification against the published table: 10-fold cross-validation on MR and
SUBJ with the GloVe 6B 50d vectors, Kim's (2014) protocol (10 % of each training fold held
out for early stopping, mini-batches of 50) with kembed's default optimiser, Adam (a row
ending in `+adadelta` uses Kim's), for `cnn` with `learned`, `static`, `non-static`,
`multichannel` and for `bag`, beside Kim's Table 2 and beside the keras-io "pretrained word
embeddings" recipe (three Conv1D blocks over a frozen GloVe layer, inputs padded to 200,
rmsprop, 20 epochs) run on the same folds in the same script. A row ending in `+loss`
stops early on the validation loss, with up to 100 epochs instead of 25.

Results are appended to a JSON-lines file as they come (`--out`), so a long run can be
resumed (`--resume`) and summarised (`--summary`).

    python benchmarks/classify.py [--folds 10] [--datasets mr subj] [--rows ROW ...]
        [--keras-io-folds N] [--auto-budget SECONDS] [--out classify.jsonl] [--resume]
        [--summary] [--seed N]

The peers (rows `tfidf-lr`, `nbsvm`, `fasttext`) need the `peers` extra; `auto` lets
`model="auto"` choose within `--auto-budget` seconds a fold (default 600, its default).
`--vectors PATH` puts other vectors in GloVe's place (a fastText `.bin`: words missing
from its table are built from their n-grams, `oov="subword"`; a row ending in
`+nosubwords` uses its word table alone, missing words random as for GloVe).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

import numpy as np

import _harness as harness
from kembed.classify import stratified_folds

KIM = {  # Table 2, test accuracy %, 300-d word2vec vectors
    "mr": {
        "cnn/learned": 76.1,
        "cnn/static": 81.0,
        "cnn/non-static": 81.5,
        "cnn/multichannel": 81.1,
    },
    "subj": {
        "cnn/learned": 89.6,
        "cnn/static": 93.0,
        "cnn/non-static": 93.4,
        "cnn/multichannel": 93.2,
    },
}
ROWS = (
    "auto",
    "hybrid/non-static",
    "hybrid/learned",
    "cnn/learned",
    "cnn/static",
    "cnn/non-static",
    "cnn/multichannel",
    "bag/non-static",
    "bag/learned",
    "keras-io",
    "tfidf-lr",
    "nbsvm",
    "nbsvm-wm",
    "fasttext",
)
PEERS = ("tfidf-lr", "nbsvm", "nbsvm-wm", "fasttext")
AUTO_BUDGET = 600.0  # seconds per fold for the "auto" row (--auto-budget)
VECTORS = "glove-6B-50d"  # or the Vectors of --vectors
C_GRID = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]  # the peers' C, chosen by inner 3-fold CV
FILES = {
    "mr": ("mr", ["rt-polarity.pos", "rt-polarity.neg"]),
    "subj": ("subj", None),
}


def load(name: str):
    from kembed import read_dataset

    folder, files = FILES[name]
    root = harness.SHARED_DATA / folder
    paths = (
        [root / f for f in files]
        if files
        else sorted(p for p in root.iterdir() if p.is_file() and p.name != "SOURCE.md")
    )
    return read_dataset(paths, encoding="latin-1")


def run_kembed(row: str, train_x, train_y, test_x, test_y, seed: int) -> float:
    from kembed.classify.classifier import TextClassifier

    if row == "auto":  # chooses among every model and embedding, GloVe 6B 50d given
        clf = TextClassifier("auto", vectors="glove-6B-50d", seed=seed, budget=AUTO_BUDGET)
        clf.fit(train_x, train_y, verbose=0)
        print(f"    {clf.selection}".replace("\n", "\n    "))
        return clf.evaluate(test_x, test_y).accuracy
    model, embedding = row.split("/")
    embedding, *options = embedding.split("+")  # "cnn/static+clitics+adadelta+loss"
    vectors = VECTORS
    if "nosubwords" in options:  # the word table alone: missing words get random rows
        from kembed import Vectors

        vectors = Vectors(VECTORS.index_to_key, VECTORS.vectors)
    clf = TextClassifier(
        model,
        embedding=embedding,
        vectors=None if embedding == "learned" else vectors,
        optimizer="adadelta" if "adadelta" in options else None,
        split_clitics="clitics" in options,
        seed=seed,
    )
    if model == "hybrid":  # the defaults: early stopping on the loss, patience 5
        clf.fit(train_x, train_y, verbose=0)
    else:
        loss = "loss" in options
        clf.fit(
            train_x, train_y, validation_split=0.1, epochs=100 if loss else 25, patience=4,
            monitor="val_loss" if loss else "val_accuracy", verbose=0,
        )  # fmt: skip
    return clf.evaluate(test_x, test_y).accuracy


def run_peer(row: str, train_x, train_y, test_x, test_y, seed: int) -> float:
    """scikit-learn's TF-IDF + logistic regression, NBSVM (Wang & Manning 2012: binary 1-2
    grams scaled by naive Bayes log-count ratios, logistic regression), each with its C
    chosen by 3-fold CV on the training part, NBSVM as Wang & Manning fit it
    (`nbsvm-wm`: a linear SVM, C=1, its weights interpolated with their mean, beta 0.25;
    two classes), or fastText's supervised classifier (word
    bigrams, 25 epochs, 2 threads). Texts are split at spaces, as MR and SUBJ come."""
    if row == "fasttext":
        return _fasttext(train_x, train_y, test_x, test_y, seed)
    import scipy.sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegressionCV

    classes = sorted(set(train_y))
    y = np.searchsorted(classes, train_y)
    words = {"token_pattern": r"[^ ]+", "lowercase": True, "ngram_range": (1, 2)}
    if row == "tfidf-lr":
        features = TfidfVectorizer(sublinear_tf=True, **words)
        x, x_test = features.fit_transform(train_x), features.transform(test_x)
    else:
        features = CountVectorizer(binary=True, **words)
        x, x_test = features.fit_transform(train_x), features.transform(test_x)
        if len(classes) == 2:
            p = 1 + np.asarray(x[y == 1].sum(axis=0)).ravel()
            q = 1 + np.asarray(x[y == 0].sum(axis=0)).ravel()
            r = scipy.sparse.diags(np.log(p / p.sum()) - np.log(q / q.sum()))
            x, x_test = (x @ r).tocsr(), (x_test @ r).tocsr()
    if row == "nbsvm-wm":  # Wang & Manning's own: an SVM (C=1) interpolated with NB
        from sklearn.svm import LinearSVC

        svm = LinearSVC(C=1.0, max_iter=10_000).fit(x, y)
        w, b = svm.coef_.ravel(), svm.intercept_[0]
        w = 0.75 * np.abs(w).mean() + 0.25 * w  # their beta 0.25
        predicted = np.array(classes, dtype=object)[(x_test @ w + 0.25 * b > 0).astype(int)]
        return float(np.mean(predicted == np.array(test_y, dtype=object)))
    model = LogisticRegressionCV(Cs=C_GRID, cv=3, max_iter=3000, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.9's notices
        model.fit(x, y)
    predicted = np.array(classes, dtype=object)[model.predict(x_test)]
    return float(np.mean(predicted == np.array(test_y, dtype=object)))


def _fasttext(train_x, train_y, test_x, test_y, seed: int) -> float:
    import tempfile

    import fasttext

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.txt"
        lines = (
            f"__label__{y} {' '.join(x.lower().split())}\n"
            for x, y in zip(train_x, train_y, strict=True)
        )
        path.write_text("".join(lines), encoding="utf-8")
        model = fasttext.train_supervised(
            str(path), wordNgrams=2, epoch=25, thread=2, seed=seed, verbose=0
        )
    labels, _ = model.predict([" ".join(x.lower().split()) for x in test_x])
    predicted = [label[0].removeprefix("__label__") for label in labels]
    return float(np.mean([p == str(y) for p, y in zip(predicted, test_y, strict=True)]))


def run_keras_io(train_x, train_y, test_x, test_y, seed: int) -> float:
    """keras-io's pretrained_word_embeddings example, with kembed's Tokenizer in place of
    TextVectorization (20,000 words, sequences post-padded to 200)."""
    import keras
    from keras import layers

    from kembed import Tokenizer, Vectors, candidate_words, embedding_matrix

    keras.utils.set_random_seed(seed)
    tokenizer = Tokenizer(num_words=20_000)
    tokenizer.fit_on_texts(train_x)
    vectors = Vectors.load("glove-6B-50d", vocab=candidate_words(tokenizer, lookup=["exact"]))
    matrix, _ = embedding_matrix(vectors, tokenizer, lookup=["exact"], oov="zeros")
    classes = sorted(set(train_y))

    def encode(texts):
        x = tokenizer.texts_to_sequences(texts)
        return keras.utils.pad_sequences(x, maxlen=200, padding="post", truncating="post")

    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(*matrix.shape, weights=[matrix], trainable=False)(inputs)
    x = layers.Conv1D(128, 5, activation="relu")(x)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(128, 5, activation="relu")(x)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(128, 5, activation="relu")(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(128, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(len(classes), activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="rmsprop", metrics=["acc"])
    y = np.array([classes.index(label) for label in train_y])
    model.fit(encode(train_x), y, batch_size=128, epochs=20, verbose=0)
    predicted = model.predict(encode(test_x), verbose=0).argmax(axis=1)
    return float(np.mean(predicted == np.array([classes.index(label) for label in test_y])))


def summary(out: Path, vectors: str = "GloVe 6B 50d") -> None:
    results: dict[tuple[str, str], list[dict]] = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        results.setdefault((r["dataset"], r["row"]), []).append(r)
    for dataset in ("mr", "subj"):
        rows = [row for dataset_, row in results if dataset_ == dataset]
        rows.sort(key=lambda row: ROWS.index(row) if row in ROWS else len(ROWS))
        if not rows:
            continue
        print(f"\n{dataset.upper()}: 10-fold CV accuracy %, {vectors}")
        print(f"  {'model':<18}{'folds':>6}{'mean':>8}{'std':>7}{'Kim':>7}{'s/fold':>9}")
        for row in rows:
            runs = results[dataset, row]
            acc = [100 * r["accuracy"] for r in runs]
            std = statistics.stdev(acc) if len(acc) > 1 else 0.0
            kim = KIM[dataset].get(row.partition("+")[0])
            seconds = statistics.median(r["seconds"] for r in runs)
            print(
                f"  {row:<18}{len(runs):>6}{statistics.mean(acc):>8.1f}{std:>7.1f}"
                f"{kim if kim else '':>7}{seconds:>9.1f}"
            )


def main() -> None:
    global AUTO_BUDGET, VECTORS
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--datasets", nargs="+", default=["mr", "subj"])
    parser.add_argument("--rows", nargs="+", default=list(ROWS))
    parser.add_argument("--out", type=Path, default=Path("classify.jsonl"))
    parser.add_argument(
        "--keras-io-folds", type=int, default=None, help="run the keras-io recipe on the first N"
    )
    parser.add_argument("--auto-budget", type=float, default=AUTO_BUDGET)
    parser.add_argument("--vectors", type=Path, help="vectors in GloVe 6B 50d's place")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--summary", action="store_true")
    parser.add_argument(
        "--seed", type=int, default=0, help="another draw of the models: seed fold + 100 x this"
    )
    args = parser.parse_args()
    if args.summary:
        summary(args.out)
        return
    AUTO_BUDGET = args.auto_budget
    if args.vectors:
        from kembed import Vectors

        VECTORS = Vectors.load(args.vectors)
    print(harness.header())
    done = set()
    if args.resume and args.out.exists():
        for line in args.out.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            done.add((r["dataset"], r["row"], r["fold"]))
    elif args.out.exists():
        args.out.unlink()
    for dataset in args.datasets:
        data = load(dataset)
        print(data)
        for fold, test in enumerate(stratified_folds(data.labels, args.folds)):
            train = np.setdiff1d(np.arange(len(data)), test)
            train_x = [data.texts[i] for i in train]
            train_y = [data.labels[i] for i in train]
            test_x = [data.texts[i] for i in test]
            test_y = [data.labels[i] for i in test]
            for row in args.rows:
                if (dataset, row, fold) in done:
                    continue
                limit = args.keras_io_folds
                if row == "keras-io" and limit is not None and fold >= limit:
                    continue
                start = time.perf_counter()
                seed = fold + 100 * args.seed
                if row == "keras-io":
                    accuracy = run_keras_io(train_x, train_y, test_x, test_y, seed=seed)
                elif row in PEERS:
                    accuracy = run_peer(row, train_x, train_y, test_x, test_y, seed=seed)
                else:
                    accuracy = run_kembed(row, train_x, train_y, test_x, test_y, seed=seed)
                seconds = time.perf_counter() - start
                record = {"dataset": dataset, "row": row, "fold": fold}
                record |= {"accuracy": accuracy, "seconds": seconds}
                with open(args.out, "a", encoding="utf-8") as f:
                    f.write(json.dumps(record) + "\n")
                print(
                    f"  {dataset} fold {fold} {row:<18} {100 * accuracy:5.1f} % {seconds:6.1f} s"
                )
    summary(args.out, str(args.vectors) if args.vectors else "GloVe 6B 50d")


if __name__ == "__main__":
    main()
