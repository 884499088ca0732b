"""The slides' first workflow, end to end, on the backend under test (JAX and PyTorch)."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
own_embedding = pytest.importorskip("kembed.examples.own_embedding")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return own_embedding.run(out_dir=tmp_path_factory.mktemp("demo"), epochs=50, seed=7)


def test_runs_on_the_chosen_backend(result):
    assert result.backend == os.environ.get("KERAS_BACKEND", "jax")


def test_encodings(result, legacy_text):
    legacy = legacy_text.Tokenizer()
    legacy.fit_on_texts(own_embedding.DOCS)
    assert result.tokenizer_sequences == legacy.texts_to_sequences(own_embedding.DOCS)
    expected = [legacy_text.hashing_trick(d, 50, hash_function="md5") for d in own_embedding.DOCS]
    assert result.one_hot_sequences == expected
    assert result.padded.shape == (10, 4) and result.padded[9].tolist() == [12, 13, 2, 14]


def test_every_style_learns_and_round_trips(result):
    assert len(result.models) == 6
    for model in result.models:
        assert model.reloaded_identical, model
        assert model.loss < 0.68, model  # 0.693 is chance for two balanced classes
        assert model.accuracy >= 0.8, model
    # One architecture, one seed: the three API styles compute the same model.
    for encoding in ("one_hot", "tokenizer"):
        runs = [m for m in result.models if m.encoding == encoding]
        assert len({m.parameters for m in runs}) == 1
        np.testing.assert_allclose([m.loss for m in runs], runs[0].loss, rtol=1e-4)


def test_learned_embedding_is_saved_and_reused(result):
    assert result.embedding_reloaded_identical
    matrix = np.load(result.embedding_file, allow_pickle=False)
    assert matrix.shape == (15, own_embedding.OUTPUT_DIM) and matrix.dtype == np.float32
    files = sorted(p.name for p in result.embedding_file.parent.iterdir())
    assert files == sorted(
        ["embedding.npy", "tokenizer.json"]
        + [f"{s}-{e}.keras" for s in own_embedding.STYLES for e in ("one_hot", "tokenizer")]
    )


def test_reuse_refuses_a_mismatched_vocabulary(result, tmp_path):
    (tmp_path / "embedding.npy").write_bytes(result.embedding_file.read_bytes())
    tokenizer = own_embedding.kembed.Tokenizer()
    tokenizer.fit_on_texts(["only three words"])
    tokenizer.save(tmp_path / "tokenizer.json")
    with pytest.raises(ValueError, match=r"embedding.npy: 15 rows for 3 words"):
        own_embedding.reuse_embedding(tmp_path / "embedding.npy", None)


def test_subclassed_model_config_round_trip():
    model = own_embedding.subclassed_model(20)
    clone = own_embedding.SubclassedModel.from_config(model.get_config())
    assert (clone.vocab_size, clone.output_dim) == (20, own_embedding.OUTPUT_DIM)
