"""GloVe: co-occurrence counts equal a plain-Python count in every memory regime (dense
table only, buffer runs in memory, runs spilled to disk and merged); the AdaGrad kernel
equals a plain-numpy port of `glove.c`'s update; related words end up close; seeded
single-thread runs repeat; bad settings fail before training."""

from __future__ import annotations

import numpy as np
import pytest

from kembed.training import count_cooccurrences, train_glove
from kembed.training import glove as glove_module
from tests.training.test_word2vec import _corpus


def reference_counts(ids, bounds, vocab, window):
    matrix = np.zeros((vocab, vocab))
    for s in range(len(bounds) - 1):
        sentence = ids[bounds[s] : bounds[s + 1]]
        for j in range(len(sentence)):
            for k in range(max(0, j - window), j):
                matrix[sentence[k], sentence[j]] += 1 / (j - k)
                matrix[sentence[j], sentence[k]] += 1 / (j - k)
    return matrix


@pytest.mark.parametrize("memory", [1e-6, 3e-4, 2.0])  # spilled, runs in memory, dense
@pytest.mark.parametrize("window", [1, 5])
def test_counts_equal_the_reference(memory, window):
    rng = np.random.default_rng(window)
    vocab = 40
    ids = rng.integers(0, vocab, 3000).astype(np.int32)
    bounds = np.array([0, 10, 11, 500, 1200, 3000], dtype=np.int64)
    counts = count_cooccurrences(ids, bounds, vocab, window=window, memory=memory)
    expected = reference_counts(ids, bounds, vocab, window)
    np.testing.assert_allclose(counts.dense(vocab), expected, rtol=1e-5)
    assert len(counts) == np.count_nonzero(expected)
    keys = counts.rows.astype(np.int64) * vocab + counts.cols
    assert np.all(np.diff(keys) > 0)  # sorted, each pair once


def test_frequent_pairs_add_up_exactly():
    """A pair seen 300,000 times at distance 3 counts 100,000 (added up in float32, each
    addition of 1/3 to a count near 10^5 would round to 43/128: 0.8 % too much)."""
    n = 300_000
    ids = np.tile(np.arange(4, dtype=np.int32), n)
    bounds = np.arange(0, 4 * n + 1, 4, dtype=np.int64)
    dense = count_cooccurrences(ids, bounds, 4, window=3).dense(4)
    np.testing.assert_allclose(dense[0, 3], n / 3, rtol=1e-7)
    np.testing.assert_allclose(dense[0, 1], n, rtol=1e-7)
    np.testing.assert_allclose(dense[1, 3], n / 2, rtol=1e-7)


def test_count_errors():
    ids, bounds = np.zeros(3, np.int32), np.array([0, 3])
    with pytest.raises(ValueError, match="`window` must be a positive integer"):
        count_cooccurrences(ids, bounds, 1, window=0)
    with pytest.raises(ValueError, match="`memory` must be a positive number of GiB"):
        count_cooccurrences(ids, bounds, 1, memory=0)


def reference_epoch(
    rows, cols, values, order, w, c, bw, bc, gw, gc, gbw, gbc, x_max, alpha, eta, bias_eta,
    clip=100.0,
):  # fmt: skip
    """`glove.c`'s update: AdaGrad from squared gradients of 1, each component of a vector
    gradient clipped to [-100, 100] and scaled by eta; the biases scaled by `bias_eta`."""
    cost = 0.0
    for e in order:
        i, j, x = rows[e], cols[e], values[e]
        diff = float(w[i] @ c[j] + bw[i] + bc[j] - np.log(x))
        fdiff = diff if x > x_max else (x / x_max) ** alpha * diff
        cost += 0.5 * fdiff * diff
        g1 = np.clip(fdiff * c[j], -clip, clip) * eta
        g2 = np.clip(fdiff * w[i], -clip, clip) * eta
        w[i] -= g1 / np.sqrt(gw[i])
        c[j] -= g2 / np.sqrt(gc[j])
        gw[i] += g1 * g1
        gc[j] += g2 * g2
        fdiff *= bias_eta
        bw[i] -= fdiff / np.sqrt(gbw[i])
        bc[j] -= fdiff / np.sqrt(gbc[j])
        gbw[i] += fdiff * fdiff
        gbc[j] += fdiff * fdiff
    return cost


