"""kembed.space.compare: Procrustes recovers a known rotation (scipy's orthogonal_procrustes
is the oracle), overlap and movement against a plain-numpy reference, and the bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import Vectors
from kembed.space import align, compare, shared_words


def _rotation(dim, seed):
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(dim, dim)))
    return q.astype("float32")


@pytest.fixture(scope="module")
def first():
    rng = np.random.default_rng(0)
    return Vectors([f"w{i}" for i in range(400)], rng.normal(size=(400, 16)).astype("float32"))


def test_align_recovers_a_rotation_and_a_rotated_set_did_not_move(first):
    rotation = _rotation(16, 1)
    second = Vectors(first.index_to_key, np.asarray(first.vectors) @ rotation)
    np.testing.assert_allclose(align(first, second), rotation, atol=1e-4)
    result = compare(first, second, top=400, topn=10)
    assert result.mean_overlap == 1.0 and float(result.moved.max()) < 1e-4


def test_moved_words_and_overlap_equal_a_plain_reference(first):
    rng = np.random.default_rng(2)
    moved = np.asarray(first.vectors).copy()
    moved[[3, 7]] = rng.normal(size=(2, 16))  # two words replaced
    second = Vectors(first.index_to_key[::-1], moved[::-1])  # another order
    result = compare(first, second, top=50, topn=5)
    assert {w for w, _, _ in result.most_moved(2)} == {"w3", "w7"}

    # The reference: unit rows, the rotation fitted by scipy, neighbours by full sort.
    from scipy.linalg import orthogonal_procrustes

    words = shared_words(first, second)
    a = first.unit[[first.index(w) for w in words]]
    b = second.unit[[second.index(w) for w in words]]
    rotation, _ = orthogonal_procrustes(a, b)
    aligned = a @ rotation
    distance = 1 - np.sum(aligned * b, axis=1) / np.linalg.norm(aligned, axis=1)
    np.testing.assert_allclose(result.moved, distance[:50], atol=1e-5)
    for k in (0, 3, 10):
        near = [set(np.argsort(-(m @ m[k]))[1:6]) for m in (a, b)]
        assert result.overlap[k] == len(near[0] & near[1]) / 5


def test_sets_of_different_dims_and_vocabularies_compare_on_shared_words(first):
    second = Vectors(["w9", "w0", "x", "w1", *[f"w{i}" for i in range(10, 40)]],
                     np.random.default_rng(3).normal(size=(34, 8)).astype("float32"))  # fmt: skip
    result = compare(first, second, top=5, topn=3)
    assert result.words == ["w0", "w1", "w9", "w10", "w11"] and result.shared == 33
    assert align(first, second).shape == (16, 16)


def test_bad_input_is_refused(first):
    tiny = Vectors(["w0", "w1", "other"], np.eye(3, dtype="float32"))
    with pytest.raises(ValueError, match=r"share 2 words: too few to compare 10 neighbours"):
        compare(first, tiny)
    with pytest.raises(ValueError, match=r"at least 2 shared words; found 0"):
        align(first, Vectors(["x"], np.ones((1, 2))))
    for name in ("top", "topn"):
        with pytest.raises(ValueError, match=rf"`{name}` must be a positive integer"):
            compare(first, first, **{name: 0})
