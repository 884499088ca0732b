"""Tokenizer: the cases of keras-preprocessing's own test-suite, written anew, plus the
behaviour kembed adds (streaming, atomic save / load) and every bad input."""

from __future__ import annotations

import json
from collections import OrderedDict

import numpy as np
import pytest

from kembed.errors import OutputError
from kembed.text import Tokenizer, read_lines, tokenizer_from_json

CATS = ["The cat sat on the mat.", "The dog sat on the log.", "Dogs and cats living together."]
TRAIN = ["This text has only known words this text"]
TEST = ["This text has some unknown words"]


@pytest.fixture(params=[True, False], ids=["fast", "python"])
def path(request, monkeypatch):
    """Runs a test on the compiled fast path and on the plain-Python path."""
    monkeypatch.setattr(Tokenizer, "_fast", request.param)  # force one path
    return request.param


def test_ids_and_matrices(path):
    tokenizer = Tokenizer(num_words=10)
    tokenizer.fit_on_texts(CATS)
    sequences = list(tokenizer.texts_to_sequences_generator(CATS))
    assert max(map(max, sequences)) < 10
    assert min(map(min, sequences)) == 1
    tokenizer.fit_on_sequences(sequences)
    for mode in ("binary", "count", "tfidf", "freq"):
        matrix = tokenizer.texts_to_matrix(CATS, mode)
        assert matrix.shape == (3, 10)
        assert matrix[:, 0].sum() == 0 and (matrix > 0).sum() == 12


def test_fit_twice_and_on_token_lists(path):
    words = [["The", "cat", "is", "sitting"], ["The", "dog", "is", "standing"]]
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(CATS)
    tokenizer.fit_on_texts(words)
    assert tokenizer.document_count == 5
    assert tokenizer.word_counts["the"] == 6 and tokenizer.word_docs["the"] == 4
    assert tokenizer.texts_to_matrix(words).shape == (2, len(tokenizer.word_index) + 1)


def test_unicode(path):
    tokenizer = Tokenizer(num_words=5)
    tokenizer.fit_on_texts(
        ["ali veli kırk dokuz elli", "ali veli kırk dokuz elli veli kırk dokuz"]
    )
    assert len(tokenizer.word_counts) == 5
    assert tokenizer.word_index == {"veli": 1, "kırk": 2, "dokuz": 3, "ali": 4, "elli": 5}


def test_oov_token(path):
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(TRAIN)
    assert len(tokenizer.texts_to_sequences(TEST)[0]) == 4  # the 2 unknown words dropped
    tokenizer = Tokenizer(oov_token="<unk>")
    tokenizer.fit_on_texts(TRAIN)
    assert tokenizer.texts_to_sequences(TEST) == [[2, 3, 4, 1, 1, 7]]  # marked in place


@pytest.mark.parametrize(
    ("num_words", "oov_token", "expected"),
    [
        (3, "<unk>", "this <unk> <unk> <unk> <unk> <unk>"),
        (None, "<unk>", "this text has <unk> <unk> words"),
        (3, None, "this text"),
        (None, None, "this text has words"),
    ],
)
def test_sequences_to_texts(path, num_words, oov_token, expected):
    tokenizer = Tokenizer(num_words=num_words, oov_token=oov_token)
    tokenizer.fit_on_texts(TRAIN)
    sequences = tokenizer.texts_to_sequences(TEST)
    assert tokenizer.sequences_to_texts(sequences) == [expected]
    assert list(tokenizer.sequences_to_texts_generator(sequences)) == [expected]


def test_sequences_to_texts_round_trip(path):
    tokenizer = Tokenizer(num_words=10, oov_token="<unk>")
    tokenizer.fit_on_texts(CATS)
    assert tokenizer.sequences_to_texts(tokenizer.texts_to_sequences(CATS)) == [
        "the cat sat on the mat",
        "the dog sat on the log",
        "dogs <unk> <unk> <unk> <unk>",
    ]


