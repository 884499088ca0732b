"""word2vec training: the numba kernel equals a plain-Python port of `word2vec.c`'s
update on random inputs (skip-gram and CBOW, subsampling, negative draws); seeded runs
on one thread repeat; related words of a small corpus end up close; the result saves
and loads with its counts; bad settings and corpora fail before training."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest

from kembed import Vectors
from kembed.errors import CorpusError
from kembed.training import encode_corpus, kernels, train_word2vec

MASK = 2**64 - 1


def _next(state: int) -> int:
    return (state * 25214903917 + 11) & MASK


def _negative_sampling(l1, word, syn1, cum, negative, alpha, state, neu1e):
    total = int(cum[-1])
    for d in range(negative + 1):
        if d == 0:
            target, label = word, 1.0
        else:
            state = _next(state)
            target = int(np.searchsorted(cum, np.uint64((state >> 16) % total), side="right"))
            if target == word:
                continue
            label = 0.0
        f = float(np.dot(l1, syn1[target]))
        if f > 6:
            g = (label - 1) * alpha
        elif f < -6:
            g = label * alpha
        else:
            g = (label - 1 / (1 + math.exp(-f))) * alpha
        neu1e += np.float32(g) * syn1[target]
        syn1[target] += np.float32(g) * l1
    return state


def reference_part(ids, bounds, first, last, syn0, syn1, keep, cum, window, negative,
                   alpha0, alpha1, sg, state):  # fmt: skip
    """word2vec.c's training loop over sentences first..last-1, in plain Python."""
    state = int(state)
    words, done = int(bounds[last] - bounds[first]), 0
    for s in range(first, last):
        alpha = alpha0 + (alpha1 - alpha0) * done / max(words, 1)
        sentence = []
        for w in ids[bounds[s] : bounds[s + 1]]:
            if keep[w] < 1.0:
                state = _next(state)
                if keep[w] < (state & 0xFFFF) / 65536.0:
                    continue
            sentence.append(int(w))
        done += int(bounds[s + 1] - bounds[s])
        n = len(sentence)
        for pos, word in enumerate(sentence):
            state = _next(state)
            b = state % window
            context = [c for c in range(max(pos - window + b, 0), min(pos + window - b + 1, n))
                       if c != pos]  # fmt: skip
            if sg:
                for c in context:
                    neu1e = np.zeros(syn0.shape[1], np.float32)
                    l1 = syn0[sentence[c]]
                    state = _negative_sampling(l1, word, syn1, cum, negative, alpha, state, neu1e)
                    l1 += neu1e
            elif context:
                neu1 = syn0[[sentence[c] for c in context]].sum(axis=0) / len(context)
                neu1e = np.zeros(syn0.shape[1], np.float32)
                state = _negative_sampling(neu1, word, syn1, cum, negative, alpha, state, neu1e)
                for c in context:
                    syn0[sentence[c]] += neu1e
    return state


