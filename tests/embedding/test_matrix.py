"""`embedding_matrix` and `candidate_words`: the slides' dict loop as the oracle on the real
GloVe vectors and the MR vocabulary, a plain-Python reference on arbitrary vocabularies
(hypothesis), and every option and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed import CoverageWarning, Tokenizer, Vectors, candidate_words, embedding_matrix
from kembed.embedding import MatrixOptions
from kembed.text import read_lines
from tests.conftest import shared_data

RULES = {"exact": str, "lower": str.lower, "capitalize": str.capitalize, "upper": str.upper}


def _vectors(words, dim=3, seed=0):
    rng = np.random.default_rng(seed)
    return Vectors(list(words), rng.normal(size=(len(words), dim)).astype("float32"))


def _reference(vectors, word_index, rows, lookup, oov_token=None):
    """The slides' loop with fallbacks: zeros, then one dict lookup per word and rule."""
    table = dict(zip(vectors.index_to_key, vectors.vectors, strict=True))
    matrix = np.zeros((rows, vectors.dim), dtype="float32")
    missing = []
    for word, i in word_index.items():
        if i >= rows or word == oov_token:
            continue
        for rule in lookup:
            vector = table.get(RULES[rule](word))
            if vector is not None:
                matrix[i] = vector
                break
        else:
            missing.append(word)
    return matrix, missing


# --- against the slides' recipe on real data -----------------------------------------------


@pytest.fixture(scope="module")
def glove(glove_package):
    words, matrix = glove_package
    return Vectors(words, matrix)


@pytest.mark.slow
@pytest.mark.oracle
def test_equals_the_slides_loop_on_mr_and_glove(glove, glove_package, mr_texts):
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(mr_texts)
    embeddings_index = dict(zip(*glove_package, strict=True))  # the slides' step 4
    expected = np.zeros((len(tokenizer.word_index) + 1, 50))  # the slides' step 5
    for word, i in tokenizer.word_index.items():
        vector = embeddings_index.get(word)
        if vector is not None:
            expected[i] = vector

    matrix, report = embedding_matrix(glove, tokenizer, lookup=["exact"], oov="zeros")

    np.testing.assert_array_equal(matrix, expected.astype("float32"))
    assert report.rows == len(tokenizer.word_index) + 1 == 19_493
    assert report.num_found == sum(w in embeddings_index for w in tokenizer.word_index)
    counts = tokenizer.word_counts
    assert report.tokens == sum(counts.values())
    assert report.tokens_found == sum(c for w, c in counts.items() if w in embeddings_index)
    assert report.missing_counts == sorted(report.missing_counts, reverse=True)


@pytest.mark.slow
def test_fallbacks_find_cased_words_on_real_data(glove):
    texts = list(read_lines(shared_data("corpus-enwiki-2015", "AA", "wiki_00"), skip_prefix="<"))
    tokenizer = Tokenizer(lower=False, num_words=5000, oov_token="<unk>")
    tokenizer.fit_on_texts(texts)

    matrix, report = embedding_matrix(glove, tokenizer, oov="zeros")

    assert report.rows == 5000 and report.oov_row == 1
    assert report.found["lower"] > 0  # "The" -> "the": the slides' exact loop misses it
    _, exact_report = embedding_matrix(glove, tokenizer, lookup="exact", oov="zeros")
    assert exact_report.num_found == report.found["exact"] < report.num_found
    expected, missing = _reference(glove, tokenizer.word_index, 5000, list(RULES), "<unk>")
    np.testing.assert_array_equal(matrix, expected)
    assert sorted(report.missing) == sorted(missing)
    # Every id the tokenizer emits has a row.
    sequences = tokenizer.texts_to_sequences(texts[:200])
    assert max(max(s) for s in sequences if s) < len(matrix)