def test_lower_flag_and_first_appearance_order(path):
    tokenizer = Tokenizer(lower=True)
    tokenizer.fit_on_texts(
        ["The cat sat on the mat.", "The dog sat on the log.", "Dog and Cat living Together."]
    )
    assert list(tokenizer.word_counts.items()) == [
        ("the", 4),
        ("cat", 2),
        ("sat", 2),
        ("on", 2),
        ("mat", 1),
        ("dog", 2),
        ("log", 1),
        ("and", 1),
        ("living", 1),
        ("together", 1),
    ]
    # Ties keep the order of first appearance.
    assert list(tokenizer.word_index)[:6] == ["the", "cat", "sat", "on", "dog", "mat"]
    tokenizer = Tokenizer(lower=True)
    tokenizer.fit_on_texts([["The", "cat", "is", "sitting"], ["The", "dog", "is", "standing"]])
    assert tokenizer.word_counts == OrderedDict(
        [("the", 2), ("cat", 1), ("is", 2), ("sitting", 1), ("dog", 1), ("standing", 1)]
    )
    tokenizer = Tokenizer(lower=False)
    tokenizer.fit_on_texts(["The the THE"])
    assert tokenizer.word_index == {"The": 1, "the": 2, "THE": 3}


def test_char_level(path):
    tokenizer = Tokenizer(lower=True, char_level=True)
    tokenizer.fit_on_texts(
        ["The cat sat on the mat.", "The dog sat on the log.", "Dog and Cat living Together."]
    )
    assert list(tokenizer.word_counts.items()) == [
        ("t", 11),
        ("h", 5),
        ("e", 6),
        (" ", 14),
        ("c", 2),
        ("a", 6),
        ("s", 2),
        ("o", 6),
        ("n", 4),
        ("m", 1),
        (".", 3),
        ("d", 3),
        ("g", 5),
        ("l", 2),
        ("i", 2),
        ("v", 1),
        ("r", 1),
    ]
    # keras-preprocessing 1.1.2 (the oracle) applies no filters at the character level;
    # a later, unreleased change did. kembed follows the release.
    tokenizer = Tokenizer(char_level=True, filters="e")
    tokenizer.fit_on_texts(TRAIN)
    assert "e" in tokenizer.word_index


def test_num_words_zero_means_all(path):
    tokenizer = Tokenizer(num_words=0)
    tokenizer.fit_on_texts(TRAIN)
    assert tokenizer.texts_to_sequences(TRAIN) == [[1, 2, 3, 4, 5, 6, 1, 2]]


def test_analyzer(path):
    tokenizer = Tokenizer(analyzer=lambda text: text.split("-"))
    tokenizer.fit_on_texts(["a-b-a", "B-c"])
    assert tokenizer.word_index == {"a": 1, "b": 2, "B": 3, "c": 4}
    with pytest.warns(UserWarning, match="analyzer"):
        json_string = tokenizer.to_json()
    restored = tokenizer_from_json(json_string, analyzer=lambda text: text.split("-"))
    assert restored.texts_to_sequences(["c-a"]) == [[4, 1]]


