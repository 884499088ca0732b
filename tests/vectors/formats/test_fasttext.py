"""fastText `.bin` / `.ftz` models against the fastText bindings (the oracle, which trains
them here on part of the Wikipedia sample) and gensim's `load_facebook_vectors`: every
word's vector, unseen words (non-ASCII, emoji) from subwords, sentence means, the n-gram
rows themselves; and damaged files (another magic, another version, truncated anywhere,
compressed) each one `VectorFormatError` naming the file."""

from __future__ import annotations

import gzip
import itertools
import struct
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed import DataWarning, VectorFormatError, Vectors
from kembed.vectors.formats.fasttext import MAGIC, read_fasttext
from kembed.vectors.subwords import SubwordTable, fnv1a, ngrams
from tests.conftest import shared_data

pytestmark = pytest.mark.oracle

UNSEEN = ["naïveté", "straße", "Straße", "😀", "日本語", "zzqxv", "Wikipediaaa", "x", ""]


# Trained in a fresh process: fastText's training has met NaN after other test modules
# were imported into this one (the floating-point state some compiled libraries set).
TRAIN = """
import sys, fasttext
corpus, labelled, folder = sys.argv[1:]
options = {"thread": 1, "verbose": 0}
model = fasttext.train_unsupervised(
    corpus, model="skipgram", dim=16, epoch=3, minCount=3, bucket=40_000, **options
)
model.save_model(folder + "/skipgram.bin")
model = fasttext.train_supervised(
    labelled, dim=8, epoch=2, minn=2, maxn=4, bucket=20_000, **options
)
model.save_model(folder + "/supervised.bin")
model.quantize(input=labelled, retrain=False, cutoff=2_000, qnorm=True, dsub=3)
model.save_model(folder + "/supervised.ftz")
"""


@pytest.fixture(scope="session")
def models(tmp_path_factory):
    """A skip-gram `.bin`, a supervised `.bin` and its quantized, pruned `.ftz`."""
    pytest.importorskip("fasttext")
    folder = tmp_path_factory.mktemp("fasttext")
    text = shared_data("corpus-enwiki-2015", "AA", "wiki_00").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("<")][:3000]
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    labelled = folder / "labelled.txt"
    labelled.write_text(
        "".join(f"__label__{k % 3} {line}\n" for k, line in enumerate(lines)), encoding="utf-8"
    )
    subprocess.run(
        [sys.executable, "-c", TRAIN, str(corpus), str(labelled), str(folder)], check=True
    )
    return {name: folder / name for name in ("skipgram.bin", "supervised.bin", "supervised.ftz")}


@pytest.mark.parametrize("name", ["skipgram.bin", "supervised.bin", "supervised.ftz"])
def test_every_word_and_unseen_words_equal_fasttexts(models, name):
    fasttext = pytest.importorskip("fasttext")
    theirs = fasttext.load_model(str(models[name]))
    ours = Vectors.load(models[name])
    assert ours.index_to_key == theirs.words and ours.has_subwords
    assert ours.report.format == "fasttext" and ours.header["fasttext"]["dim"] == ours.dim
    expected = np.stack([theirs.get_word_vector(w) for w in ours.index_to_key])
    np.testing.assert_allclose(ours.vectors, expected, atol=1e-6)
    np.testing.assert_allclose(
        ours.lookup(UNSEEN), np.stack([theirs.get_word_vector(w) for w in UNSEEN]), atol=1e-6
    )
    for word in UNSEEN:
        assert word not in ours
        np.testing.assert_allclose(ours[word], theirs.get_word_vector(word), atol=1e-6)


def test_the_model_and_its_arguments_are_read(models):
    fasttext = pytest.importorskip("fasttext")
    for name, kind in (("skipgram.bin", "skipgram"), ("supervised.ftz", "supervised")):
        model = read_fasttext(models[name])
        theirs = fasttext.load_model(str(models[name]))
        assert model.kind == kind and model.quantized == name.endswith(".ftz")
        assert model.args["dim"] == theirs.get_dimension()
        assert (model.args["minn"], model.args["maxn"]) == (
            (3, 6) if kind == "skipgram" else (2, 4)
        )
        assert model.labels == (theirs.labels if kind == "supervised" else [])


