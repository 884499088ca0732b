"""`TextClassifier` on the backend under test (JAX and PyTorch): every model and embedding
mode trains; predictions give the original labels; save / load round trips; seeded runs
repeat; bad input gets a clear message."""

from __future__ import annotations

import json
import os
import signal
import zipfile

import numpy as np
import pytest

from kembed import Vectors
from kembed.classify import FitSettings, nbsvm
from kembed.classify.ngrams import NO_KEY
from kembed.errors import CorpusError, DataWarning, TrainingInterrupted

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
TextClassifier = pytest.importorskip("kembed.classify.classifier").TextClassifier

GOOD = ["good", "great", "fine", "superb", "nice", "lovely"]
BAD = ["bad", "awful", "poor", "weak", "dull", "boring"]


def _data(n=120, labels=("neg", "pos"), seed=0):
    rng = np.random.default_rng(seed)
    texts, ys = [], []
    for _ in range(n):
        y = int(rng.integers(2))
        words = rng.choice((GOOD if y else BAD), size=3).tolist() + ["film", "plot", "zork"]
        rng.shuffle(words)
        texts.append(" ".join(words))
        ys.append(labels[y])
    return texts, ys


@pytest.fixture(scope="module")
def vectors():
    words = [*GOOD, *BAD, "film", "plot"]
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(len(words), 8)).astype("float32")
    matrix[: len(GOOD), 0] += 3  # the good words share a direction
    return Vectors(words, matrix)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    texts, labels = _data()
    clf = TextClassifier("cnn", output_dim=16, seed=3)
    # No early stopping: the 12 held-out texts can be all right after one epoch, and the
    # first perfect epoch would then be kept, barely trained.
    history = clf.fit(texts, labels, epochs=15, verbose=0, early_stopping=False)
    return clf, history, texts, labels


