"""kembed.space.projection: PCA against scikit-learn's PCA (the oracle, up to the sign of
each axis), the optional methods, and every bad input."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import Vectors
from kembed.space import available_methods, project


@pytest.fixture(scope="module")
def vectors():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(300, 20)).astype("float32") * np.linspace(3, 0.1, 20)
    return Vectors([f"w{i}" for i in range(300)], matrix)


@pytest.mark.oracle
def test_pca_equals_scikit_learns_up_to_sign(vectors):
    decomposition = pytest.importorskip("sklearn.decomposition")
    ours = project(vectors, top=200)
    pca = decomposition.PCA(n_components=2, svd_solver="full")
    theirs = pca.fit_transform(np.asarray(vectors.vectors[:200], dtype=np.float64))
    signs = np.sign(np.sum(ours.xy * theirs, axis=0))
    np.testing.assert_allclose(ours.xy * signs, theirs, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours.explained, pca.explained_variance_ratio_, rtol=1e-5)
    assert ours.words == vectors.index_to_key[:200] and ours.xy.dtype == np.float32


@pytest.mark.slow
@pytest.mark.oracle
def test_pca_of_50000_real_words_equals_scikit_learns(glove_both):
    decomposition = pytest.importorskip("sklearn.decomposition")
    ours, _ = glove_both
    mine = project(ours, top=50_000)
    theirs = decomposition.PCA(n_components=2).fit_transform(np.asarray(ours.vectors[:50_000]))
    signs = np.sign(np.sum(mine.xy * theirs, axis=0))
    np.testing.assert_allclose(mine.xy * signs, theirs, atol=2e-3)


def test_the_same_words_give_the_same_map(vectors):
    first = project(vectors, top=100)
    np.testing.assert_array_equal(project(vectors, top=100).xy, first.xy)
    shuffled = Vectors(vectors.index_to_key[::-1], np.asarray(vectors.vectors)[::-1])
    again = project(shuffled, vectors.index_to_key[:100])  # the same words, another file
    np.testing.assert_allclose(again.xy, first.xy, atol=1e-5)


def test_given_words_are_placed_in_the_order_given_each_once(vectors):
    result = project(vectors, ["w5", "nope", "w1", "w5", "w7"])
    assert result.words == ["w5", "w1", "w7"] and result.xy.shape == (3, 2)


@pytest.mark.parametrize("method", ["umap", "tsne"])
def test_optional_methods_keep_neighbours_together(method):
    if method not in available_methods():
        with pytest.raises(ImportError, match="pip install"):
            project(Vectors(["a", "b", "c"], np.eye(3)), method=method)
        return
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(3, 10)) * 10
    matrix = np.concatenate([c + rng.normal(size=(40, 10)) for c in centres]).astype("float32")
    vectors = Vectors([f"w{i}" for i in range(120)], matrix)
    xy = project(vectors, top=120, method=method, seed=0).xy
    groups = np.repeat(np.arange(3), 40)
    nearest = np.argsort(((xy[:, None] - xy[None]) ** 2).sum(-1), axis=1)[:, 1]
    assert (groups[nearest] == groups).mean() > 0.95


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "mds"}, ValueError, r"`method` must be one of \('pca', 'umap', 'tsne'\)"),
        ({"top": 0}, ValueError, r"`top` must be a positive integer"),
        ({"top": True}, ValueError, r"`top` must be a positive integer"),
        ({"top": 2}, ValueError, r"at least 3 words"),
        ({"words": ["w1", "zz"]}, ValueError, r"at least 3 words in the vectors; found 1"),
    ],
)
def test_bad_input_is_refused(vectors, kwargs, error, match):
    with pytest.raises(error, match=match):
        project(vectors, **kwargs)