def test_ngram_rows_are_fasttexts_subword_ids(models):
    fasttext = pytest.importorskip("fasttext")
    theirs = fasttext.load_model(str(models["skipgram.bin"]))
    ours = Vectors.load(models["skipgram.bin"])
    # The end-of-line word "</s>" has no n-grams in fastText (and no string to take them of).
    for word in UNSEEN + [w for w in ours.index_to_key[:200] if w != "</s>"]:
        _, ids = theirs.get_subwords(word)
        own = [ours.index(word)] if word in ours else []
        rows = [len(ours) + row for row in ours.subwords.rows_of(word)]  # after the word rows
        assert own + rows == ids.tolist(), word


def test_sentence_means_equal_fasttexts(models):
    fasttext = pytest.importorskip("fasttext")
    theirs = fasttext.load_model(str(models["skipgram.bin"]))
    ours = Vectors.load(models["skipgram.bin"])
    for sentence in ("the naïve straße of 😀 history", "Wikipedia is a free encyclopedia"):
        units = ours.lookup(sentence.split())
        norms = np.linalg.norm(units, axis=1, keepdims=True)
        units = units[norms[:, 0] > 0] / norms[norms[:, 0] > 0]
        expected = theirs.get_sentence_vector(sentence)
        np.testing.assert_allclose(units.mean(axis=0), expected, atol=1e-6)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_gensim_reads_the_same_vectors(models):
    fasttext_module = pytest.importorskip("gensim.models.fasttext")
    theirs = fasttext_module.load_facebook_vectors(str(models["skipgram.bin"]))
    ours = Vectors.load(models["skipgram.bin"])
    for word in ["the", "history", *UNSEEN[:-1]]:
        np.testing.assert_allclose(ours[word], theirs[word], atol=1e-5)


def test_neighbours_and_analogies_take_unseen_words(models):
    vectors = Vectors.load(models["skipgram.bin"])
    query = vectors.lookup(["historyy"])[0]
    found = vectors.most_similar("historyy", topn=5)
    scores = vectors.unit @ (query / np.linalg.norm(query))
    assert [w for w, _ in found] == [vectors.index_to_key[i] for i in np.argsort(-scores)[:5]]
    indices, _ = vectors.most_similar_batch(["historyy", "the"], topn=5)
    assert [vectors.index_to_key[i] for i in indices[0]] == [w for w, _ in found]
    added = vectors.analogy("man", "king", "womann", topn=3)
    assert added == vectors.most_similar(["king", "womann"], ["man"], topn=3)
    multiplied = vectors.analogy("man", "king", "womann", method="3cosmul", topn=3)
    assert len(multiplied) == 3 and "king" not in [w for w, _ in multiplied]


def test_subsets_keep_subwords_and_only_a_kembed_folder_saves_them(models, tmp_path):
    vectors = Vectors.load(models["skipgram.bin"], vocab=["the", "of", "zzz"])
    assert vectors.index_to_key == ["the", "of"] and vectors.report.skipped["not in vocab"] > 0
    np.testing.assert_allclose(vectors["naïveté"], Vectors.load(models["skipgram.bin"])["naïveté"])
    assert vectors.subset(["of"]).has_subwords
    with pytest.warns(DataWarning, match=r"without the model's n-gram rows"):
        vectors.save(tmp_path / "words.vec")
    assert not Vectors.load(tmp_path / "words.vec", cache=False).has_subwords
    vectors.save(tmp_path / "words.kembed")  # no warning: the n-gram rows go along
    again = Vectors.load(tmp_path / "words.kembed")
    assert again.index_to_key == ["the", "of"] and again.header["fasttext"]["minn"] == 3
    np.testing.assert_array_equal(again.lookup(UNSEEN), vectors.lookup(UNSEEN))


