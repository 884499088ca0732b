"""kembed.space.export: the Embedding Projector's files read back exactly (and as
TensorBoard's projector parses them), CSV files read back by the csv module, and nothing
replaced or deleted that kembed did not write."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from kembed import OutputError, Vectors
from kembed.space import project, write_coordinates, write_neighbors, write_projector


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    words = ["the", "cat", "naïve", '"quoted"', "a,b", "émoji😀"]
    return Vectors(words, rng.normal(size=(6, 5)).astype("float32"), counts=[9, 8, 7, 6, 5, 4])


def test_projector_files_hold_the_vectors_words_and_a_config_naming_them(vectors, tmp_path):
    folder = tmp_path / "projector"
    paths = write_projector(vectors, folder, top=4)
    assert [p.name for p in paths] == ["tensors.tsv", "metadata.tsv", "projector_config.pbtxt"]
    tensors = np.loadtxt(folder / "tensors.tsv", delimiter="\t", dtype=np.float32)
    np.testing.assert_array_equal(tensors, vectors.vectors[:4])  # %.9g keeps float32 exact
    rows = (folder / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    assert rows == ["word\tcount", "the\t9", "cat\t8", "naïve\t7", '"quoted"\t6']
    config = (folder / "projector_config.pbtxt").read_text(encoding="utf-8")
    assert 'tensor_path: "tensors.tsv"' in config and 'metadata_path: "metadata.tsv"' in config
    assert "tensor_shape: 4\n  tensor_shape: 5" in config


@pytest.mark.oracle
def test_tensorboards_projector_reads_the_folder(vectors, tmp_path):
    """TensorBoard's own projector plugin: its config proto parses the config, and its
    TSV reader gives back the matrix."""
    plugin = pytest.importorskip("tensorboard.plugins.projector.projector_plugin")
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    write_projector(vectors, tmp_path / "p")
    text = (tmp_path / "p" / "projector_config.pbtxt").read_text(encoding="utf-8")
    config = text_format.Parse(text, projector_config_pb2.ProjectorConfig())
    (embedding,) = config.embeddings
    assert (embedding.tensor_path, embedding.metadata_path) == ("tensors.tsv", "metadata.tsv")
    assert list(embedding.tensor_shape) == [6, 5]
    tensor = plugin._read_tensor_tsv_file(str(tmp_path / "p" / embedding.tensor_path))
    np.testing.assert_array_equal(tensor, vectors.vectors)


def test_metadata_without_counts_is_one_word_a_line_without_header(tmp_path):
    vectors = Vectors(["a", "b"], np.eye(2, dtype="float32"))
    write_projector(vectors, tmp_path / "p")
    assert (tmp_path / "p" / "metadata.tsv").read_text(encoding="utf-8") == "a\nb\n"


def test_projector_never_replaces_or_deletes_what_is_there(vectors, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    (folder / "tensors.tsv").write_text("my own", encoding="utf-8")
    with pytest.raises(OutputError, match=r"tensors.tsv.*overwrite"):
        write_projector(vectors, folder)
    assert (folder / "tensors.tsv").read_text(encoding="utf-8") == "my own"
    assert not (folder / "metadata.tsv").exists()  # checked before anything is written
    write_projector(vectors, folder, overwrite=True)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with pytest.raises(OutputError, match=r"is a file, not a folder"):
        write_projector(vectors, folder / "notes.txt")
    with pytest.raises(OutputError, match=r"does not exist"):
        write_projector(vectors, tmp_path / "missing" / "deeper")


def test_a_word_with_a_tab_is_refused_before_writing(tmp_path):
    vectors = Vectors(["a\tb", "c"], np.eye(2, dtype="float32"))
    with pytest.raises(ValueError, match=r"holds a tab or a line break"):
        write_projector(vectors, tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_coordinates_and_neighbours_read_back_with_csv(vectors, tmp_path):
    projection = project(vectors)
    path = write_coordinates(projection, tmp_path / "map.csv")
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["word", "x", "y"] and [r[0] for r in rows[1:]] == projection.words
    np.testing.assert_allclose(
        np.array([r[1:] for r in rows[1:]], float), projection.xy, rtol=1e-5
    )

    path = write_neighbors(vectors, tmp_path / "nn.csv", top=3, topn=2)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 6
    for word in vectors.index_to_key[:3]:
        expected = vectors.most_similar(word, topn=2)
        found = [(r["neighbor"], float(r["similarity"])) for r in rows if r["word"] == word]
        assert [w for w, _ in found] == [w for w, _ in expected]
        np.testing.assert_allclose([s for _, s in found], [s for _, s in expected], atol=1e-6)
    with pytest.raises(OutputError, match=r"nn.csv"):
        write_neighbors(vectors, tmp_path / "nn.csv")
