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


def test_convert_to_a_fasttext_bin(vectors_file, tmp_path):
    out = tmp_path / "tiny.bin"
    args = ["vectors", "convert", str(vectors_file), str(out), "--to", "fasttext"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0 and "(fasttext)" in result.output, result.output
    again = Vectors.load(out, cache=False)
    assert again.report.format == "fasttext" and not again.has_subwords  # words alone
    np.testing.assert_array_equal(again.vectors, Vectors.load(vectors_file).vectors)


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


def test_evaluate_pairs_and_analogies(vectors_file, tmp_path):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(
        "man\tking\t8\nman\tcat\t1\nwoman\tqueen\t7\nking\tcat\t2\n", encoding="utf-8"
    )
    questions = tmp_path / "questions.txt"
    questions.write_text(": royal\nman king woman queen\nman king cat dog\n", encoding="utf-8")
    args = ["vectors", "evaluate", str(vectors_file), str(pairs), str(questions)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    similarity, analogies = json.loads(result.stdout)
    assert similarity["kind"] == "word-pairs" and similarity["pairs"] == 4
    assert analogies["correct"] == 1 and analogies["oov"] == 1
    table = runner.invoke(app, [*args, "--sections"])
    assert "questions (3cosadd): 100.00% of 1 questions" in table.output
    assert "royal" in table.output and "Spearman" in table.output
    missing = runner.invoke(app, ["vectors", "evaluate", str(vectors_file), str(tmp_path / "x")])
    assert missing.exit_code != 0


def test_plot_writes_a_labelled_map_and_checks_the_path_first(kembed, vectors_file, tmp_path):
    out = tmp_path / "map.svg"
    code, stdout, _ = kembed("vectors", "plot", vectors_file, "-o", out)
    assert code == 0 and "wrote a pca map of 5 words" in stdout
    assert "queen" in out.read_text(encoding="utf-8")
    args = ["vectors", "plot", vectors_file, "king", "queen", "cat", "-o", out]
    code, _, err = kembed(*args)
    assert code == 1 and "overwrite" in err
    code, stdout, _ = kembed(*args, "--overwrite", "--labels", "1")
    assert code == 0 and "3 words" in stdout
    text = out.read_text(encoding="utf-8")
    assert "king" in text and "cat" not in text
    code, _, err = kembed("vectors", "plot", vectors_file, "-o", tmp_path / "map.jpg")
    assert code == 1 and "must be one of .png, .svg, .pdf" in err


def test_export_writes_the_projector_folder_and_csv_files(kembed, vectors_file, tmp_path):
    args = ["vectors", "export", vectors_file, "--projector", tmp_path / "proj"]
    args += ["--coordinates", tmp_path / "xy.csv", "--neighbors", tmp_path / "nn.csv"]
    code, stdout, err = kembed(*args, "--topn", "2")
    assert code == 0, err
    assert "wrote 2 neighbours of 5 words" in stdout
    assert (tmp_path / "proj" / "metadata.tsv").read_text(encoding="utf-8").split() == [
        "man", "king", "woman", "queen", "cat"
    ]  # fmt: skip
    assert len((tmp_path / "nn.csv").read_text(encoding="utf-8").splitlines()) == 1 + 5 * 2
    assert (tmp_path / "xy.csv").read_text(encoding="utf-8").startswith("word,x,y\n")
    code, _, err = kembed(*args)
    assert code == 1 and "overwrite" in err
    code, _, err = kembed("vectors", "export", vectors_file)
    assert code == 2 and "--projector" in err


def test_explore_serves_until_ctrl_c(vectors_file, tmp_path):
    """The console script as a user runs it: it prints the address, answers there, and
    Ctrl-C (SIGINT) stops it cleanly."""
    import re
    import signal
    import urllib.request

    pairs = tmp_path / "pairs.txt"
    pairs.write_text("king\tqueen\t9\nman\tcat\t1\nwoman\tqueen\t8\n", encoding="utf-8")
    command = [sys.executable, "-u", "-c", "from kembed.cli import main; main()", "explore"]
    command += [str(vectors_file), str(vectors_file)]
    command += ["--eval", str(pairs), "--host", "0.0.0.0", "--no-cache"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        port = re.search(r"http://0\.0\.0\.0:(\d+)/", line).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=30) as response:
            info = json.load(response)
        assert [s["name"] for s in info["sets"]] == ["tiny.txt", "tiny.txt'"]
        assert info["evaluations"][0]["name"] == "pairs"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in out and "anyone who can reach this machine" in err


def test_explore_reports_a_bad_source_in_one_line(kembed, tmp_path):
    code, _, err = kembed("explore", tmp_path / "missing.txt")
    assert code == 1 and err.startswith("Error: ") and "missing.txt" in err
