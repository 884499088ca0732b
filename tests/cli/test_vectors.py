"""`kembed vectors ...`: each command's happy path, an error path and `--help`."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from kembed.cli import app
from kembed.vectors import Vectors

runner = CliRunner()


@pytest.fixture
def vectors_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KEMBED_CACHE", str(tmp_path / "cache"))
    words = ["man", "king", "woman", "queen", "cat"]
    matrix = np.float32([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [-1, -1, -1]])
    path = tmp_path / "tiny.txt"
    Vectors(words, matrix).save(path, format="glove")
    return path


def test_help():
    result = runner.invoke(app, ["vectors", "--help"])
    assert result.exit_code == 0
    for command in ("info", "convert", "neighbors", "analogy", "download"):
        assert command in result.output


def test_info(vectors_file):
    result = runner.invoke(app, ["vectors", "info", str(vectors_file)])
    assert result.exit_code == 0, result.output
    assert "5 words x 3 dimensions" in result.output and "lines read" in result.output


def test_neighbors_json(vectors_file):
    result = runner.invoke(
        app, ["vectors", "neighbors", str(vectors_file), "king", "--topn", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["king"]
    assert [w for w, _ in found] == ["man", "queen"]


def test_analogy(vectors_file):
    result = runner.invoke(app, ["vectors", "analogy", str(vectors_file), "man", "king", "woman"])
    assert result.exit_code == 0, result.output
    assert "│ 1 │ queen" in result.output


def test_convert(vectors_file, tmp_path):
    out = tmp_path / "tiny.bin.gz"
    result = runner.invoke(
        app, ["vectors", "convert", str(vectors_file), str(out), "--to", "word2vec-binary"]
    )
    assert result.exit_code == 0, result.output
    assert Vectors.load(out).index_to_key == ["man", "king", "woman", "queen", "cat"]


def test_download_list():
    result = runner.invoke(app, ["vectors", "download", "--list"])
    assert result.exit_code == 0 and "glove-840B-300d" in result.output


def test_unknown_word_is_one_line(vectors_file):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kembed.cli import main; main()",
            "vectors",
            "neighbors",
            str(vectors_file),
            "dog",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: 'dog' is not in the vocabulary (5 words)"