def test_streams_a_corpus_file(tmp_path, path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("the cat\nthe dog\n\nthe end", encoding="utf-8")
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(read_lines(corpus))
    assert tokenizer.document_count == 4
    assert tokenizer.word_index == {"the": 1, "cat": 2, "dog": 3, "end": 4}
    lines = (line for line in ["the dog", "a cat"])
    assert list(tokenizer.texts_to_sequences_generator(lines)) == [[1, 3], [2]]


def test_many_batches_and_growth(path):
    # More texts than one batch, more words than the first table: exercises regrowth.
    texts = [f"w{i} w{i // 2} common" for i in range(10_000)]
    tokenizer = Tokenizer(num_words=50, oov_token="?")
    tokenizer.fit_on_texts(texts)
    assert tokenizer.word_index["common"] == 2
    assert len(tokenizer.word_index) == 10_002
    sequences = tokenizer.texts_to_sequences(texts)
    assert sequences[0] == [3, 3, 2] and sequences[-1][2] == 2
    assert all(0 < i < 50 for seq in sequences for i in seq)


def test_batches_end_at_the_character_limit(monkeypatch):
    # Long texts cut batches by size, token lists included; the output does not change.
    from kembed.text import wordtable

    texts = [" ".join(f"w{j % (i + 1)}" for j in range(i * 7)) for i in range(60)]
    texts += [text.split() for text in texts[::7]]
    expected = Tokenizer()
    expected._fast = False
    expected.fit_on_texts(texts)
    monkeypatch.setattr(wordtable, "BATCH_CHARS", 300)
    assert [len(b) for b in wordtable._batches(["x" * 200, "y" * 200, ["z"] * 40, "a"])] == [
        2,
        1,
        1,
    ]
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(texts)
    assert tokenizer.word_index == expected.word_index
    assert tokenizer.word_counts == expected.word_counts
    assert tokenizer.texts_to_sequences(texts) == expected.texts_to_sequences(texts)


def test_save_and_load(tmp_path, path):
    tokenizer = Tokenizer(num_words=100, oov_token="<unk>")
    tokenizer.fit_on_texts(CATS)
    tokenizer.fit_on_sequences(tokenizer.texts_to_sequences(CATS))
    target = tmp_path / "tokenizer.json"
    tokenizer.save(target)
    assert [p.name for p in tmp_path.iterdir()] == ["tokenizer.json"]  # no temporary left
    restored = Tokenizer.load(target)
    for name in (
        "word_counts",
        "word_docs",
        "word_index",
        "index_word",
        "index_docs",
        "document_count",
        "num_words",
        "oov_token",
        "filters",
        "lower",
        "split",
        "char_level",
    ):
        assert getattr(restored, name) == getattr(tokenizer, name), name
    assert restored.texts_to_sequences(TEST) == tokenizer.texts_to_sequences(TEST)
    np.testing.assert_array_equal(
        restored.texts_to_matrix(CATS, "tfidf"), tokenizer.texts_to_matrix(CATS, "tfidf")
    )


def test_save_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "tokenizer.json"
    target.write_text("previous", encoding="utf-8")
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(CATS)
    with pytest.raises(OutputError, match=r"tokenizer.json: exists. Pass overwrite=True"):
        tokenizer.save(target)
    monkeypatch.setattr(Tokenizer, "to_json", lambda self: json.dumps(object()))
    with pytest.raises(TypeError):
        tokenizer.save(target, overwrite=True)
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["tokenizer.json"]


def test_unfitted_round_trip():
    tokenizer = Tokenizer(num_words=100)
    recovered = tokenizer_from_json(tokenizer.to_json())
    assert recovered.get_config() == tokenizer.get_config()


def test_edited_word_index_is_seen(path):
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(CATS)
    assert tokenizer.texts_to_sequences(["cat zebra"]) == [[4]]
    tokenizer.word_index["zebra"] = 42  # legacy code sometimes edits it in place
    assert tokenizer.texts_to_sequences(["cat zebra"]) == [[4, 42]]
    tokenizer.word_index = {"zebra": 7}  # or replaces it
    assert tokenizer.texts_to_sequences(["cat zebra"]) == [[7]]


# Bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (None, r"texts\[2\] is NoneType"),
        (b"x", r"texts\[2\] is bytes .*Decode"),
        (float("nan"), r"texts\[2\] is float \(nan\).*fillna"),
        (7, r"texts\[2\] is int \(7\), expected a str \(or a list of str tokens\)"),
        (("a", "b"), r"texts\[2\] is tuple"),
        (["a", None], r"texts\[2\]\[1\] is NoneType"),
    ],
)
def test_non_text_elements(path, value, match):
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(CATS)
    before = tokenizer.to_json()
    with pytest.raises(TypeError, match=match):
        tokenizer.fit_on_texts(["a b", "c", value, "d"])
    assert tokenizer.to_json() == before  # a failed fit changes nothing
    with pytest.raises(TypeError, match=match):
        tokenizer.texts_to_sequences(["a b", "c", value])


