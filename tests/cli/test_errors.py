"""The hostile test's cases through the console script as a user runs it (`main()`): each
bad input is one `Error:` line and exit code 1, checked before any long work, and nothing
the user had is lost."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

from kembed.vectors import Vectors


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corp"
    folder.mkdir()
    rng = np.random.default_rng(0)
    lines = (" ".join(rng.choice(["cat", "dog", "the", "a"], 6)) for _ in range(50))
    (folder / "a.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.txt"
    words = ["man", "king", "woman", "queen", "cat"]
    Vectors(words, np.eye(5, dtype="float32") + 0.1).save(path, format="glove")
    return path


def _one_error_line(err: str, *parts: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "Traceback" not in err and ".tmp" not in err
    for part in parts:
        assert part in lines[0], (part, lines[0])


def test_training_into_the_corpus_folder_is_refused_before_training(kembed, corpus):
    code, _, err = kembed("train", "word2vec", corpus, "-o", corpus, "--min-count", "1")
    assert code == 1
    _one_error_line(err, str(corpus), "is a folder that kembed did not write")
    assert [p.name for p in corpus.iterdir()] == ["a.txt"]
    code, _, err = kembed("train", "glove", corpus, "-o", corpus, "--overwrite")
    assert code == 1 and "never replaces it" in err and (corpus / "a.txt").exists()


def test_a_missing_output_folder_is_found_before_training(kembed, corpus, tmp_path):
    out = tmp_path / "missing" / "v.vec"
    code, _, err = kembed("train", "word2vec", corpus, "-o", out, "--min-count", "1")
    assert code == 1
    _one_error_line(err, "missing does not exist. Create it first.")
    assert "tokens" not in err  # nothing trained


def test_an_existing_output_needs_overwrite(kembed, corpus, tmp_path):
    out = tmp_path / "v.vec"
    args = ("train", "word2vec", corpus, "-o", out, "--min-count", "1", "--dim", "4")
    assert kembed(*args)[0] == 0
    first = out.read_bytes()
    code, _, err = kembed(*args)
    assert code == 1 and out.read_bytes() == first
    _one_error_line(err, "exists. Pass overwrite=True (--overwrite)")
    assert kembed(*args, "--overwrite", "--seed", "3", "--workers", "1")[0] == 0


def test_convert_into_a_project_folder_is_refused(kembed, tiny, tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = kembed("vectors", "convert", tiny, project)
    assert code == 1 and (project / "notes.txt").read_text(encoding="utf-8") == "mine"
    _one_error_line(err, "is a folder that kembed did not write")
    assert kembed("vectors", "convert", tiny, tmp_path / "v.kembed")[0] == 0
    assert kembed("vectors", "convert", tiny, tmp_path / "v.kembed")[0] == 1
    assert kembed("vectors", "convert", tiny, tmp_path / "v.kembed", "--overwrite")[0] == 0


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_truncated_compressed_vectors(kembed, tmp_path, suffix):
    import bz2
    import lzma

    compress = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[suffix]
    data = compress(b"".join(b"w%d 1 2 3\n" % i for i in range(3000)))
    path = tmp_path / f"v.txt{suffix}"
    path.write_bytes(data[: len(data) // 2])
    code, _, err = kembed("vectors", "info", path)
    assert code == 1
    _one_error_line(err, str(path), "the compressed file is truncated")


def test_an_unknown_encoding(kembed, corpus, tmp_path):
    code, _, err = kembed(
        "train", "word2vec", corpus, "-o", tmp_path / "v", "--encoding", "klingon"
    )
    assert code == 1
    _one_error_line(err, "Unknown encoding: 'klingon'")


def test_topn_beyond_the_vocabulary(kembed, tiny):
    code, out, _ = kembed("vectors", "neighbors", tiny, "king", "--topn", "100", "--json")
    assert code == 0
    found = json.loads(out)["king"]
    assert len(found) == 4 and "king" not in [w for w, _ in found]
    assert all(np.isfinite(s) for _, s in found)


def test_no_cache_writes_nothing_and_cache_lists_and_clears(kembed, tiny, tmp_path):
    assert kembed("vectors", "info", tiny, "--no-cache")[0] == 0
    assert not (tmp_path / "cache").exists()
    assert kembed("vectors", "info", tiny)[0] == 0
    code, out, _ = kembed("cache", "list")
    assert code == 0 and str(tiny) in out and "1 entries" in out
    code, out, _ = kembed("cache", "clear")
    assert code == 0 and "deleted 1 entries" in out
    assert "0 entries" in kembed("cache", "list")[1]


@pytest.mark.filterwarnings("always::kembed.errors.KembedWarning")
def test_a_read_only_cache_warns_in_one_line_and_loads(kembed, tiny, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("KEMBED_CACHE", str(blocker / "cache"))  # a folder under a file
    code, out, err = kembed("vectors", "info", tiny)
    assert code == 0 and "5 words x 5 dimensions" in out
    warnings = [line for line in err.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 1 and "Set KEMBED_CACHE to a writable folder" in warnings[0]
    assert "--no-cache" in warnings[0] and "Traceback" not in err


def test_evaluate_json_has_no_bare_nan(kembed, tiny, tmp_path):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("man\tking\t5\nwoman\tqueen\t5\nman\tcat\t5\nbad line\n", encoding="utf-8")
    code, out, _ = kembed("vectors", "evaluate", tiny, pairs, "--json")
    assert code == 0
    result = json.loads(out)[0]  # parses: NaN is written as null
    assert result["spearman"] is None and result["skipped_lines"] == 1


def test_an_analogy_file_without_sections_is_read_as_analogies(kembed, tiny, tmp_path):
    questions = tmp_path / "mine.txt"
    questions.write_text("man king woman queen\nking man queen woman\n", encoding="utf-8")
    code, out, _ = kembed("vectors", "evaluate", tiny, questions, "--json")
    assert code == 0 and json.loads(out)[0]["kind"] == "analogies"
    assert json.loads(out)[0]["questions"] == 2


def test_a_folder_of_documentation_only_names_itself(kembed, tmp_path):
    pytest.importorskip("keras")
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "README.md").write_text("about\n", encoding="utf-8")
    code, _, err = kembed("classify", "cv", folder)
    assert code == 1
    _one_error_line(err, f"{folder}: no documents found")


@pytest.fixture
def reviews(tmp_path):
    path = tmp_path / "reviews.csv"
    rows = [
        f"{'good fine' if i % 2 else 'bad dull'} film,{'pos' if i % 2 else 'neg'}"
        for i in range(40)
    ]
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.keras
def test_more_folds_than_the_smallest_class_fails_before_training(kembed, reviews):
    code, _, err = kembed("classify", "cv", reviews, "--folds", "30", "--model", "bag")
    assert code == 1
    assert "fold 1/" not in err  # nothing trained
    assert "smallest class, 20" in err and "Use fewer folds (--folds)" in err


@pytest.mark.keras
def test_predict_on_an_empty_file_prints_nothing(kembed, reviews, tmp_path):
    model = tmp_path / "m.kembed"
    assert kembed("classify", "fit", reviews, "-o", model, "--model", "bag", "--epochs", "1",
                  "--verbose", "0")[0] == 0  # fmt: skip
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert kembed("classify", "predict", model, empty) == (0, "", "")
    code, out, _ = kembed("classify", "predict", model, empty, "--json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.keras
@pytest.mark.filterwarnings("always::kembed.errors.KembedWarning")
def test_a_nan_label_is_one_warning_line(kembed, tmp_path):
    path = tmp_path / "d.csv"
    rows = [f"good film {i},{'pos' if i % 3 else 'NaN'}" for i in range(30)]
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = kembed("classify", "fit", path, "-o", tmp_path / "m", "--model", "bag",
                          "--epochs", "1", "--verbose", "0")  # fmt: skip
    assert code == 0
    warning = [line for line in err.splitlines() if line.startswith("Warning: ")]
    assert len(warning) == 1 and "10 documents have the label 'NaN'" in warning[0]


@pytest.mark.keras
def test_ctrl_c_during_fit_stops_says_so_and_saves_nothing(reviews, tmp_path):
    out = tmp_path / "m.kembed"
    command = [sys.executable, "-u", "-c", "from kembed.cli import main; main()", "classify"]
    command += ["fit", str(reviews), "-o", str(out), "--model", "bag", "--epochs", "10000"]
    command += ["--no-early-stopping", "--batch-size", "2", "--verbose", "2"]
    env = {**os.environ, "KEMBED_CACHE": str(tmp_path / "cache")}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            for line in process.stdout:
                if line.startswith("Epoch 2/"):
                    break
            process.send_signal(signal.SIGINT)
            _, err = process.communicate(timeout=120)
        finally:
            process.kill()
    assert process.returncode == 130, err
    assert "Training interrupted (Ctrl-C) after batch" in err and "nothing saved" in err
    assert "Traceback" not in err and not out.exists()