def test_learns_and_predicts_the_original_labels(trained):
    clf, history, texts, labels = trained
    assert clf.classes == ["neg", "pos"]
    assert set(history.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    evaluation = clf.evaluate(texts, labels)
    assert evaluation.accuracy > 0.9
    assert evaluation.confusion.sum() == len(texts)
    assert clf.predict(["great superb lovely", "awful dull boring"]) == ["pos", "neg"]
    proba = clf.predict_proba(["great", "awful"])
    assert proba.shape == (2, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


def test_save_and_load_give_the_same_predictions(trained, tmp_path):
    clf, _, texts, _ = trained
    path = tmp_path / "model.kembed"
    clf.save(path)
    loaded = TextClassifier.load(path)

    np.testing.assert_array_equal(loaded.predict_proba(texts), clf.predict_proba(texts))
    assert loaded.classes == clf.classes and loaded.settings == clf.settings


def _rewrite(path, member, meta):
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    contents[member] = json.dumps(meta).encode() if meta is not None else b"garbage"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(
    ("settings", "kind", "rate"),
    [({}, "Adam", 1e-3), ({"optimizer": "adadelta"}, "Adadelta", 1.0),
     ({"optimizer": "adam", "learning_rate": 0.01}, "Adam", 0.01)],
)  # fmt: skip
def test_the_optimizer_is_the_one_asked_for(settings, kind, rate):
    texts, labels = _data(40)
    clf = TextClassifier("bag", output_dim=4, seed=0, **settings)
    clf.fit(texts, labels, epochs=1, verbose=0)
    optimizer = clf.model.optimizer
    assert type(optimizer).__name__ == kind
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(rate)
    if kind == "Adadelta":  # Kim's settings
        assert (optimizer.rho, optimizer.epsilon) == (0.95, 1e-6)
    assert clf.settings["learning_rate"] == rate


def test_an_artifact_saved_before_the_optimizer_setting_loads_as_adadelta(trained, tmp_path):
    path = tmp_path / "model.kembed"
    trained[0].save(path)
    meta = json.loads(zipfile.ZipFile(path).read("classifier.json"))
    del meta["settings"]["optimizer"]
    meta["settings"]["learning_rate"] = 1.0
    _rewrite(path, "classifier.json", meta)
    loaded = TextClassifier.load(path)
    assert (loaded.settings["optimizer"], loaded.settings["learning_rate"]) == ("adadelta", 1.0)
    texts = trained[2]
    np.testing.assert_array_equal(loaded.predict_proba(texts), trained[0].predict_proba(texts))


def test_integer_labels_come_back_as_integers():
    texts, labels = _data(60, labels=(0, 1))
    clf = TextClassifier("bag", output_dim=8, seed=0)
    clf.fit(texts, labels, epochs=2, verbose=0)
    assert clf.classes == [0, 1]
    assert all(type(p) is int for p in clf.predict(texts[:3]))


def test_seeded_runs_repeat():
    texts, labels = _data(60)
    runs = []
    for _ in range(2):
        clf = TextClassifier("bag", output_dim=8, seed=5)
        clf.fit(texts, labels, epochs=2, verbose=0)
        runs.append(clf.predict_proba(texts))
    np.testing.assert_array_equal(runs[0], runs[1])


@pytest.mark.parametrize("embedding", ["static", "non-static", "oov", "multichannel"])
@pytest.mark.parametrize("model", ["cnn", "bag", "bilstm"])
def test_every_model_and_pretrained_mode_trains(vectors, model, embedding):
    texts, labels = _data(60)
    clf = TextClassifier(model, embedding=embedding, vectors=vectors, seed=0)
    history = clf.fit(texts, labels, epochs=2, verbose=0)

    assert len(history.history["loss"]) == 2
    assert clf.coverage.num_found == len(vectors)  # "zork" is the one unknown word
    assert clf.coverage.missing == ["zork"]
    frozen = [w for w in clf.model.non_trainable_weights if "embeddings" in w.path]
    if embedding in ("static", "multichannel"):
        assert frozen
    assert clf.predict(texts[:2])[0] in ("neg", "pos")


def test_pretrained_vectors_from_a_file(vectors, tmp_path):
    vectors.save(tmp_path / "v.txt", format="glove")
    texts, labels = _data(40)
    clf = TextClassifier("bag", embedding="static", vectors=tmp_path / "v.txt", seed=0)
    clf.fit(texts, labels, epochs=1, verbose=0)
    assert clf.settings["vectors"] == str(tmp_path / "v.txt")
    assert clf.coverage.num_found == len(vectors)


@pytest.mark.parametrize(
    ("texts", "labels", "error", "match"),
    [
        ([], [], ValueError, r"No texts"),
        (["a", "b"], ["x"], ValueError, r"2 texts but 1 labels"),
        (["a", "b"], ["x", "x"], ValueError, r"at least two classes; every label is 'x'"),
        (["", " "], ["x", "y"], ValueError, r"hold no words"),
        (["a", None], ["x", "y"], TypeError, r"texts\[1\] is NoneType"),
        ("a text", ["x"], TypeError, r"not one string"),
        (["a", "b"], ["x", 1], TypeError, r"all str or all int"),
    ],
)
def test_bad_training_input(texts, labels, error, match):
    with pytest.raises(error, match=match):
        TextClassifier("bag").fit(texts, labels, epochs=1, verbose=0)


def test_labels_never_seen_in_training_are_named(trained):
    clf, _, texts, _ = trained
    with pytest.raises(ValueError, match=r"never saw in training: \['neutral'\]"):
        clf.evaluate(texts[:2], ["pos", "neutral"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "rnn"}, r"`model` must be one of \('cnn', 'bag', 'bilstm', 'hybrid', 'auto'\)"),
        ({"embedding": "frozen"}, r"`embedding` must be one of"),
        ({"embedding": "static"}, r"needs pretrained vectors: pass vectors="),
        ({"max_length": 0}, r"`max_length` must be a positive integer"),
        ({"optimizer": "sgd"}, r"`optimizer` must be one of \('adam', 'adadelta', 'adagrad'\)"),
        ({"learning_rate": 0}, r"`learning_rate` must be positive"),
    ],
)
def test_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TextClassifier(**kwargs)


def test_using_it_before_training():
    with pytest.raises(ValueError, match=r"not trained yet: call fit\(\) first"):
        TextClassifier().predict(["a"])