def test_pandas_column_with_missing_values(path):
    pandas = pytest.importorskip("pandas")
    column = pandas.Series(["good film", None, "bad film"], dtype=object)
    with pytest.raises(TypeError, match=r"texts\[1\] is NoneType"):
        Tokenizer().fit_on_texts(column)
    column = pandas.Series(["good film", None, "bad film"])  # pandas 3 makes None NaN
    with pytest.raises(TypeError, match=r"texts\[1\] is float \(nan\).*fillna"):
        Tokenizer().fit_on_texts(column)


def test_a_single_string_is_refused():
    with pytest.raises(TypeError, match=r"not a single str: wrap it in a list"):
        Tokenizer().fit_on_texts("the cat sat")
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(CATS)
    with pytest.raises(TypeError, match=r"not a single str"):
        tokenizer.texts_to_sequences("the cat")


def test_convert_before_fit():
    with pytest.raises(ValueError, match=r"no vocabulary yet: call fit_on_texts"):
        Tokenizer().texts_to_sequences(["a"])
    with pytest.raises(ValueError, match=r"Specify a dimension"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match=r"before using tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")


def test_oov_token_set_after_fit():
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(CATS)
    tokenizer.oov_token = "<unk>"
    with pytest.raises(ValueError, match=r"oov_token='<unk>' has no id in word_index"):
        tokenizer.texts_to_sequences(["cat zebra"])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"num_words": -1}, ValueError, r"`num_words` must be a non-negative integer or None"),
        ({"num_words": 2.5}, ValueError, r"Received: num_words=2.5"),
        ({"split": ""}, ValueError, r"`split` must be a non-empty str"),
        ({"lower": "yes"}, TypeError, r"`lower` must be True or False"),
        ({"oov_token": 1}, TypeError, r"`oov_token` must be a str or None"),
        ({"analyzer": "split"}, TypeError, r"`analyzer` must be a function"),
        ({"document_count": -2}, ValueError, r"`document_count` must be a non-negative"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Tokenizer(**kwargs)


def test_positional_arguments_after_num_words_are_refused():
    with pytest.raises(TypeError):
        Tokenizer(10, "!?")  # type: ignore[misc]


def test_bad_sequences_for_matrix():
    tokenizer = Tokenizer(num_words=5)
    with pytest.raises(ValueError, match=r"`mode` must be one of"):
        tokenizer.sequences_to_matrix([[1]], mode="onehot")
    with pytest.raises(ValueError, match=r"ids of 0 or more; found -1"):
        tokenizer.sequences_to_matrix([[1, -1]])
    with pytest.raises(TypeError, match=r"integer ids; found float64"):
        tokenizer.sequences_to_matrix([[1.5]])
    np.testing.assert_array_equal(tokenizer.sequences_to_matrix([]), np.zeros((0, 5)))
    np.testing.assert_array_equal(
        tokenizer.sequences_to_matrix(np.array([[0, 1, 9]]), mode="count"), [[1, 1, 0, 0, 0]]
    )


def test_the_fast_path_loads_no_jit_runtime():
    # The kernel is compiled: tokenizing must not pull in numba (about 130 MiB resident).
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kembed.text import Tokenizer\n"
        "t = Tokenizer(); t.fit_on_texts(iter(['a b'] * 10_000)); t.texts_to_sequences(['a'])\n"
        "print(t._lookup is not None, 'numba' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["True", "False"], result.stderr


def test_empty_token_list_document(path):
    # Regression: a batch with no segment at all left the fast path's offsets unset.
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts([[]])
    assert tokenizer.texts_to_sequences([[]]) == [[]]
    assert tokenizer.texts_to_sequences([[], ["a"]]) == [[], []]
