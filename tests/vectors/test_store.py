"""`Vectors`: lookups, neighbours and analogies, checked against gensim's `KeyedVectors`
on the real GloVe 50d vectors and against plain numpy on small ones."""

from __future__ import annotations

import numpy as np
import pytest

from kembed.vectors import Neighbor, Vectors


@pytest.fixture
def small():
    rng = np.random.default_rng(0)
    return Vectors([f"w{i}" for i in range(300)], rng.normal(size=(300, 8)).astype("float32"))


def test_lookups(small):
    assert len(small) == 300 and small.dim == 8 and "w3" in small and "x" not in small
    np.testing.assert_array_equal(small["w3"], small.vectors[3])
    assert small.get("x") is None
    with pytest.raises(KeyError, match="'x' is not in the vocabulary"):
        small["x"]
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        small["w3"][0] = 1


def test_bad_construction():
    with pytest.raises(ValueError, match="distinct"):
        Vectors(["a", "a"], np.ones((2, 2)))
    with pytest.raises(ValueError, match="one row per word"):
        Vectors(["a"], np.ones((2, 2)))


def test_most_similar_is_a_numpy_cosine_ranking(small):
    unit = small.vectors / np.linalg.norm(small.vectors, axis=1, keepdims=True)
    scores = unit @ unit[5]
    scores[5] = -np.inf
    expected = np.argsort(-scores, kind="stable")[:7]
    got = small.most_similar("w5", topn=7)
    assert [n.word for n in got] == [f"w{i}" for i in expected]
    np.testing.assert_allclose([n.similarity for n in got], scores[expected], rtol=1e-5)
    word, _similarity = got[0]  # gensim-style unpacking
    assert isinstance(got[0], Neighbor) and word == got[0].word


def test_batch_equals_one_by_one(small):
    words = [f"w{i}" for i in range(0, 300, 3)]
    indices, sims = small.most_similar_batch(words, topn=5, restrict_vocab=200)
    for word, row, srow in zip(words, indices, sims, strict=True):
        one = small.most_similar(word, topn=5, restrict_vocab=200)
        assert [small.index_to_key[i] for i in row] == [n.word for n in one]
        np.testing.assert_allclose(srow, [n.similarity for n in one], rtol=1e-5)


def test_subset(small):
    sub = small.subset(["w9", "nope", "w1", "w9"])
    assert sub.index_to_key == ["w9", "w1"]
    np.testing.assert_array_equal(sub.vectors, small.vectors[[9, 1]])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda v: v.most_similar("w1", topn=0), "`topn` must be a positive integer"),
        (lambda v: v.most_similar(), "at least one word"),
        (lambda v: v.most_similar("w1", restrict_vocab=0), "`restrict_vocab` must be"),
        (lambda v: v.analogy("w1", "w2", "w3", method="add"), "`method` must be one of"),
    ],
)
def test_bad_arguments(small, call, message):
    with pytest.raises(ValueError, match=message):
        call(small)


@pytest.mark.oracle
@pytest.mark.slow
def test_neighbours_equal_gensim_on_real_glove(glove_both):
    ours, theirs = glove_both
    words = ours.index_to_key[:2000:10] + ours.index_to_key[100_000:300_000:2000]
    indices, sims = ours.most_similar_batch(words, topn=10)
    for word, row, srow in zip(words, indices, sims, strict=True):
        expected = theirs.most_similar(word, topn=10)
        assert [ours.index_to_key[i] for i in row] == [w for w, _ in expected], word
        np.testing.assert_allclose(srow, [s for _, s in expected], atol=1e-6)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_analogies_equal_gensim_on_real_glove(glove_both, method):
    ours, theirs = glove_both
    questions = [
        ("man", "king", "woman"),
        ("france", "paris", "japan"),
        ("slow", "slower", "fast"),
        ("walk", "walked", "swim"),
        ("good", "better", "bad"),
    ]
    for a, b, c in questions:
        got = ours.analogy(a, b, c, method=method, topn=3, restrict_vocab=300_000)
        if method == "3cosadd":
            expected = theirs.most_similar([b, c], [a], topn=3, restrict_vocab=300_000)
        else:
            expected = theirs.most_similar_cosmul([b, c], [a], topn=3, restrict_vocab=300_000)
        assert [n.word for n in got] == [w for w, _ in expected]
        np.testing.assert_allclose(
            [n.similarity for n in got], [s for _, s in expected], atol=1e-5
        )
    assert ours.analogy("man", "king", "woman")[0].word == "queen"