@pytest.mark.parametrize("bias_eta", [1.0, 0.05])  # glove.c since 2020, and before
@pytest.mark.parametrize("scale", [1.0, 10.0])  # 10: large vectors, clipped gradients
def test_the_adagrad_kernel_equals_the_reference(scale, bias_eta):
    rng = np.random.default_rng(0)
    vocab, dim, entries = 12, 6, 80
    rows = rng.integers(0, vocab, entries).astype(np.int32)
    cols = rng.integers(0, vocab, entries).astype(np.int32)
    values = (rng.random(entries) * 30 + 0.1).astype(np.float32)  # both sides of x_max
    order = rng.permutation(entries).astype(np.int64)
    state = [((rng.random((vocab, dim)) - 0.5) * scale).astype(np.float32) for _ in range(2)]
    state += [(rng.random(vocab) - 0.5).astype(np.float32) for _ in range(2)]
    state += [np.ones((vocab, dim), np.float32) for _ in range(2)]  # squared gradients
    state += [np.ones(vocab, np.float32) for _ in range(2)]
    settings = (np.float32(10), np.float32(0.75), np.float32(0.05), np.float32(bias_eta))
    ours = [a.copy() for a in state]
    cost = glove_module._epoch_part(rows, cols, values, order, *ours, *settings)
    theirs = [a.copy() for a in state]
    expected = reference_epoch(rows, cols, values, order, *theirs, 10.0, 0.75, 0.05, bias_eta)
    assert cost == pytest.approx(expected, rel=1e-4)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    if scale > 1:  # the case clips: without clipping the vectors would move further
        unclipped = [a.copy() for a in state]
        args = (10.0, 0.75, 0.05, bias_eta, np.inf)
        reference_epoch(rows, cols, values, order, *unclipped, *args)
        assert not np.allclose(unclipped[0], ours[0], rtol=1e-3)


@pytest.mark.parametrize("bias_eta", [1.0, 0.05])
def test_related_words_end_up_close(tmp_path, bias_eta):
    # One stray word of the other topic a line: GloVe fits only the nonzero counts, so
    # topics that never meet would leave nothing to set them apart.
    corpus = _corpus(tmp_path, strays=1)
    vectors = train_glove(
        corpus, dim=16, window=5, min_count=1, epochs=30, seed=0, bias_eta=bias_eta
    )
    animals, vehicles = ["dog", "horse", "cow", "sheep"], ["car", "bus", "truck", "van"]
    within = np.mean([vectors.similarity("cat", w) for w in animals])
    across = np.mean([vectors.similarity("cat", w) for w in vehicles])
    assert within > across + 1.0  # cosines: about +1 against -1 on every seed tried
    assert {n.word for n in vectors.most_similar("truck", topn=4)} == {
        "car",
        "bus",
        "train",
        "van",
    }
    settings = vectors.header["settings"]
    assert settings["trainer"] == "glove" and settings["cost"][-1] < settings["cost"][0]
    assert vectors.counts.sum() == 400 * 10


def test_seeded_single_thread_runs_repeat(tmp_path):
    path = _corpus(tmp_path)
    runs = [train_glove(path, dim=8, min_count=1, epochs=3, workers=1, seed=2) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].vectors, runs[1].vectors)


def test_shuffle_every_epoch_or_once(tmp_path):
    path = _corpus(tmp_path)

    def run(shuffle, epochs):
        options = {"dim": 8, "min_count": 1, "workers": 1, "seed": 2}
        return train_glove(path, epochs=epochs, shuffle=shuffle, **options)

    # The first epoch's order is the same; from the second on, "epoch" draws a new one.
    np.testing.assert_array_equal(run("epoch", 1).vectors, run("once", 1).vectors)
    every, once = run("epoch", 2), run("once", 2)
    assert not np.allclose(every.vectors, once.vectors)
    np.testing.assert_array_equal(once.vectors, run("once", 2).vectors)
    assert (every.header["settings"]["shuffle"], once.header["settings"]["shuffle"]) == (
        "epoch",
        "once",
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dim": 0}, r"`dim` must be a positive integer"),
        ({"x_max": 0}, r"`x_max` must be positive"),
        ({"bias_eta": -1}, r"`bias_eta` must be positive"),
        ({"epochs": 0}, r"`epochs` must be a positive integer"),
        ({"shuffle": "never"}, r"`shuffle` must be 'epoch' or 'once'. Received: shuffle='ne"),
        ({"min_count": 10_000}, r"min_count=10000 leaves no word"),
    ],
)
def test_bad_settings(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_glove(_corpus(tmp_path, lines=10), **kwargs)
