"""`kembed classify ...`: fit, evaluate, predict and cv on a small CSV, their error paths
(one line, exit code 1) and `--help`."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from kembed.cli import app

pytestmark = pytest.mark.keras
runner = CliRunner()


def keras_backend() -> str:
    import keras

    return keras.backend.backend()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.default_rng(0)
    path = tmp_path_factory.mktemp("data") / "reviews.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["review", "sentiment"])
        for _ in range(80):
            good = bool(rng.integers(2))
            pool = ["great", "fine", "superb"] if good else ["awful", "dull", "bad"]
            words = rng.choice(pool, 3)
            writer.writerow([" ".join([*words, "film"]), "pos" if good else "neg"])
    return path


@pytest.fixture(scope="module")
def model(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    result = runner.invoke(
        app,
        [
            "classify", "fit", str(data), "-o", str(folder / "m.kembed"),
            "--model", "bag", "--epochs", "30", "--seed", "1", "--verbose", "0",
            "--text-column", "review", "--label-column", "sentiment",
            "--plots", str(folder / "plots"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_fit_saves_reports_and_plots(model):
    folder, output = model
    assert (folder / "m.kembed").exists()
    assert "on the 8 held-out documents" in output and "macro-F1" in output
    assert {p.name for p in (folder / "plots").iterdir()} == {
        "learning_curves.png",
        "confusion_matrix.png",
    }
    assert (folder / "plots" / "learning_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_evaluate_prints_the_metrics_as_table_or_json(model, data):
    folder, _ = model
    args = ["classify", "evaluate", str(folder / "m.kembed"), str(data)]
    args += ["--text-column", "review", "--label-column", "sentiment"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics["accuracy"] > 0.9 and sum(map(sum, metrics["confusion"])) == 80
    table = runner.invoke(app, args)
    assert "confusion (rows: true, columns: predicted)" in table.output


def test_predict_a_text_or_a_file(model, tmp_path):
    folder, _ = model
    result = runner.invoke(app, ["classify", "predict", str(folder / "m.kembed"), "superb film"])
    assert result.exit_code == 0 and result.output.startswith("pos\t")
    texts = tmp_path / "texts.txt"
    texts.write_text("great great\nawful dull\n", encoding="utf-8")
    result = runner.invoke(
        app, ["classify", "predict", str(folder / "m.kembed"), str(texts), "--json"]
    )
    assert [row["label"] for row in json.loads(result.stdout)] == ["pos", "neg"]


def test_cv_reports_mean_and_spread(data):
    result = runner.invoke(
        app,
        [
            "classify", "cv", str(data), "--folds", "3", "--model", "bag", "--epochs", "3",
            "--text-column", "review", "--label-column", "sentiment", "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["folds"] == 3 and len(summary["accuracy"]) == 3


def test_fit_takes_the_optimizer(data, tmp_path):
    from kembed import TextClassifier

    args = ["classify", "fit", str(data), "-o", str(tmp_path / "m.kembed"), "--epochs", "1",
            "--model", "bag", "--text-column", "review", "--label-column", "sentiment",
            "--verbose", "0", "--optimizer", "adadelta"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    settings = TextClassifier.load(tmp_path / "m.kembed").settings
    assert (settings["optimizer"], settings["learning_rate"]) == ("adadelta", 1.0)
    result = runner.invoke(app, [*args[:-1], "sgd", "--overwrite"])
    assert result.exit_code != 0
    assert "`optimizer` must be one of ('adam', 'adadelta', 'adagrad')" in str(result.exception)


def test_fit_and_cv_take_the_early_stopping_options(data, tmp_path, monkeypatch):
    from kembed import TextClassifier

    seen = []
    fit = TextClassifier.fit

    def spy(self, *args, **kwargs):
        seen.append((kwargs["monitor"], kwargs["patience"]))
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(TextClassifier, "fit", spy)
    common = ["--epochs", "1", "--model", "bag", "--text-column", "review", "--label-column",
              "sentiment", "--monitor", "val_loss", "--patience", "3"]  # fmt: skip
    result = runner.invoke(app, ["classify", "fit", str(data), "-o", str(tmp_path / "m"),
                                 "--verbose", "0", *common])  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["classify", "cv", str(data), "--folds", "2", *common])
    assert result.exit_code == 0, result.output
    assert seen == [("val_loss", 3)] * 3
    result = runner.invoke(app, ["classify", "cv", str(data), *common[:-3], "val_auc"])
    assert result.exit_code != 0
    assert "`monitor` must be 'val_accuracy' or 'val_loss'" in str(result.exception)


def test_errors_are_one_line(data, tmp_path):
    for args, message in [
        (["classify", "fit", str(data), "-o", str(tmp_path / "m")], "no column 'text'"),
        (["classify", "evaluate", str(data), str(data)], "not a kembed classifier"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code != 0
        assert message in str(result.exception)
    # Through the console script, the same errors are one line on stderr, exit code 1.
    out = subprocess.run(
        [sys.executable, "-c", "from kembed.cli import main; main()", "classify", "fit",
         str(data), "-o", str(tmp_path / "m")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 1
    assert out.stderr.strip().startswith("Error: ") and "no column 'text'" in out.stderr
    assert "Traceback" not in out.stderr


def test_help():
    result = runner.invoke(app, ["classify", "--help"])
    assert result.exit_code == 0
    for command in ("fit", "evaluate", "predict", "cv"):
        assert command in result.output


@pytest.mark.skipif(keras_backend() != "jax", reason="keras.distribution runs on JAX only")
def test_fit_data_parallel_on_eight_devices(data, tmp_path):
    args = ["classify", "fit", str(data), "-o", str(tmp_path / "m.kembed"), "--model", "bag"]
    args += ["--epochs", "2", "--verbose", "0", "--text-column", "review"]
    args += ["--label-column", "sentiment", "--devices", "8"]
    result = runner.invoke(app, [*args, "--batch-size", "16", "--shard-embeddings"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.kembed").exists()
    result = runner.invoke(app, [*args, "--overwrite"])  # a batch of 50 does not split 8 ways
    assert "batch_size=50 does not split evenly over 8 devices" in str(result.exception)
    result = runner.invoke(app, [*args[:-1], "many", "--overwrite"])
    assert result.exit_code == 2 and "expected 'all' or a number of devices" in result.output


@pytest.mark.skipif(keras_backend() != "jax", reason="keras.distribution runs on JAX only")
def test_fit_on_two_processes(data, tmp_path):
    """The same command on two processes (hosts): process 0 saves the model."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-c", "from kembed.cli import main; main()", "classify", "fit"]
    command += [str(data), "-o", str(tmp_path / "m.kembed"), "--model", "bag", "--epochs", "2"]
    command += ["--verbose", "0", "--text-column", "review", "--label-column", "sentiment"]
    command += ["--batch-size", "16", "--seed", "1", "--devices", "all"]
    command += ["--coordinator", f"127.0.0.1:{port}", "--num-processes", "2", "--process-id"]
    env = {**os.environ, "KERAS_BACKEND": "jax", "XLA_FLAGS": ""}
    runs = [
        subprocess.Popen([*command, str(i)], env=env, stdout=subprocess.PIPE, text=True)
        for i in range(2)
    ]
    try:
        outputs = [run.communicate(timeout=240)[0] for run in runs]
    finally:
        for run in runs:
            run.kill()
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert f"to {tmp_path / 'm.kembed'}" in outputs[0]
    assert "process 1: trained; process 0 saves the model." in outputs[1]
    assert (tmp_path / "m.kembed").exists()