@pytest.mark.parametrize("name", ["skipgram.bin", "supervised.ftz"])
def test_a_model_is_cached_and_reopens_with_its_subwords(models, name):
    from kembed.vectors import cache

    first = Vectors.load(models[name])
    cache.wait()
    again = Vectors.load(models[name])
    assert not first.report.from_cache and again.report.from_cache and again.has_subwords
    assert again.report.format == "fasttext"
    assert again.header["fasttext"] == first.header["fasttext"]
    np.testing.assert_array_equal(again.vectors, first.vectors)
    np.testing.assert_array_equal(again.counts, first.counts)
    np.testing.assert_array_equal(again.lookup(UNSEEN), first.lookup(UNSEEN))
    part = Vectors.load(models[name], vocab=["the", "of"], limit=10)
    assert part.has_subwords and set(part.index_to_key) <= {"the", "of"}


def test_compressed_and_zipped_models_load_as_the_plain_one(models, tmp_path, private_cache):
    import zipfile

    from kembed.vectors import cache

    data = models["skipgram.bin"].read_bytes()
    plain = Vectors.load(models["skipgram.bin"], cache=False)
    (tmp_path / "cc.xx.300.bin.gz").write_bytes(gzip.compress(data, compresslevel=1))
    with zipfile.ZipFile(tmp_path / "crawl.zip", "w") as archive:
        archive.writestr("crawl.vec", "1 2\nx 0.1 0.2\n")
        archive.writestr("crawl.bin", data)
    for source, member in (
        (tmp_path / "cc.xx.300.bin.gz", None),
        (tmp_path / "crawl.zip", "crawl.bin"),
    ):
        for _ in range(2):  # the first fills the cache, the second opens it
            loaded = Vectors.load(source, member=member)
            cache.wait()
            np.testing.assert_array_equal(loaded.vectors, plain.vectors)
            np.testing.assert_array_equal(loaded.lookup(UNSEEN), plain.lookup(UNSEEN))
        assert loaded.report.from_cache
    assert "crawl.zip:crawl.bin" in Vectors.load(tmp_path / "crawl.zip", member="crawl.bin",
                                                 cache=False).report.source  # fmt: skip
    assert list((private_cache / "unpacked").iterdir()) == []  # the copies are removed


def test_a_damaged_subword_header_is_named(models, tmp_path):
    import json

    Vectors.load(models["skipgram.bin"]).save(tmp_path / "ft.kembed")
    header = json.loads((tmp_path / "ft.kembed" / "header.json").read_text(encoding="utf-8"))
    del header["subwords"]["bucket"]
    (tmp_path / "ft.kembed" / "header.json").write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(VectorFormatError, match=r"header.json: its subword settings are damaged"):
        Vectors.load(tmp_path / "ft.kembed")


def test_other_magic_version_compression_and_truncation_are_named(models, tmp_path):
    data = models["skipgram.bin"].read_bytes()
    other = tmp_path / "version.bin"
    other.write_bytes(struct.pack("<ii", MAGIC, 13) + data[8:])
    with pytest.raises(VectorFormatError, match=r"version.bin: fastText format version 13"):
        Vectors.load(other)
    packed = tmp_path / "model.bin.gz"
    packed.write_bytes(gzip.compress(data)[:100_000])  # a download cut short
    with pytest.raises(VectorFormatError, match=r"model.bin.gz"):
        Vectors.load(packed)
    for size in (3, 10, 60, 200, 40_000, len(data) - 4):
        cut = tmp_path / f"cut{size}.bin"
        cut.write_bytes(data[:size])
        with pytest.raises(VectorFormatError, match=rf"cut{size}.bin"):
            read_fasttext(cut)
    with pytest.raises(VectorFormatError, match=r"truncated"):
        read_fasttext(cut)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_damage_is_a_vector_format_error(models, data):
    raw = models["supervised.ftz"].read_bytes()
    cut = data.draw(st.integers(0, len(raw) - 1))
    flips = data.draw(st.lists(st.integers(8, len(raw) - 1), max_size=3))
    damaged = bytearray(raw[:cut] if data.draw(st.booleans()) else raw)
    for at in flips:
        if at < len(damaged):
            damaged[at] ^= 0xFF
    path = models["supervised.ftz"].with_name(f"damaged-{cut}.ftz")
    path.write_bytes(bytes(damaged))
    try:
        model = read_fasttext(path)
        vectors = Vectors.load(path)  # every word's vector built from its n-gram rows
    except VectorFormatError as error:
        assert str(path) in str(error)
        return
    assert model.matrix.shape[1] == model.args["dim"] == vectors.dim


