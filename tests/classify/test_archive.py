"""The saved classifier's file: a round trip of its three parts, and a clear error for
every kind of damage."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from kembed.errors import CorpusError, OutputError
from kembed.text import Tokenizer

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
archive = pytest.importorskip("kembed.classify.archive")

META = {"classes": ["neg", "pos"], "settings": {"model": "bag"}}


@pytest.fixture
def saved(tmp_path):
    tokenizer = Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(["a good film", "a dull plot"])
    model = keras.Sequential(
        [
            keras.Input((5,), dtype="int32"),
            keras.layers.Embedding(10, 4),
            keras.layers.GlobalAveragePooling1D(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    path = tmp_path / "model.kembed"
    archive.write_classifier(path, model, tokenizer, META)
    return path, model, tokenizer


def test_the_three_parts_come_back(saved):
    path, model, tokenizer = saved
    meta, tokenizer_back, model_back = archive.read_classifier(path)
    assert meta == {"format": archive.FORMAT, "version": archive.VERSION, **META}
    assert tokenizer_back.word_index == tokenizer.word_index
    for ours, theirs in zip(model_back.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert sorted(zipfile.ZipFile(path).namelist()) == [
        "classifier.json",
        "model.keras",
        "tokenizer.json",
    ]
    assert [p.name for p in path.parent.iterdir()] == ["model.kembed"]  # nothing half-written


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda p: p.write_bytes(b"not a zip"), r"not a kembed classifier, or damaged"),
        (lambda p: _rewrite(p, "classifier.json", {"format": "other"}), r"not a kembed-class"),
        (
            lambda p: _rewrite(p, "classifier.json", {"format": archive.FORMAT, "version": 9}),
            r"format version 9; this kembed reads version 1",
        ),
        (lambda p: _rewrite(p, "model.keras", None), r"Keras model cannot be loaded"),
        (lambda p: _rewrite(p, "tokenizer.json", None), r"its tokenizer.json: Not a tokeni"),
        (
            lambda p: _rewrite(p, "classifier.json", {"format": archive.FORMAT, "version": 1}),
            r"classifier.json lacks the classes or the settings",
        ),
        (
            lambda p: _rewrite(
                p,
                "classifier.json",
                {"format": archive.FORMAT, "version": 1, **META, "classes": ["a", "b", "c"]},
            ),
            r"classifier.json lists 3 classes but the model has 2 outputs",
        ),
    ],
)
def test_a_damaged_file_gives_a_clear_error(saved, damage, match):
    path = saved[0]
    damage(path)
    with pytest.raises(CorpusError, match=match) as error:
        archive.read_classifier(path)
    assert str(path) in str(error.value)


def test_an_existing_file_is_replaced_only_when_asked(saved):
    path, model, tokenizer = saved
    before = path.read_bytes()
    with pytest.raises(OutputError, match=r"model.kembed: exists. Pass overwrite=True"):
        archive.write_classifier(path, model, tokenizer, META)
    assert path.read_bytes() == before
    archive.write_classifier(
        path, model, tokenizer, {**META, "classes": ["x", "y"]}, overwrite=True
    )
    assert archive.read_classifier(path)[0]["classes"] == ["x", "y"]


def _rewrite(path, member, meta):
    with zipfile.ZipFile(path) as file:
        contents = {name: file.read(name) for name in file.namelist()}
    contents[member] = json.dumps(meta).encode() if meta is not None else b"garbage"
    with zipfile.ZipFile(path, "w") as file:
        for name, data in contents.items():
            file.writestr(name, data)