def test_split_clitics_lets_pretrained_vectors_cover_them(tmp_path):
    words = [*GOOD, *BAD, "film", "it", "'s", "does", "n't"]
    vectors = Vectors(words, np.random.default_rng(2).normal(size=(len(words), 8)).astype("f4"))
    texts, labels = _data(40)
    texts = [t.replace("zork", "it's") + " doesn't" for t in texts]
    runs = {}
    for split in (False, True):
        clf = TextClassifier("bag", embedding="static", vectors=vectors, split_clitics=split)
        clf.fit(texts, labels, epochs=1, verbose=0)
        runs[split] = clf
    assert set(runs[False].coverage.missing) >= {"it's", "doesn't"}
    assert runs[True].coverage.missing == ["plot"]
    runs[True].save(tmp_path / "m")
    loaded = TextClassifier.load(tmp_path / "m")
    assert loaded.settings["split_clitics"] is True
    np.testing.assert_array_equal(
        loaded.predict_proba(["it's good"]), runs[True].predict_proba(["it's good"])
    )


def test_early_stopping_stops_and_keeps_the_best_epoch():
    texts, labels = _data()
    clf = TextClassifier("bag", output_dim=8, seed=1)
    history = clf.fit(texts, labels, epochs=40, patience=2, monitor="val_accuracy", verbose=0)
    val = history.history["val_accuracy"]
    assert len(val) < 40  # stopped early
    held = clf.held_out.tolist()
    kept = clf.evaluate([texts[i] for i in held], [labels[i] for i in held]).accuracy
    assert kept == pytest.approx(max(val))  # the best epoch's weights, restored


def test_early_stopping_on_the_validation_loss():
    texts, labels = _data()
    # Easy data: the accuracy is flat at its top early, the loss keeps falling.
    runs = {
        monitor: TextClassifier("bag", output_dim=8, seed=1)
        .fit(texts, labels, epochs=40, patience=2, monitor=monitor, verbose=0)
        .history["val_loss"]
        for monitor in ("val_accuracy", "val_loss")
    }
    assert len(runs["val_accuracy"]) < len(runs["val_loss"])
    assert np.argmin(runs["val_loss"]) >= len(runs["val_accuracy"])
    # Noisy labels: the loss turns up; the weights of its lowest epoch are kept.
    flip = {"neg": "pos", "pos": "neg"}
    labels = [flip[y] if i % 4 == 0 else y for i, y in enumerate(labels)]
    clf = TextClassifier("bag", output_dim=8, seed=1, learning_rate=0.05)
    history = clf.fit(texts, labels, epochs=40, patience=2, monitor="val_loss", verbose=0)
    loss, accuracy = history.history["val_loss"], history.history["val_accuracy"]
    assert np.argmin(loss) == len(loss) - 3  # stopped `patience` epochs after the lowest
    held = clf.held_out.tolist()
    kept = clf.evaluate([texts[i] for i in held], [labels[i] for i in held]).accuracy
    assert kept == pytest.approx(accuracy[int(np.argmin(loss))])
    with pytest.raises(ValueError, match="`monitor` must be 'val_accuracy' or 'val_loss'"):
        clf.fit(texts, labels, monitor="loss")


def test_bag_stops_on_the_loss_by_default_the_others_on_the_accuracy():
    texts, labels = _data()
    labels = [{"neg": "pos", "pos": "neg"}[y] if i % 4 == 0 else y for i, y in enumerate(labels)]

    def run(model, **options):
        clf = TextClassifier(model, output_dim=8, seed=1, learning_rate=0.05)
        return clf.fit(texts, labels, patience=2, verbose=0, **options)

    bag = run("bag")
    assert bag.history == run("bag", monitor="val_loss", epochs=100).history
    assert bag.params["epochs"] == 100 and len(bag.epoch) < 100
    cnn = run("cnn")
    assert cnn.history == run("cnn", monitor="val_accuracy", epochs=25).history
    assert cnn.params["epochs"] == 25
    assert run("cnn", monitor="val_loss", epochs=None).params["epochs"] == 100
    assert run("bag", early_stopping=False).params["epochs"] == 25  # nothing stops it early


def test_no_texts_predict_nothing_and_the_classifier_stays_usable(trained):
    # The hostile test's case: a Keras UnboundLocalError, and a broken classifier after.
    clf = trained[0]
    assert clf.predict([]) == []
    assert clf.predict_proba([]).shape == (0, 2)
    assert clf.predict(["great superb lovely"]) == ["pos"]


