"""fastText training: the numba kernel equals a plain-Python port of fastText's update
(`skipgram` / `cbow` / `Model::update` / negative sampling with its sigmoid table, one
context at a time, rows updated at once) on random inputs with repeated n-gram rows,
`</s>` and subsampling; seeded runs repeat; an unseen inflection lands beside its word;
the vectors save as a `.bin` that the fastText bindings and gensim load and answer
identically (and a model fastText wrote comes back out equal); bad settings fail before
training."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed import Vectors
from kembed.training import FastTextSettings, encode_corpus, train_fasttext
from kembed.training import fasttext_kernels as kernels
from tests.conftest import shared_data
from tests.training.test_word2vec import _corpus, _next

UNSEEN = ["naïveté", "straße", "😀", "日本語", "zzqxv", "horses", "x", ""]


def _below(state, n):
    return ((state >> 32) * n) >> 32


def _draw(table, state):
    """A noise word from the alias table: a column, then its own word or its alias."""
    total = int(table[:, 0].max())
    state = _next(state)
    word = _below(state, len(table))
    state = _next(state)
    return (word if _below(state, total) < table[word, 0] else int(table[word, 1])), state


def _sigmoid(x: float) -> float:
    """fastText's `Loss::sigmoid`: 0 / 1 beyond +-8, else its table of 513 values."""
    if x < -8:
        return 0.0
    if x > 8:
        return 1.0
    i = int((x + 8) * 512 / 8 / 2)
    return float(np.float32(1 / (1 + math.exp(-(i * 2 * 8 / 512 - 8)))))


def _update(wi, wo, inputs, target, table, negative, alpha, state):
    """fastText's `Model::update` for an unsupervised model: the mean of the input rows,
    negative sampling (a draw equal to the target drawn again), the full gradient added
    to every input row."""
    hidden = wi[inputs].sum(axis=0) / np.float32(len(inputs))
    grad = np.zeros(wi.shape[1], np.float32)
    for d in range(negative + 1):
        if d == 0:
            word, label = target, 1.0
        else:
            word, state = _draw(table, state)
            while word == target:
                word, state = _draw(table, state)
            label = 0.0
        f = float(np.dot(hidden, wo[word]))
        score = _sigmoid(f)
        g = np.float32(alpha * (label - score))
        grad += g * wo[word]
        wo[word] += g * hidden
    for row in inputs:
        wi[row] += grad
    return state


def reference_part(ids, bounds, first, last, eos, wi, wo, offsets, rows, keep, table,
                   window, negative, alpha0, alpha1, sg, state):  # fmt: skip
    """fastText's skipgram / cbow over sentences first..last-1, each ended by `eos`."""
    state = int(state)
    words, done = int(bounds[last] - bounds[first]), 0
    for s in range(first, last):
        alpha = alpha0 + (alpha1 - alpha0) * done / max(words, 1)
        line = []
        for w in [*(int(i) + (0 <= eos <= i) for i in ids[bounds[s] : bounds[s + 1]]), eos]:
            if keep[w] < 1.0:
                state = _next(state)
                if keep[w] < (state >> 40) / 2**24:
                    continue
            line.append(w)
        done += int(bounds[s + 1] - bounds[s])
        for pos, word in enumerate(line):
            state = _next(state)
            boundary = 1 + (((state >> 32) * window) >> 32)
            context = [c for c in range(max(pos - boundary, 0), min(pos + boundary + 1, len(line)))
                       if c != pos]  # fmt: skip
            if sg:
                inputs = rows[offsets[word] : offsets[word + 1]]
                for c in context:
                    state = _update(wi, wo, inputs, line[c], table, negative, alpha, state)
            elif context:
                bag = np.concatenate([rows[offsets[line[c]] : offsets[line[c] + 1]]
                                      for c in context])  # fmt: skip
                state = _update(wi, wo, bag, word, table, negative, alpha, state)
    return state