def test_a_pruned_index_naming_rows_outside_the_matrix_is_refused():
    matrix = np.zeros((2 + 3, 4), "float32")
    SubwordTable(matrix, nwords=2, minn=1, maxn=2, bucket=10, pruned={9: 2, 0: 0})
    for pruned in ({10: 0}, {-1: 0}, {1: 3}, {1: -2}):
        with pytest.raises(ValueError, match="pruned bucket index"):
            SubwordTable(matrix, nwords=2, minn=1, maxn=2, bucket=10, pruned=pruned)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_the_kernel_hashes_every_ngram_as_the_reference(word):
    table = SubwordTable(np.zeros((1 + 997, 2), "float32"), nwords=1, minn=2, maxn=5, bucket=997)
    expected = [1 + fnv1a(g.encode("utf-8")) % 997 for g in ngrams(word, 2, 5)]
    assert table.rows_of(word) == expected


_ESCAPED = st.sampled_from([chr(c) for c in range(0xDC80, 0xDD00)])  # surrogateescape bytes


def _reference_rows(words, table):
    rows = []
    for word in words:
        grams = ngrams(word, table.minn, table.maxn)
        rows.append([
            table.nwords + fnv1a(g.encode("utf-8", errors="surrogateescape")) % table.bucket
            for g in grams
        ])  # fmt: skip
    return rows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)) | _ESCAPED, max_size=9)))
def test_a_batch_of_words_gets_the_ngrams_of_each_word(words):
    table = SubwordTable(np.zeros((3 + 101, 2), "float32"), nwords=3, minn=1, maxn=4, bucket=101)
    offsets, rows = table.ngram_rows(words)
    assert offsets[0] == 0 and len(offsets) == len(words) + 1
    got = [rows[a:b].tolist() for a, b in itertools.pairwise(offsets)]
    assert got == _reference_rows(words, table)


def test_a_large_batch_split_over_threads_equals_the_reference():
    rng = np.random.default_rng(0)
    letters = list("abcdefghijklmnopqrstuvwxyzéßø語😀")
    words = ["".join(rng.choice(letters, rng.integers(0, 11))) for _ in range(20_000)]
    matrix = rng.standard_normal((7 + 5003, 8)).astype("float32")
    table = SubwordTable(matrix, nwords=7, minn=3, maxn=6, bucket=5003)
    own = rng.integers(-1, 7, len(words))
    got = table.vectors(words, own)
    for k, rows in enumerate(_reference_rows(words, table)):
        rows = ([own[k]] if own[k] >= 0 else []) + rows
        expected = matrix[rows].sum(axis=0) / len(rows) if rows else np.zeros(8)
        np.testing.assert_allclose(got[k], expected, rtol=1e-5, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.text(st.characters(blacklist_categories=("Cs",)) | _ESCAPED, max_size=9)),
    pruned=st.booleans(),
    sizes=st.sampled_from([(1, 4), (3, 6), (2, 2), (5, 3), (0, 0)]),
)
def test_vectors_hashed_word_by_word_equal_the_means_of_all_rows(words, pruned, sizes):
    from kembed.vectors._ngrams import mean_rows

    rng = np.random.default_rng(len(words))
    matrix = rng.standard_normal((3 + 101, 4)).astype("float32")
    kept = {int(b): k for k, b in enumerate(rng.choice(101, 60, replace=False))}
    table = SubwordTable(matrix, 3, *sizes, bucket=101, pruned=kept if pruned else None)
    own = rng.integers(-1, 3, len(words))
    offsets, rows = table.ngram_rows(words)
    expected = mean_rows(matrix, offsets, rows, own)  # every row first, then the means
    np.testing.assert_array_equal(table.vectors(words, own), expected)


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_the_explorer_answers_unseen_words_from_subwords(models, method):
    from kembed.explore import Explorer
    from kembed.space import nearest, parse_expression

    vectors = Vectors.load(models["skipgram.bin"])
    explorer = Explorer({"fastText": vectors})
    answer = explorer.answer("/api/neighbors", {"q": "historyy - cityy", "method": method})
    expected = nearest(vectors, parse_expression("historyy - cityy"), method=method)
    assert [w for w, _ in answer["neighbors"]] == [w for w, _ in expected]
    if method == "3cosadd":
        found = vectors.most_similar(["historyy"], ["cityy"], topn=10)
        assert [w for w, _ in found] == [w for w, _ in expected]


