"""`kembed classify ...`: fit, evaluate, predict and cv on a small CSV, their error paths
(one line, exit code 1) and `--help`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from kembed.cli import app

pytestmark = pytest.mark.keras
runner = CliRunner()


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