def test_memory_mapped_vectors_give_the_same_matrix(tmp_path):
    vectors = _vectors(["a", "b", "c", "d"])
    vectors.save(tmp_path / "v")
    mapped = Vectors.load(tmp_path / "v")
    word_index = {"d": 1, "b": 2, "x": 3}
    np.testing.assert_array_equal(
        embedding_matrix(mapped, word_index, oov="zeros")[0],
        embedding_matrix(vectors, word_index, oov="zeros")[0],
    )


@settings(max_examples=200, deadline=None)
@given(
    table=st.lists(st.text(min_size=1, max_size=4), unique=True, max_size=12),
    vocabulary=st.lists(st.text(min_size=1, max_size=4), unique=True, max_size=12),
    lookup=st.permutations(list(RULES)).flatmap(
        lambda rules: st.integers(1, 4).map(lambda n: rules[:n])
    ),
    num_words=st.none() | st.integers(1, 15),
    shift=st.integers(0, 3),
)
def test_matches_a_reference_on_arbitrary_vocabularies(
    table, vocabulary, lookup, num_words, shift
):
    vectors = _vectors(table)
    word_index = {word: i + 1 + shift for i, word in enumerate(vocabulary)}
    rows = num_words or (max(word_index.values(), default=0) + 1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        matrix, report = embedding_matrix(
            vectors, word_index, num_words, lookup=lookup, oov="zeros"
        )

    expected, missing = _reference(vectors, word_index, rows, lookup)
    np.testing.assert_array_equal(matrix, expected)
    assert report.missing == missing
    assert report.num_found + len(report.missing) == report.num_words
    assert report.num_words + report.words_beyond == len(word_index)
    assert report.unused_rows == rows - 1 - report.num_words
    assert set(candidate_words(word_index, lookup=lookup)) >= {
        RULES[rule](word) for word in vocabulary for rule in lookup
    }


# --- rows, num_words and the OOV token ------------------------------------------------------


def test_num_words_drops_words_the_tokenizer_never_emits():
    tokenizer = Tokenizer(num_words=3)
    tokenizer.fit_on_texts(["a a a b b c"])
    vectors = _vectors("abc")

    matrix, report = embedding_matrix(vectors, tokenizer, oov="zeros")

    assert matrix.shape == (3, 3)
    np.testing.assert_array_equal(matrix[1:], vectors.vectors[[0, 1]])
    assert (report.words_beyond, report.tokens_beyond, report.tokens) == (1, 1, 5)
    assert report.token_coverage == pytest.approx(5 / 6)
    assert tokenizer.texts_to_sequences(["a b c"]) == [[1, 2]]


def test_num_words_past_the_vocabulary_leaves_unused_zero_rows():
    matrix, report = embedding_matrix(_vectors("ab"), {"a": 1, "b": 2}, 10, oov="random", seed=0)

    assert matrix.shape == (10, 3)
    assert report.unused_rows == 7
    assert not matrix[3:].any() and not matrix[0].any()
    assert "unused rows" in str(report)


def test_the_oov_row_is_filled_like_a_missing_word_and_not_counted_as_one():
    tokenizer = Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(["good good film", "bad zzz"])
    vectors = _vectors(["good", "film", "bad", "<unk>"])

    matrix, report = embedding_matrix(vectors, tokenizer, oov="mean")

    assert report.oov_row == tokenizer.word_index["<unk>"] == 1
    assert report.missing == ["zzz"]
    found = matrix[[tokenizer.word_index[w] for w in ("good", "film", "bad")]]
    np.testing.assert_allclose(matrix[1], found.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(matrix[tokenizer.word_index["zzz"]], matrix[1])
    with pytest.raises(ValueError, match="oov_token='<oov>' is not in `word_index`"):
        embedding_matrix(vectors, {"good": 1}, oov_token="<oov>")


# --- lookup rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "rule"),
    [("paris", "exact"), ("Paris", "capitalize"), ("PARIS", "upper"), ("pARIS", None)],
)
def test_each_rule_finds_its_variant(word, rule):
    vectors = _vectors([word])
    lookup = ["exact", "capitalize", "upper"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if rule is None else "error", CoverageWarning)
        _, report = embedding_matrix(vectors, {"paris": 1}, lookup=lookup, oov="zeros")

    assert report.found == {r: int(r == rule) for r in lookup}
    assert report.missing == ([] if rule else ["paris"])


def test_rules_are_tried_in_the_order_given():
    vectors = Vectors(["us", "US"], np.array([[1.0], [2.0]], dtype="float32"))

    assert embedding_matrix(vectors, {"Us": 1}, lookup=["lower", "upper"])[0][1, 0] == 1.0
    assert embedding_matrix(vectors, {"Us": 1}, lookup=["upper", "lower"])[0][1, 0] == 2.0


def test_candidate_words_lists_every_variant_for_a_tokenizer():
    tokenizer = Tokenizer(lower=False)
    tokenizer.fit_on_texts(["New york"])

    assert candidate_words(tokenizer) == {"New", "new", "NEW", "york", "York", "YORK"}
    assert candidate_words(tokenizer, lookup=["exact"]) == {"New", "york"}


# --- rows of words without a vector ---------------------------------------------------------


def test_oov_random_follows_the_found_rows_statistics_and_is_seeded():
    rng = np.random.default_rng(1)
    found = rng.normal([5.0, -3.0], [0.5, 2.0], size=(4000, 2)).astype("float32")
    vectors = Vectors([f"w{i}" for i in range(4000)], found)
    word_index = {f"w{i}": i + 1 for i in range(4000)} | {f"x{i}": 4001 + i for i in range(4000)}

    matrix, _ = embedding_matrix(vectors, word_index, oov="random", seed=3)
    again, _ = embedding_matrix(vectors, word_index, oov="random", seed=3)
    other, _ = embedding_matrix(vectors, word_index, oov="random", seed=4)

    drawn = matrix[4001:]
    np.testing.assert_allclose(drawn.mean(axis=0), [5.0, -3.0], atol=0.1)
    np.testing.assert_allclose(drawn.std(axis=0), [0.5, 2.0], rtol=0.05)
    np.testing.assert_array_equal(matrix, again)
    assert not np.array_equal(matrix, other)
    np.testing.assert_array_equal(matrix[1:4001], found)  # found rows untouched


def test_oov_random_without_a_seed_uses_numpys_global_generator():
    vectors, word_index = _vectors("ab"), {"a": 1, "zz": 2}
    np.random.seed(5)
    first, _ = embedding_matrix(vectors, word_index)
    np.random.seed(5)
    second, _ = embedding_matrix(vectors, word_index)

    np.testing.assert_array_equal(first, second)
    assert first[2].any()


def test_oov_zeros_leaves_missing_rows_zero():
    matrix, report = embedding_matrix(_vectors("a"), {"a": 1, "b": 2}, oov="zeros")

    assert not matrix[2].any() and matrix[1].any()
    assert "filled with oov='zeros'" in str(report)


# --- the report -----------------------------------------------------------------------------


def test_report_counts_and_prints_the_most_frequent_missing_words():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(["the cat sat", "the qqq qqq qqq zzz"])
    _, report = embedding_matrix(_vectors(["the", "cat", "sat"]), tokenizer, oov="zeros")

    assert report.missing == ["qqq", "zzz"]
    assert report.top_missing(1) == [("qqq", 3)]
    assert (report.tokens, report.tokens_found) == (8, 4)
    assert report.word_coverage == pytest.approx(3 / 5)
    assert report.token_coverage == pytest.approx(4 / 8)
    text = str(report)
    assert "6 rows x 3" in text
    assert "60.0 % of words,  50.0 % of tokens" in text
    assert "qqq (3), zzz (1)" in text


def test_report_without_counts_gives_no_token_coverage():
    _, report = embedding_matrix(_vectors("a"), {"a": 1, "b": 2}, oov="zeros")

    assert report.token_coverage is None and report.tokens is None
    assert report.top_missing() == [("b", None)]
    assert "of tokens" not in str(report)


# --- bad input ------------------------------------------------------------------------------


def test_an_empty_intersection_warns_with_the_report():
    with pytest.warns(CoverageWarning, match=r"(?s)None of the words.*0 .*of words"):
        matrix, report = embedding_matrix(_vectors("ab"), {"x": 1, "y": 2}, oov="mean")

    assert report.num_found == 0 and report.missing == ["x", "y"]
    np.testing.assert_allclose(matrix[1], _vectors("ab").vectors.mean(axis=0), rtol=1e-6)


def test_an_empty_vocabulary_gives_the_padding_row_only():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        matrix, report = embedding_matrix(_vectors("ab"), {})
    assert matrix.shape == (1, 3) and not matrix.any()
    assert report.num_words == 0 and report.word_coverage == 0.0


@pytest.mark.parametrize(
    ("word_index", "error", "match"),
    [
        ({"a": 0}, ValueError, r"maps 'a' to 0, but ids start at 1: row 0 is padding"),
        ({"a": -2}, ValueError, r"maps 'a' to -2"),
        ({"a": 1, "b": 1}, ValueError, r"maps both 'a' and 'b' to 1"),
        ({"a": 1.0}, TypeError, r"ids must be integers. Received: 'a' -> 1.0"),
        ({"a": True}, TypeError, r"ids must be integers"),
        ({3: 1}, TypeError, r"keys must be str"),
        (["a", "b"], TypeError, r"a fitted Tokenizer or a mapping.*type list"),
    ],
)
def test_bad_word_index(word_index, error, match):
    with pytest.raises(error, match=match):
        embedding_matrix(_vectors("ab"), word_index)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"num_words": 0}, r"`num_words` must be a positive integer or None. Received: num_w"),
        ({"num_words": 2.5}, r"num_words=2.5"),
        ({"oov": "normal"}, r"`oov` must be one of \('zeros', 'random', 'mean', 'subword'\)"),
        ({"lookup": ["exact", "title"]}, r"`lookup` must be distinct rules among"),
        ({"lookup": []}, r"at least one"),
        ({"lookup": ["lower", "lower"]}, r"distinct"),
    ],
)
def test_bad_options(options, match):
    with pytest.raises(ValueError, match=match):
        embedding_matrix(_vectors("ab"), {"a": 1}, **options)