def test_one_text_a_class_trains_with_a_warning_that_nothing_is_held_out():
    clf = TextClassifier("bag", output_dim=4, seed=0)
    with pytest.warns(DataWarning, match=r"No texts held out.*at least 6 texts"):
        clf.fit(["good film", "bad film"], ["pos", "neg"], epochs=1, verbose=0)
    assert len(clf.held_out) == 0 and clf.predict(["good"]) in (["pos"], ["neg"])


def test_ctrl_c_stops_at_the_end_of_the_batch_and_keeps_the_model():
    class PressCtrlC(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                os.kill(os.getpid(), signal.SIGINT)

    texts, labels = _data(400)
    clf = TextClassifier("bag", output_dim=4, batch_size=10, seed=0)
    with pytest.raises(TrainingInterrupted, match=r"after batch 2 of epoch 1") as stop:
        clf.fit(texts, labels, epochs=50, verbose=0, callbacks=[PressCtrlC()])
    assert isinstance(stop.value, KeyboardInterrupt) and (stop.value.epoch, stop.value.batch) == (
        1,
        2,
    )
    assert len(clf.predict(["good"])) == 1  # usable, and savable if wanted
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


@pytest.mark.parametrize("embedding", ["static", "non-static", "oov", "multichannel"])
def test_learned_vectors_are_the_embedding_rows_of_each_word(vectors, embedding):
    from kembed import learned_vectors

    texts, labels = _data(60)
    clf = TextClassifier("bag", embedding=embedding, vectors=vectors, seed=0)
    clf.fit(texts, labels, epochs=3, verbose=0, early_stopping=False)
    learned = learned_vectors(clf)
    assert set(learned.index_to_key) == set(clf.tokenizer.word_index)
    found = [w for w in learned.index_to_key if w in vectors]
    same = [np.allclose(learned[w], vectors[w]) for w in found]
    if embedding == "static":
        assert all(same)
    else:  # fine-tuned rows moved; in "oov" only the unknown word's row learns
        assert all(same) if embedding == "oov" else not any(same)
    if embedding == "multichannel":
        static = learned_vectors(clf, channel=0)
        assert all(np.allclose(static[w], vectors[w]) for w in found)
        with pytest.raises(ValueError, match=r"`channel` must be from -2 to 1"):
            learned_vectors(clf, channel=2)


def test_learned_vectors_need_a_trained_classifier():
    from kembed import learned_vectors

    with pytest.raises(ValueError, match=r"not trained"):
        learned_vectors(TextClassifier("bag"))


def test_fit_settings_are_the_keywords_in_one_object_and_saved(tmp_path):
    texts, labels = ["good fun", "bad dull", "great film", "awful plot"] * 10, ["p", "n"] * 20
    by_keywords = TextClassifier("bag", output_dim=4, seed=0)
    by_keywords.fit(texts, labels, epochs=2, patience=1, verbose=0)
    by_object = TextClassifier("bag", output_dim=4, seed=0)
    by_object.fit(texts, labels, settings=FitSettings(epochs=2, patience=1), verbose=0)
    np.testing.assert_allclose(
        by_keywords.predict_proba(texts), by_object.predict_proba(texts), atol=1e-6
    )
    assert by_object.fit_settings == FitSettings(epochs=2, patience=1, monitor="val_loss")
    by_object.save(tmp_path / "c.kembed")
    assert TextClassifier.load(tmp_path / "c.kembed").fit_settings == by_object.fit_settings
    with pytest.raises(ValueError, match="Pass `settings` or the keyword arguments"):
        by_object.fit(texts, labels, settings=FitSettings(), epochs=3)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"validation_split": 1.0}, r"`validation_split` must be in \[0, 1\)"),
        ({"epochs": 0}, "`epochs` must be a positive integer"),
        ({"patience": -1}, "`patience` must be a positive integer"),
        ({"monitor": "loss"}, "`monitor` must be 'val_accuracy' or 'val_loss'"),
    ],
)
def test_bad_fit_settings_are_named(fields, message):
    with pytest.raises(ValueError, match=message):
        FitSettings(**fields)