def test_fit_on_fine_tuned_vectors_plots_the_words_that_moved(data, tmp_path):
    from kembed import Vectors

    rng = np.random.default_rng(0)
    words = ["great", "fine", "superb", "awful", "dull", "bad", "film"]
    Vectors(words, rng.normal(size=(7, 6)).astype("float32")).save(tmp_path / "v.txt")
    args = ["classify", "fit", str(data), "-o", str(tmp_path / "m.kembed"), "--model", "bag"]
    args += ["--vectors", str(tmp_path / "v.txt"), "--embedding", "non-static", "--epochs", "3"]
    args += ["--text-column", "review", "--label-column", "sentiment", "--verbose", "0"]
    result = runner.invoke(app, [*args, "--plots", str(tmp_path / "plots")])
    assert result.exit_code == 0, result.output
    shift = tmp_path / "plots" / "embedding_shift.png"
    assert f"wrote {shift}" in result.output and shift.read_bytes()[:4] == b"\x89PNG"


def test_fit_with_model_auto_prints_what_it_tried_and_saves_the_winner(data, tmp_path):
    result = runner.invoke(
        app,
        [
            "classify", "fit", str(data), "-o", str(tmp_path / "auto.kembed"),
            "--model", "auto", "--budget", "600", "--epochs", "5", "--seed", "1",
            "--verbose", "0", "--text-column", "review", "--label-column", "sentiment",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "auto: 3-fold accuracy on the training texts (budget 600 s)" in result.output
    assert "<- chosen" in result.output and "ECE" in result.output
    from kembed.classify.classifier import TextClassifier

    loaded = TextClassifier.load(tmp_path / "auto.kembed")
    assert loaded.settings["model"] in ("hybrid", "bag", "cnn")
    assert loaded.selection.chosen["model"] == loaded.settings["model"]
    json_result = runner.invoke(
        app,
        [
            "classify", "evaluate", str(tmp_path / "auto.kembed"), str(data), "--json",
            "--text-column", "review", "--label-column", "sentiment",
        ],
    )  # fmt: skip
    assert json_result.exit_code == 0, json_result.output
    evaluation = json.loads(json_result.stdout)
    assert 0 <= evaluation["ece"] <= 1 and "ece_uncalibrated" in evaluation
