"""kembed.space.plot: real PNG / SVG / PDF files, checked by their content, and the paths
checked before drawing."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import OutputError, Vectors
from kembed.space import plot_map, plot_shift, project


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    return Vectors([f"word{i}" for i in range(50)], rng.normal(size=(50, 8)).astype("float32"))


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_a_map_is_written_in_the_format_its_name_says(vectors, tmp_path, suffix, magic):
    path = plot_map(project(vectors), tmp_path / f"map{suffix}")
    assert path.read_bytes()[:4] == magic


def test_an_svg_map_labels_the_first_words(vectors, tmp_path):
    svg = plot_map(project(vectors), tmp_path / "map.svg", labels=3).read_text(encoding="utf-8")
    assert "word0" in svg and "word2" in svg and "word3" not in svg
    assert "PCA map of 50 words" in svg


def test_a_shift_map_draws_both_sets(vectors, tmp_path):
    after = Vectors(vectors.index_to_key, np.asarray(vectors.vectors) * 1.5)
    svg = plot_shift(vectors, after, ["word1", "word2", "nope"], tmp_path / "s.svg")
    text = svg.read_text(encoding="utf-8")
    assert "word1" in text and "word2" in text and "nope" not in text


def test_bad_paths_and_sets_are_refused_before_drawing(vectors, tmp_path):
    with pytest.raises(ValueError, match=r"must be one of \.png, \.svg, \.pdf"):
        plot_map(project(vectors), tmp_path / "map.jpg")
    (tmp_path / "taken.png").write_bytes(b"mine")
    with pytest.raises(OutputError, match=r"taken.png"):
        plot_map(project(vectors), tmp_path / "taken.png")
    assert (tmp_path / "taken.png").read_bytes() == b"mine"
    other = Vectors(["word1", "word2"], np.eye(2, dtype="float32"))
    with pytest.raises(ValueError, match=r"same dim to share axes; found 8 and 2"):
        plot_shift(vectors, other, ["word1", "word2"], tmp_path / "s.png")
    with pytest.raises(ValueError, match=r"Fewer than 2 of the words"):
        plot_shift(vectors, vectors, ["word1"], tmp_path / "s.png")