@pytest.mark.parametrize("embedding", ["learned", "non-static"])
def test_a_hybrid_classifier_learns_and_round_trips(embedding, tmp_path):
    texts, labels = _data(200)
    vectors = Vectors(GOOD + BAD, np.random.default_rng(0).normal(size=(12, 8)).astype("f4"))
    clf = TextClassifier(
        "hybrid",
        embedding=embedding,
        vectors=None if embedding == "learned" else vectors,
        output_dim=8,
        seed=0,
    )
    clf.fit(texts, labels, verbose=0)
    assert clf.settings["optimizer"] == "adam" and clf.fit_settings.monitor == "val_loss"
    assert clf.evaluate(texts, labels).accuracy > 0.95
    # The n-gram half is NBSVM fitted on all the training texts, held-out ones included,
    # its weights mixed with naive Bayes as a + b * w.
    linear = clf.model.get_layer("nb_linear")
    assert not linear.trainable_weights
    x = clf._pad(clf.tokenizer.texts_to_sequences(texts))
    keys = keras.ops.convert_to_numpy(clf.model.get_layer("ngrams")(x))
    y = np.searchsorted(clf.classes, labels)
    # Every n-gram has its own key, and the layer holds each key once, sorted.
    kept = keras.ops.convert_to_numpy(linear.keys)
    kept = kept[kept < NO_KEY]
    assert np.array_equal(kept, np.unique(keys[keys > 0]))
    ngrams = np.where(keys > 0, np.searchsorted(kept, keys) + 1, 0)
    ratios, weights, _ = nbsvm.fit_nbsvm(ngrams, y, 2, buckets=len(kept))
    stored = keras.ops.convert_to_numpy(linear.ratios)
    np.testing.assert_allclose(stored[: len(kept) + 1], ratios, atol=1e-6)
    assert not stored[len(kept) + 1 :].any()
    seen = np.unique(ngrams[ngrams > 0])
    mixed = keras.ops.convert_to_numpy(linear.weights_)[seen, 1]
    slope, offset = np.polyfit(weights[seen, 1], mixed, 1)
    np.testing.assert_allclose(offset + slope * weights[seen, 1], mixed, atol=1e-4)
    clf.save(tmp_path / "h.kembed")
    loaded = TextClassifier.load(tmp_path / "h.kembed")
    unseen = ["zork great film", "boring plot", "never seen words"]
    assert loaded.predict(unseen) == clf.predict(unseen)
    # Equal to float32 rounding: the reloaded model is compiled anew.
    np.testing.assert_allclose(loaded.predict_proba(unseen), clf.predict_proba(unseen), atol=1e-7)


def test_probabilities_are_calibrated_on_the_held_out_texts(tmp_path):
    texts, labels = _data(300, seed=4)
    flip = {"neg": "pos", "pos": "neg"}
    labels = [flip[y] if i % 5 == 0 else y for i, y in enumerate(labels)]  # 20 % noise
    clf = TextClassifier("bag", output_dim=8, seed=0, learning_rate=0.05)
    clf.fit(texts, labels, epochs=30, early_stopping=False, verbose=0)
    held = clf.evaluate_held_out(texts, labels)
    assert clf.temperature != 1.0
    assert held.ece is not None and held.ece_uncalibrated is not None
    raw = clf.predict_proba(texts, calibrated=False)
    calibrated = clf.predict_proba(texts)
    assert (raw.argmax(axis=1) == calibrated.argmax(axis=1)).all()
    truth = np.array([clf.classes.index(y) for y in labels])[clf.held_out]
    rows = np.arange(len(truth))
    nll = [-np.log(p[clf.held_out][rows, truth]).mean() for p in (raw, calibrated)]
    assert nll[1] <= nll[0]  # what the temperature minimises on these texts
    clf.save(tmp_path / "c.kembed")
    loaded = TextClassifier.load(tmp_path / "c.kembed")
    assert loaded.temperature == clf.temperature
    np.testing.assert_allclose(loaded.predict_proba(texts), calibrated, rtol=1e-6)
    meta = json.loads(zipfile.ZipFile(tmp_path / "c.kembed").read("classifier.json"))
    meta["temperature"] = "hot"
    _rewrite(tmp_path / "c.kembed", "classifier.json", meta)
    with pytest.raises(CorpusError, match="`temperature` must be a number"):
        TextClassifier.load(tmp_path / "c.kembed")