def test_an_embedding_matrix_fills_missing_words_from_subwords(models):
    from kembed import embedding_matrix

    vectors = Vectors.load(models["skipgram.bin"])
    word_index = {"the": 1, "HISTORYZ": 2, "historyy": 3, "naïveté": 4, "<unk>": 5}
    if "historyz" in vectors or "HISTORYZ" in vectors:
        pytest.skip("the word meant to be unseen is in this model")
    matrix, report = embedding_matrix(vectors, word_index, oov="subword", oov_token="<unk>")
    assert report.found == {"exact": 1, "lower": 0, "capitalize": 0, "upper": 0, "subword": 3}
    assert report.missing == [] and report.word_coverage == 1.0
    np.testing.assert_array_equal(matrix[1], vectors["the"])
    np.testing.assert_allclose(matrix[2], vectors["HISTORYZ"])
    np.testing.assert_allclose(matrix[3:5], vectors.lookup(["historyy", "naïveté"]))
    np.testing.assert_allclose(matrix[5], matrix[1:5].mean(axis=0), atol=1e-6)
    with pytest.raises(ValueError, match=r"oov='subword'` needs vectors with subwords"):
        embedding_matrix(Vectors(["a"], np.ones((1, 2))), {"a": 1}, oov="subword")


@pytest.mark.keras
def test_a_classifier_on_a_fasttext_model_gives_unseen_words_their_subword_vectors(models):
    from kembed import TextClassifier

    texts = ["a historyy of cityy wars", "the naïveté of youthh"] * 10
    clf = TextClassifier("bag", embedding="static", vectors=str(models["skipgram.bin"]), seed=0)
    clf.fit(texts, ["a", "b"] * 10, epochs=1, verbose=0)
    assert clf.coverage.found["subword"] >= 3 and clf.coverage.missing == []
    assert clf.coverage.oov == "subword"


@pytest.mark.parametrize("name", ["skipgram.bin", "supervised.bin"])
def test_a_model_fasttext_wrote_comes_back_out_equal(models, name, tmp_path):
    from tests.training.test_fasttext import _fasttext_answers

    fasttext = pytest.importorskip("fasttext")
    original = fasttext.load_model(str(models[name]))
    Vectors.load(models[name], cache=False).save(tmp_path / "again.bin", format="fasttext")
    theirs = _fasttext_answers(tmp_path / "again.bin", UNSEEN)
    assert theirs["words"] == original.words
    expected = [original.get_word_vector(w) for w in original.words + UNSEEN]
    np.testing.assert_allclose(theirs["vectors"], expected, atol=2e-6)
    args = original.f.getArgs()
    assert theirs["args"] == [original.get_dimension(), args.minn, args.maxn, args.bucket]


def test_a_pruned_model_is_not_written_as_a_bin(models, tmp_path):
    vectors = Vectors.load(models["supervised.ftz"], cache=False)
    with pytest.raises(ValueError, match="pruned, quantized model"):
        vectors.save(tmp_path / "again.bin", format="fasttext")
    assert not (tmp_path / "again.bin").exists()