@pytest.mark.parametrize("sg", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_the_kernel_equals_fasttexts_update(sg, seed):
    rng = np.random.default_rng(seed)
    vocab, buckets, dim, eos = 20, 15, 8, 3
    counts = np.sort(rng.integers(1, 200, vocab))[::-1]
    ids = rng.choice(vocab - 1, size=300, p=counts[1:] / counts[1:].sum()).astype(np.int32)
    bounds = np.array([0, 37, 120, 121, 250, 300], dtype=np.int64)
    sizes = rng.integers(0, 6, vocab)
    sizes[eos] = 0
    grams = [rng.integers(vocab, vocab + buckets, k) for k in sizes]
    grams[5] = np.array([vocab, vocab, vocab + 1])  # a row twice: (1 + 4 + 1) / 4
    lists = [np.concatenate([[w], g]).astype(np.int64) for w, g in enumerate(grams)]
    offsets = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64)
    rows = np.concatenate(lists)
    factor = np.array([sum(c**2 for c in np.unique(x, return_counts=True)[1]) / len(x)
                       for x in lists], dtype=np.float32)  # fmt: skip
    assert factor[5] == 6 / 4
    keep = np.minimum(rng.random(vocab) * 2, 1.5).astype(np.float32)
    table = kernels.alias_table(
        np.ceil(np.sqrt(counts) / np.sqrt(counts).sum() * 1000).astype(int)
    )
    wi = ((rng.random((vocab + buckets, dim)) - 0.5) / dim).astype(np.float32)
    wo = (rng.random((vocab, dim)) * 0.1).astype(np.float32)
    args = (ids, bounds, 1, 5, eos)
    rest = (keep, table, 4, 3, 0.05, 0.01, sg, np.uint64(12345 + seed))
    ours_i, ours_o = wi.copy(), wo.copy()
    state = kernels._train_part(*args, ours_i, ours_o, offsets, rows, factor, *rest)
    ref_i, ref_o = wi.copy(), wo.copy()
    expected = reference_part(*args, ref_i, ref_o, offsets, rows, *rest)
    assert int(state) == expected
    np.testing.assert_allclose(ours_i, ref_i, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ours_o, ref_o, rtol=1e-4, atol=1e-6)
    assert not np.allclose(ours_i, wi)  # it did train


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=60))
def test_the_alias_table_gives_each_word_exactly_its_chance(each):
    """Over the n columns of `total` each, word w's share is exactly n * each[w]."""
    each = np.array(each, dtype=np.int64)
    table = kernels.alias_table(each)
    n, total = len(each), int(each.sum())
    assert int(table[:, 0].max()) == total  # a full column, which the kernel relies on
    assert ((table[:, 0] >= 0) & (table[:, 0] <= total)).all()
    mass = table[:, 0].astype(np.int64).copy()
    np.add.at(mass, table[:, 1], total - table[:, 0].astype(np.int64))
    np.testing.assert_array_equal(mass, n * each)


def test_noise_words_are_drawn_with_the_tables_chances():
    each = np.array([50, 30, 15, 4, 1], dtype=np.int64)
    table = kernels.alias_table(each)
    state, drawn = 7, []
    for _ in range(100_000):
        word, state = _draw(table, state)  # the kernel's draw (see the test above)
        drawn.append(word)
    shares = np.bincount(drawn, minlength=5) / len(drawn)
    np.testing.assert_allclose(shares, each / each.sum(), atol=0.004)


def test_each_words_rows_and_factor_follow_its_ngrams():
    from kembed.training.fasttext import _input_rows
    from kembed.vectors.subwords import SubwordTable

    words = ["banana", "</s>", "aaaa", "x", "naïve"]
    settings = FastTextSettings(minn=2, maxn=3, bucket=7)  # few buckets: rows repeat
    offsets, rows, factor = _input_rows(words, 1, settings)
    table = SubwordTable(np.zeros((len(words) + 7, 1), "float32"), len(words), 2, 3, 7)
    for i, word in enumerate(words):
        expected = [i] + ([] if word == "</s>" else table.rows_of(word))
        assert rows[offsets[i] : offsets[i + 1]].tolist() == expected
        _, repeats = np.unique(expected, return_counts=True)
        assert factor[i] == pytest.approx((repeats**2).sum() / len(expected))
    assert factor[0] > 1 and factor[1] == 1  # banana's n-grams repeat; </s> is its row


