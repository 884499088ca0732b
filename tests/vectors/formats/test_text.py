"""GloVe and word2vec text files: every quirk of real files, each with a small file that
reproduces it, the error messages, and the real GloVe 50d file against its source."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kembed.errors import VectorFormatError
from kembed.vectors.formats.text import read_text
from kembed.vectors.options import ReadOptions


def write(tmp_path, data: bytes, name="v.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_plain_glove(tmp_path):
    words, matrix, index, report = read_text(write(tmp_path, b"the 0.1 0.2\ncat -1 2.5e-1\n"))
    assert index is None  # no word repeats: `Vectors` builds the index on first use
    assert words == ["the", "cat"]
    np.testing.assert_array_equal(matrix, np.float32([[0.1, 0.2], [-1, 0.25]]))
    assert (report.lines_read, report.vectors_kept, report.skipped) == (2, 2, {})


def test_word2vec_header(tmp_path):
    words, matrix, _index, report = read_text(write(tmp_path, b"2 3\na 1 2 3\nb 4 5 6\n"))
    assert words == ["a", "b"] and matrix.shape == (2, 3)
    assert report.format == "word2vec" and report.header_count == 2


@pytest.mark.parametrize(
    "line, word",
    [
        (b"new york 1 2\n", "new york"),
        ("caf\u00e9\u00a0bar 1 2\n".encode(), "caf\u00e9\u00a0bar"),  # U+00A0 inside
        (b". . . 1 2\n", ". . ."),
        (b"  1 2\n", " "),  # the word is one space
    ],
)
def test_words_with_spaces(tmp_path, line, word):
    words, matrix, _index, _ = read_text(write(tmp_path, b"the 0 0\n" + line), ReadOptions(dim=2))
    assert words == ["the", word]
    np.testing.assert_array_equal(matrix[1], [1, 2])


@pytest.mark.parametrize(
    "data",
    [
        b"a 1 2\r\nb 3 4\r\n",  # CRLF
        b"\xef\xbb\xbfa 1 2\nb 3 4\n",  # UTF-8 BOM
        b"a 1 2   \nb 3 4 \n",  # trailing spaces
        b"a 1 2\nb 3 4",  # no final newline
        b"a  1   2\nb 3 4\n",  # runs of spaces between numbers
    ],
    ids=["crlf", "bom", "trailing-spaces", "no-final-newline", "space-runs"],
)
def test_layout_quirks(tmp_path, data):
    words, matrix, _index, report = read_text(write(tmp_path, data))
    assert words == ["a", "b"]
    np.testing.assert_array_equal(matrix, [[1, 2], [3, 4]])
    assert report.skipped == {}


@pytest.mark.parametrize("policy, expected", [("first", [1, 2]), ("last", [5, 6])])
def test_duplicates(tmp_path, policy, expected):
    path = write(tmp_path, b"a 1 2\nb 3 4\na 5 6\n")
    words, matrix, index, report = read_text(path, ReadOptions(duplicates=policy))
    assert sorted(words) == ["a", "b"] and index == {w: i for i, w in enumerate(words)}
    np.testing.assert_array_equal(matrix[words.index("a")], expected)
    assert report.skipped == {"duplicate word": 1}


def test_duplicates_error_names_both_lines(tmp_path):
    path = write(tmp_path, b"a 1 2\nb 3 4\na 5 6\n")
    with pytest.raises(VectorFormatError, match=r"line 3: the word 'a' was already on line 1"):
        read_text(path, ReadOptions(duplicates="error"))


def test_invalid_utf8_is_kept_losslessly(tmp_path):
    path = write(tmp_path, b"caf\xe9 1 2\nok 3 4\n")
    words, _, _index, report = read_text(path)
    assert words[0].encode("utf-8", "surrogateescape") == b"caf\xe9"
    assert report.invalid_utf8 == 1


def test_empty_word(tmp_path):
    path = write(tmp_path, b"a 1 2\n 3 4\n")
    with pytest.raises(VectorFormatError, match=r"line 2: expected a word and 2 numbers"):
        read_text(path)
    words, _, _index, report = read_text(path, ReadOptions(errors="skip"))
    assert words == ["a"] and report.skipped == {"empty word": 1}


def test_truncated_last_line(tmp_path):
    path = write(tmp_path, b"a 1 2 3\nb 4 5 6\nc 7")
    with pytest.raises(VectorFormatError, match=r"v.txt, line 3: .*too few fields.*'c 7'"):
        read_text(path)
    words, _, _index, report = read_text(path, ReadOptions(errors="skip"))
    assert words == ["a", "b"] and report.skipped == {"too few fields": 1}


@pytest.mark.parametrize("value", [b"nan", b"inf", b"-Infinity", b"1e999"])
def test_nan_and_inf(tmp_path, value):
    path = write(tmp_path, b"a 1 2\nb 3 " + value + b"\nc 5 6\n")
    with pytest.raises(VectorFormatError, match=r"line 2: .*NaN, infinity or a number beyond"):
        read_text(path)
    words, _, _index, report = read_text(path, ReadOptions(errors="skip"))
    assert words == ["a", "c"] and report.skipped == {"nan or inf": 1}


def test_garbage_number(tmp_path):
    path = write(tmp_path, b"a 1 2\nb 3 x4\n")
    with pytest.raises(VectorFormatError, match=r"line 2: .*b'x4' is not a number"):
        read_text(path)
    assert read_text(path, ReadOptions(errors="skip"))[3].skipped == {"bad number": 1}


@pytest.mark.parametrize("data, found", [(b"3 2\na 1 2\nb 3 4\n", 2), (b"1 2\na 1 2\nb 3 4\n", 2)])
def test_header_count_disagrees(tmp_path, data, found):
    path = write(tmp_path, data)
    with pytest.raises(VectorFormatError, match=rf"line 1: the header says .* holds {found}"):
        read_text(path)
    words, _, _index, report = read_text(path, ReadOptions(errors="skip"))
    assert words == ["a", "b"] and report.skipped == {"header count mismatch": 1}


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path, data):
    with pytest.raises(VectorFormatError, match="holds no vectors"):
        read_text(write(tmp_path, data))


def test_blank_lines_are_counted(tmp_path):
    _, _, _index, report = read_text(write(tmp_path, b"a 1 2\n\nb 3 4\n\n"))
    assert report.skipped == {"blank line": 2}


def test_vocab_and_limit(tmp_path):
    path = write(tmp_path, b"a 1 2\nb 3 4\nc 5 6\nd 7 8\n")
    words, matrix, _index, report = read_text(path, vocab={"c", "a", "zzz"})
    assert words == ["a", "c"] and report.skipped == {"not in vocab": 2}
    np.testing.assert_array_equal(matrix, [[1, 2], [5, 6]])
    words, _, _index, report = read_text(path, limit=2)
    assert words == ["a", "b"] and report.skipped == {"past limit": 2}


def test_vocab_finds_words_with_spaces(tmp_path):
    path = write(tmp_path, b"a 1 2\nnew york 3 4\n")
    assert read_text(path, ReadOptions(dim=2), vocab={"new york"})[0] == ["new york"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(
        st.text(st.sampled_from("ab y\u00e9"), min_size=1, max_size=6).map(str.strip).filter(bool),
        min_size=1,
        max_size=40,
        unique=True,
    ),
    dim=st.sampled_from([1, 3, 30]),
    picks=st.lists(st.integers(0, 39), max_size=20),
    crlf=st.booleans(),
)
def test_a_vocab_load_is_the_full_load_filtered(tmp_path, words, dim, picks, crlf):
    """Lines of 30 numbers run over several 64-byte strides; words may hold spaces (then
    an unwanted first field may hide a wanted word) and the wanted set may or may not."""
    matrix = np.arange(len(words) * dim, dtype=np.float32).reshape(len(words), dim) / 7
    end = "\r\n" if crlf else "\n"
    text = "".join(
        w + " " + " ".join(f"{x:.6f}" for x in row) + end
        for w, row in zip(words, matrix, strict=True)
    )
    path = write(tmp_path, text.encode("utf-8"))
    full, loaded, _, _ = read_text(path, ReadOptions(dim=dim))
    wanted = {words[i % len(words)] for i in picks} | {"not there"}
    ours, subset, _, report = read_text(path, ReadOptions(dim=dim), vocab=wanted)
    keep = [i for i, w in enumerate(full) if w in wanted]
    assert ours == [full[i] for i in keep]
    np.testing.assert_array_equal(subset, loaded[keep])
    assert report.skipped.get("not in vocab", 0) == len(words) - len(keep)


def test_a_file_that_cannot_be_mapped_is_streamed(tmp_path, monkeypatch):
    from kembed.vectors.formats import streams

    path = write(tmp_path, b"a 1 2\nb 3 4")
    mapped = read_text(path)

    def refuse(path):
        raise OSError("mmap: no such device")

    monkeypatch.setattr(streams, "MappedFile", refuse)
    streamed = read_text(path)
    assert streamed[0] == mapped[0] == ["a", "b"]
    np.testing.assert_array_equal(streamed[1], mapped[1])


@pytest.mark.parametrize("kind", ["plain", "gz"])  # memory-mapped views, streamed copies
def test_many_blocks(tmp_path, monkeypatch, kind):
    import gzip

    from kembed.vectors.formats import streams

    monkeypatch.setattr(streams, "BLOCK", 64)
    pack = gzip.compress if kind == "gz" else bytes
    names = [f"w{i}" for i in range(500)]
    names[7] = "w7" + "_" * 100  # a line longer than a block
    lines = [f"{w} {i} {-i}.5\n".encode() for i, w in enumerate(names)]
    path = write(tmp_path, pack(b"".join(lines)), name=f"v.{kind}")
    words, matrix, _index, _ = read_text(path)
    assert words == names
    np.testing.assert_array_equal(matrix[:, 0], np.arange(500))
    assert read_text(path, vocab={"w3", "w499", names[7]})[0] == ["w3", names[7], "w499"]
    assert read_text(path, limit=9)[0] == names[:9]
    bad = write(tmp_path, pack(b"".join(lines[:300] + [b"bad 1\n"] + lines[300:])))
    with pytest.raises(VectorFormatError, match="line 301"):
        read_text(bad)


@pytest.mark.slow
def test_real_glove_file_is_exact(glove_file, glove_package):
    words, matrix = glove_package
    ours, loaded, _index, report = read_text(glove_file)
    assert ours == words
    # Every value equals Python's float() rounded to float32 (the package's matrix).
    np.testing.assert_array_equal(loaded, matrix)
    assert report.lines_read == report.vectors_kept == 400_000


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.lists(
        st.sampled_from(
            [
                b"a",
                b"b",
                b" ",
                b"1",
                b"-2.5",
                b"e9",
                b"nan",
                b"\n",
                b"\r",
                b"\xc3",
                b"\xa0",
                b"\xef\xbb\xbf",
                b"3 2\n",
            ]
        ),
        max_size=40,
    ).map(b"".join)
)
@example(data=b"a a3 2\n a\ra\n")  # a \r inside a line once sent the parser backwards
@example(data=b"3 2\n a\ra")
@example(data=b"a 1e91")  # beyond float32: reported, without a numpy warning
def test_arbitrary_bytes_load_or_raise_clearly(tmp_path, data):
    path = write(tmp_path, data)
    try:
        words, matrix, index, report = read_text(path, ReadOptions(errors="skip"))
    except VectorFormatError as error:
        assert str(error).startswith(str(path))
        return
    assert len(words) == matrix.shape[0] == len(set(words)) == report.vectors_kept
    assert index is None or index == {w: i for i, w in enumerate(words)}
    assert np.isfinite(matrix).all()
    assert report.lines_read >= report.vectors_kept


def test_many_blocks_with_skipped_lines(tmp_path, monkeypatch):
    from kembed.vectors.formats import streams

    monkeypatch.setattr(streams, "BLOCK", 50)
    lines = [f"w{i} {i} 1\n".encode() if i % 7 else b"bad 1\n\n" for i in range(300)]
    words, matrix, _index, report = read_text(
        write(tmp_path, b"".join(lines) + b"last 5 5"), ReadOptions(errors="skip", dim=2)
    )
    kept = [i for i in range(300) if i % 7]
    assert words == [f"w{i}" for i in kept] + ["last"]
    np.testing.assert_array_equal(matrix[:, 0], kept + [5])
    assert report.skipped == {"too few fields": 43, "blank line": 43}


def test_vocab_with_non_ascii_and_invalid_utf8(tmp_path):
    path = write(tmp_path, "caf\u00e9 1 2\nna\u00efve 3 4\n".encode() + b"x\xff 5 6\nplain 7 8\n")
    words, matrix, _index, _report = read_text(path, vocab={"caf\u00e9", "x\udcff", "nope\nx"})
    assert words == ["caf\u00e9", "x\udcff"]
    np.testing.assert_array_equal(matrix, [[1, 2], [5, 6]])
