"""`Vectors`: lookups, neighbours and analogies, checked against gensim's `KeyedVectors`
on the real GloVe 50d vectors and against plain numpy on small ones."""

from __future__ import annotations

import numpy as np
import pytest

from kembed.vectors import Neighbor, Vectors, search


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


@pytest.fixture
def ternary():
    """Vectors of four entries +-1 (the rest 0): unit rows hold +-0.5, every score is
    computed exactly, and many tie."""
    rng = np.random.default_rng(7)
    matrix = np.zeros((8000, 12), dtype=np.float32)
    for row in matrix:
        row[rng.choice(12, 4, replace=False)] = rng.choice([-1.0, 1.0], 4)
    return Vectors([f"w{i}" for i in range(len(matrix))], matrix)


def _ranking(vectors, ia, ib, ic, method, topn, limit):
    """The analogy answers by numpy: all scores, the query words out, a stable sort."""
    unit = vectors.unit[:limit]
    sa, sb, sc = (unit @ vectors.unit[i].T for i in (ia, ib, ic))  # (limit, questions)
    if method == "3cosadd":
        scores = (sb + sc - sa).T
    else:
        half = np.float32(0.5)
        scores = ((sb + 1) * half * ((sc + 1) * half) / ((sa + 1) * half + np.float32(1e-6))).T
    for i in (ia, ib, ic):
        inside = i < limit
        scores[np.flatnonzero(inside), i[inside]] = -np.inf
    return np.argsort(-scores, axis=1, kind="stable")[:, :topn]


@pytest.mark.parametrize(
    ("method", "shared"), [("3cosadd", 0), ("3cosmul", 0), ("3cosmul", 10**9)]
)
def test_analogy_search_equals_a_stable_sort(ternary, method, shared, monkeypatch):
    """The searches (word scores shared by the questions, or one product per question),
    tiled and split over the threads, rank exactly as one stable sort: ties go to the
    lower row, query words never win, a query word beyond `restrict_vocab` is no harm.
    (3CosAdd by one product per question normalises its query first, so its ties fall
    by rounding: the next test compares it on vectors without ties.)"""
    monkeypatch.setattr(search, "_SHARED_WORDS", shared)
    rng = np.random.default_rng(1)
    words = rng.choice(len(ternary), 600, replace=False)  # tiles of 873 rows, two threads
    ia, ib, ic = (words[rng.integers(0, 600, 1500)] for _ in range(3))
    for limit in (len(ternary), 5001):
        indices, _ = ternary.analogy_rows(ia, ib, ic, method=method, topn=5, restrict_vocab=limit)
        np.testing.assert_array_equal(indices, _ranking(ternary, ia, ib, ic, method, 5, limit))


def test_analogy_batch_scores_do_not_depend_on_the_search(monkeypatch):
    """On 20,000 random vectors the best answers lie close together (scores a few
    thousandths apart), so a search that skipped or misplaced one would show."""
    rng = np.random.default_rng(2)
    vectors = Vectors([f"w{i}" for i in range(20_000)], rng.normal(size=(20_000, 16)))
    abc = [[f"w{i}" for i in rng.integers(0, 60, 2000)] for _ in range(3)]
    for method in ("3cosadd", "3cosmul"):
        found = []
        for shared in (0, 10**9):
            monkeypatch.setattr(search, "_SHARED_WORDS", shared)
            found.append(vectors.analogy_batch(*abc, method=method, topn=5))
        np.testing.assert_array_equal(found[0][0], found[1][0])
        np.testing.assert_allclose(found[0][1], found[1][1], rtol=1e-5)


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


def test_topn_beyond_the_vocabulary_gives_every_other_word_never_the_query(small):
    # The hostile test's case: the query word came back at -inf.
    n = len(small)
    found = small.most_similar(small.index_to_key[0], topn=n + 5)
    assert len(found) == n - 1 and small.index_to_key[0] not in [w for w, _ in found]
    indices, sims = small.most_similar_batch(small.index_to_key[:2], topn=n)
    assert indices.shape == sims.shape == (2, n - 1) and np.isfinite(sims).all()
    assert all(i not in row for i, row in enumerate(indices))
    a, b, c = small.index_to_key[:3]
    answers = small.analogy(a, b, c, topn=n)
    assert len(answers) == n - 3 and not {a, b, c} & {w for w, _ in answers}
    assert small.most_similar(a, topn=5, restrict_vocab=1) == []