def test_matrix_options_are_the_keywords_in_one_object():
    vectors = Vectors(["the", "cat"], np.float32([[1, 2], [3, 4]]))
    index = {"The": 1, "cat": 2, "zyx": 3}
    options = MatrixOptions(lookup=("exact",), oov="random", seed=3)
    by_object, report = embedding_matrix(vectors, index, options=options)
    by_keywords, _ = embedding_matrix(vectors, index, lookup=("exact",), oov="random", seed=3)
    np.testing.assert_array_equal(by_object, by_keywords)
    assert report.found == {"exact": 1} and report.missing == ["The", "zyx"]
    with pytest.raises(ValueError, match="Pass `options` or the keyword arguments"):
        embedding_matrix(vectors, index, options=options, oov="zeros")


@pytest.mark.parametrize(
    "fields, error, message",
    [
        ({"oov": "none"}, ValueError, "`oov` must be one of"),
        ({"lookup": ("exact", "exact")}, ValueError, "`lookup` must be distinct rules"),
        ({"lookup": ()}, ValueError, "`lookup` must be distinct rules"),
        ({"seed": "1"}, TypeError, "`seed` must be an int or None"),
    ],
)
def test_bad_matrix_options_are_named(fields, error, message):
    with pytest.raises(error, match=message):
        MatrixOptions(**fields)