def test_eos_and_the_vocabulary(tmp_path):
    path = _corpus(tmp_path, lines=60)
    vectors = train_fasttext(path, dim=8, min_count=1, bucket=500, workers=1, seed=0)
    corpus = encode_corpus(path, min_count=1)
    assert vectors.counts[vectors.key_to_index["</s>"]] == 60  # one a line
    assert sorted(vectors.index_to_key) == sorted([*corpus.vocabulary.words, "</s>"])
    assert list(vectors.counts) == sorted(vectors.counts, reverse=True)
    # </s> has no n-grams: its vector is its own row; every other word is a mean.
    assert vectors.subwords.rows_of("cat") and vectors.header["fasttext"]["model"] == "skipgram"
    settings = vectors.header["settings"]
    assert settings["trainer"] == "fasttext" and settings["minn"] == 3
    assert FastTextSettings.from_dict(settings) == FastTextSettings(dim=8, bucket=500)
    short = tmp_path / "short.txt"
    short.write_text("a a a a a a\n" * 3, encoding="utf-8")
    few = train_fasttext(short, dim=8, min_count=3, bucket=500, workers=1, seed=0)
    assert few.index_to_key == ["a", "</s>"]
    # </s> seen 3 times is dropped by min_count like a word; one word cannot be trained
    # (the noise words are drawn from the others): an error, not a loop without end.
    with pytest.raises(ValueError, match="min_count=4 leaves one: 'a'"):
        train_fasttext(short, dim=8, min_count=4, bucket=500, workers=1, seed=0)


@pytest.mark.parametrize("mode", ["skipgram", "cbow"])
def test_related_words_and_unseen_inflections_end_up_close(tmp_path, mode):
    path = _corpus(tmp_path, lines=600)
    vectors = train_fasttext(
        path, mode=mode, dim=16, min_count=1, epochs=10, bucket=5_000, workers=1, seed=0,
        sample=0,
    )  # fmt: skip
    animals = {"cat", "dog", "horse", "cow", "sheep"}
    assert {w for w, _ in vectors.most_similar("dog", topn=4)} <= animals | {"dogs"}
    assert "horses" not in vectors
    assert vectors.most_similar("horses", topn=1)[0][0] == "horse"
    assert vectors.similarity("horses", "horse") > vectors.similarity("horses", "bus")


