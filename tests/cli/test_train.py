"""`kembed train word2vec|fasttext|glove`: trains and saves in the format the name asks
for, its error path (one line, exit code 1) and `--help`."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from kembed import Vectors
from kembed.cli import app

runner = CliRunner()


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    words = ["cat", "dog", "car", "bus", "the", "a"]
    path = tmp_path / "corpus.txt"
    path.write_text(
        "\n".join(" ".join(rng.choice(words, 8)) for _ in range(100)) + "\n", encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(("name", "fmt"), [("vectors", "native"), ("vectors.vec", "word2vec")])
def test_trains_and_saves(corpus, tmp_path, name, fmt):
    out = tmp_path / name
    args = ["train", "word2vec", str(corpus), "-o", str(out), "--dim", "8", "--min-count", "1"]
    result = runner.invoke(app, [*args, "--epochs", "2", "--workers", "1", "--seed", "0"])
    assert result.exit_code == 0, result.output
    assert "6 words x 8 from 800 tokens" in result.output and f"({fmt})" in result.output
    vectors = Vectors.load(out)
    assert len(vectors) == 6 and vectors.dim == 8


def test_glove(corpus, tmp_path):
    out = tmp_path / "glove.txt"
    args = ["train", "glove", str(corpus), "-o", str(out), "--dim", "4", "--min-count", "1"]
    result = runner.invoke(app, [*args, "--epochs", "2", "--seed", "0"])
    assert result.exit_code == 0, result.output
    assert "co-occurrences" in result.output and "(glove)" in result.output
    assert Vectors.load(out).dim == 4
    native = tmp_path / "glove.kembed"  # keeps the settings
    args = [*args[:4], str(native), *args[5:], "--epochs", "1", "--bias-eta", "0.05"]
    assert runner.invoke(app, [*args, "--shuffle", "once"]).exit_code == 0
    settings = Vectors.load(native).header["settings"]
    assert (settings["bias_eta"], settings["shuffle"]) == (0.05, "once")


def test_errors_and_help(corpus, tmp_path):
    args = ["train", "word2vec", str(corpus), "-o", str(tmp_path / "v"), "--min-count", "999"]
    result = runner.invoke(app, args)
    assert result.exit_code != 0 and "min_count=999 leaves no word" in str(result.exception)
    assert not (tmp_path / "v").exists()
    result = runner.invoke(app, ["train", "word2vec", "--help"])
    assert result.exit_code == 0 and "--mode" in result.output


@pytest.mark.parametrize(("name", "fmt"), [("model.bin", "fasttext"), ("ft.kembed", "native")])
def test_fasttext_saves_a_model_whose_subwords_come_back(corpus, tmp_path, name, fmt):
    out = tmp_path / name
    args = ["train", "fasttext", str(corpus), "-o", str(out), "--dim", "8", "--min-count", "1"]
    options = ["--bucket", "1000", "--minn", "2", "--maxn", "4", "--workers", "1", "--seed", "0"]
    result = runner.invoke(app, [*args, *options, "--mode", "cbow", "--whitespace"])
    assert result.exit_code == 0, result.output
    assert "7 words x 8 from 800 tokens" in result.output and f"({fmt})" in result.output
    vectors = Vectors.load(out, cache=False)
    assert "</s>" in vectors and vectors.has_subwords and "cats" not in vectors
    assert vectors.subwords.minn == 2 and vectors["cats"].shape == (8,)
    if fmt == "native":
        assert vectors.header["settings"]["mode"] == "cbow"


def test_fasttext_checks_its_settings_and_the_path_first(corpus, tmp_path):
    out = tmp_path / "model.bin"
    result = runner.invoke(app, ["train", "fasttext", str(corpus), "-o", str(out),
                                 "--minn", "5", "--maxn", "3"])  # fmt: skip
    assert result.exit_code != 0 and "`minn` must be at most `maxn`" in str(result.exception)
    out.write_bytes(b"mine")
    result = runner.invoke(app, ["train", "fasttext", str(corpus), "-o", str(out)])
    assert result.exit_code != 0 and out.read_bytes() == b"mine"