@pytest.mark.parametrize("sg", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_kernel_equals_the_reference(sg, seed):
    rng = np.random.default_rng(seed)
    vocab, dim = 30, 8
    counts = np.sort(rng.integers(1, 200, vocab))[::-1]
    ids = rng.choice(vocab, size=400, p=counts / counts.sum()).astype(np.int32)
    bounds = np.array([0, 37, 120, 121, 300, 400], dtype=np.int64)
    keep = np.minimum(rng.random(vocab) * 2, 1.5).astype(np.float32)  # some always kept
    power = counts**0.75
    cum = np.round(np.cumsum(power) / power.sum() * (2**31 - 1)).astype(np.uint64)
    syn0 = ((rng.random((vocab, dim)) - 0.5) / dim).astype(np.float32)
    syn1 = (rng.random((vocab, dim)) * 0.1).astype(np.float32)
    args = (ids, bounds, 1, 5)
    rest = (keep, cum, 4, 3, 0.05, 0.01, sg, np.uint64(12345 + seed))
    ours0, ours1 = syn0.copy(), syn1.copy()
    state = kernels._train_part(*args, ours0, ours1, *rest)
    ref0, ref1 = syn0.copy(), syn1.copy()
    expected = reference_part(*args, ref0, ref1, *rest)
    assert int(state) == expected
    np.testing.assert_allclose(ours0, ref0, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours1, ref1, rtol=1e-4, atol=1e-6)
    assert not np.allclose(ours0, syn0)  # it did train


def _corpus(tmp_path, lines=400, seed=0, strays=0):
    """Two topics, animals and vehicles: six words of one and `strays` of the other a
    line, and three fillers."""
    rng = np.random.default_rng(seed)
    topics = [["cat", "dog", "horse", "cow", "sheep"], ["car", "bus", "truck", "train", "van"]]
    filler = ["the", "a", "of", "and", "to"]
    text = []
    for _ in range(lines):
        topic = rng.integers(2)
        words = [*rng.choice(topics[topic], 6), *rng.choice(filler, 3)]
        if strays:
            words += list(rng.choice(topics[1 - topic], strays))
        rng.shuffle(words)
        text.append(" ".join(words))
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("mode", ["skipgram", "cbow"])
def test_related_words_end_up_close(tmp_path, mode):
    vectors = train_word2vec(
        _corpus(tmp_path), mode=mode, dim=16, window=3, min_count=1, epochs=10, seed=1, sample=0
    )
    animals, vehicles = ["cat", "dog", "horse", "cow", "sheep"], ["car", "bus", "truck", "van"]
    within = np.mean([vectors.similarity("cat", w) for w in animals[1:]])
    across = np.mean([vectors.similarity("cat", w) for w in vehicles])
    assert within > across + 0.3
    assert {n.word for n in vectors.most_similar("truck", topn=3)} <= set(vehicles + ["train"])


def test_seeded_single_thread_runs_repeat_and_save_with_counts(tmp_path):
    path = _corpus(tmp_path)
    first = train_word2vec(path, dim=8, min_count=1, epochs=2, workers=1, seed=3)
    second = train_word2vec(path, dim=8, min_count=1, epochs=2, workers=1, seed=3)
    np.testing.assert_array_equal(first.vectors, second.vectors)
    assert first.header["settings"]["mode"] == "skipgram"
    assert first.counts.sum() == first.header["settings"]["trained_tokens"] == 400 * 9
    first.save(tmp_path / "out")
    loaded = Vectors.load(tmp_path / "out")
    np.testing.assert_array_equal(loaded.vectors, first.vectors)
    np.testing.assert_array_equal(loaded.counts, first.counts)
    assert loaded.header["settings"]["window"] == 5
    other = train_word2vec(path, dim=8, min_count=1, epochs=2, workers=1, seed=4)
    assert not np.array_equal(other.vectors, first.vectors)


def test_two_threads_train_as_well(tmp_path):
    vectors = train_word2vec(_corpus(tmp_path, lines=800), dim=16, min_count=1, epochs=5,
                             workers=2, seed=0, sample=0)  # fmt: skip
    assert vectors.similarity("cat", "dog") > vectors.similarity("cat", "car")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"dim": 0}, ValueError, r"`dim` must be a positive integer. Received: dim=0"),
        ({"mode": "glove"}, ValueError, r"`mode` must be one of"),
        ({"window": -1}, ValueError, r"`window` must be a positive integer"),
        ({"negative": 0}, ValueError, r"`negative` must be a positive integer"),
        ({"sample": 1.5}, ValueError, r"`sample` must be in \[0, 1\)"),
        ({"min_count": 10_000}, ValueError, r"min_count=10000 leaves no word: the most frequent"),
        ({"alpha": 0.0}, ValueError, r"`alpha` must be positive"),
    ],
)
def test_bad_settings_fail_before_training(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        train_word2vec(_corpus(tmp_path, lines=10), **kwargs)


def test_bad_corpora(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="holds no words"):
        train_word2vec(empty)
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00" * 10)
    with pytest.raises(CorpusError, match=r"image.png: this is not a text file: .*binary data"):
        train_word2vec(binary)
    nuls = tmp_path / "nuls.txt"  # the hostile test's "1 word from 1 token"
    nuls.write_bytes(b"\x00" * 10_000)
    with pytest.raises(CorpusError, match=r"nuls.txt: this is not a text file"):
        train_word2vec(nuls)
    late = tmp_path / "late.txt"
    late.write_bytes(b"the cat sat\n" * 1_000 + b"a\x00b\n")
    with pytest.raises(CorpusError, match=r"late.txt, line 1,001: a NUL byte"):
        train_word2vec(late)
    packed = tmp_path / "packed.txt"  # a gzip under a plain name
    packed.write_bytes(gzip.compress(b"the cat sat\n" * 100))
    with pytest.raises(CorpusError, match=r"packed.txt: .*gzip-compressed \(name it .gz"):
        train_word2vec(packed)
    with pytest.raises(CorpusError, match="no such file or folder"):
        train_word2vec(tmp_path / "missing.txt")


def test_encode_corpus_with_a_tokenize_function_and_folders(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1.txt").write_text("x y y\n<doc>\ny z\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Y X\n", encoding="utf-8")
    corpus = encode_corpus([tmp_path / "a", tmp_path / "b.txt"], min_count=2, skip_prefix="<")
    assert corpus.vocabulary.words == ["y", "x"]
    assert corpus.ids.tolist() == [1, 0, 0, 0, 0, 1] and corpus.bounds.tolist() == [0, 3, 4, 6]
    assert corpus.vocabulary.corpus_tokens == 7 and corpus.vocabulary.lines == 3
    split = encode_corpus(tmp_path / "b.txt", min_count=1, tokenize=str.split)
    # ties alphabetically (as GloVe's vocab_count), not in the order first seen
    assert split.vocabulary.words == ["X", "Y"] and split.ids.tolist() == [1, 0]
    capped = encode_corpus([tmp_path / "a"], min_count=1, max_vocab=1)
    assert capped.vocabulary.words == ["y"] and capped.ids.tolist() == [0, 0, 0]