def test_seeded_single_thread_runs_repeat_and_threads_train_too(tmp_path):
    path = _corpus(tmp_path, lines=200)
    one = train_fasttext(path, dim=8, min_count=1, bucket=500, workers=1, seed=3)
    two = train_fasttext(path, dim=8, min_count=1, bucket=500, workers=1, seed=3)
    np.testing.assert_array_equal(one.vectors, two.vectors)
    np.testing.assert_array_equal(one.subwords.matrix, two.subwords.matrix)
    parallel = train_fasttext(path, dim=8, min_count=1, bucket=500, workers=2, seed=3)
    assert parallel.header["settings"]["workers"] == 2 and np.isfinite(parallel.vectors).all()
    plain = train_fasttext(path, dim=8, min_count=1, maxn=0, workers=1, seed=3)
    assert not plain.has_subwords and plain.header["fasttext"]["maxn"] == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"minn": 4, "maxn": 3}, "`minn` must be at most `maxn`"),
        ({"minn": 0}, "`minn` must be at most `maxn`"),
        ({"maxn": -1}, "`maxn` must be an integer >= 0"),
        ({"bucket": 0}, "`bucket` must be a positive integer"),
        ({"mode": "sg"}, "`mode` must be one of"),
        ({"sample": 1.5}, r"`sample` must be in \[0, 1\)"),
        ({"settings": FastTextSettings(), "dim": 8}, "Pass `settings` or the keyword"),
    ],
)
def test_bad_settings_fail_before_training(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_fasttext(tmp_path / "missing.txt", **kwargs)


# --- the .bin writer, against the fastText bindings and gensim ----------------------------


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Vectors trained on 2,000 Wikipedia lines, and their `.bin`."""
    folder = tmp_path_factory.mktemp("trained")
    text = shared_data("corpus-enwiki-2015", "AA", "wiki_01").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("<")][:2000]
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    vectors = train_fasttext(corpus, dim=16, min_count=3, bucket=30_000, workers=2, seed=0)
    vectors.save(folder / "model.bin", format="fasttext")
    return vectors, folder / "model.bin"


# Loaded in a fresh process, as the fastText tests of the readers do.
ANSWER = """
import sys, json, fasttext
model = fasttext.load_model(sys.argv[1])
words = json.loads(sys.argv[2])
print(json.dumps({"words": model.words, "args": [model.get_dimension(), model.f.getArgs().minn,
    model.f.getArgs().maxn, model.f.getArgs().bucket],
    "vectors": [model.get_word_vector(w).tolist() for w in model.words + words],
    "sentence": model.get_sentence_vector(" ".join(words[:4])).tolist()}))
"""


def _fasttext_answers(path, words):
    import json

    pytest.importorskip("fasttext")
    done = subprocess.run(
        [sys.executable, "-c", ANSWER, str(path), json.dumps(words)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout)


@pytest.mark.oracle
def test_a_written_bin_answers_as_the_vectors_do_in_fasttext(trained):
    vectors, path = trained
    theirs = _fasttext_answers(path, UNSEEN)
    assert theirs["words"] == vectors.index_to_key
    assert theirs["args"] == [16, 3, 6, 30_000]
    expected = np.array(theirs["vectors"], dtype=np.float32)
    n = len(vectors)
    np.testing.assert_allclose(vectors.vectors, expected[:n], atol=2e-6)
    np.testing.assert_allclose(vectors.lookup(UNSEEN), expected[n:], atol=2e-6)
    units = vectors.lookup(UNSEEN[:4])
    units /= np.maximum(np.linalg.norm(units, axis=1, keepdims=True), 1e-12)
    np.testing.assert_allclose(units.mean(axis=0), theirs["sentence"], atol=2e-6)


@pytest.mark.oracle
def test_a_written_bin_loads_back_and_in_gensim(trained):
    vectors, path = trained
    again = Vectors.load(path, cache=False)
    assert again.index_to_key == vectors.index_to_key
    np.testing.assert_allclose(again.vectors, vectors.vectors, atol=2e-6)
    np.testing.assert_allclose(again.lookup(UNSEEN), vectors.lookup(UNSEEN), atol=2e-6)
    np.testing.assert_array_equal(again.counts, vectors.counts)
    gensim = pytest.importorskip("gensim.models.fasttext")
    theirs = gensim.load_facebook_vectors(str(path))
    for word in ["the", "wikipedia", *UNSEEN[:6]]:
        np.testing.assert_allclose(theirs[word], vectors[word], atol=2e-6)


@pytest.mark.oracle
def test_vectors_without_subwords_write_a_bin_of_words_alone(tmp_path):
    vectors = Vectors(["king", "queen", "</s>"], np.arange(6, dtype="float32").reshape(3, 2))
    vectors.save(tmp_path / "plain.bin", format="fasttext")
    theirs = _fasttext_answers(tmp_path / "plain.bin", ["kings"])
    assert theirs["words"] == ["king", "queen", "</s>"] and theirs["args"][1:] == [0, 0, 0]
    np.testing.assert_allclose(theirs["vectors"][:3], vectors.vectors)
    assert theirs["vectors"][3] == [0.0, 0.0]  # no subwords: an unseen word is zeros


def test_what_a_bin_cannot_hold_is_refused_before_writing(tmp_path):
    bad = Vectors(["a\0b", "c"], np.eye(2, dtype="float32"))
    with pytest.raises(ValueError, match=r"Word 0 \('a\\x00b'\) holds a NUL character"):
        bad.save(tmp_path / "bad.bin", format="fasttext")
    assert not list(tmp_path.iterdir())  # nothing half-written left behind
