"""read_lines: streamed lines, only "\\n" ends one, compressed files, clear decode errors."""

from __future__ import annotations

import bz2
import gzip
import lzma

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from kembed.errors import CorpusError
from kembed.text import read_lines
from tests.conftest import shared_data


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".txt", bytes), (".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)],
)
def test_plain_and_compressed(tmp_path, suffix, compress):
    path = tmp_path / f"corpus{suffix}"
    path.write_bytes(compress(b"first line\r\nsecond\x0bline\n\nlast, no newline"))
    assert list(read_lines(path)) == ["first line", "second\x0bline", "", "last, no newline"]


def test_latin1_and_nel(tmp_path):
    path = tmp_path / "mr.txt"
    path.write_bytes(b"caf\xe9\x85 ok\nnext\n")
    assert list(read_lines(path, encoding="latin-1")) == ["caf\xe9\x85 ok", "next"]


def test_skip_prefix(tmp_path):
    path = tmp_path / "wiki.txt"
    path.write_text('<doc id="1">\nTitle\n\nText.\n</doc>\n', encoding="utf-8")
    assert list(read_lines(path, skip_prefix="<")) == ["Title", "", "Text."]


def test_is_lazy(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_bytes(b"ok\n\xff bad\n")
    lines = read_lines(path)
    assert next(lines) == "ok"  # nothing read beyond what was asked
    with pytest.raises(
        CorpusError,
        match=r"corpus.txt, line 2: not valid utf-8: byte 0xff at "
        r"column 1. Pass the file's encoding",
    ):
        next(lines)


def test_bad_encoding_arguments(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_bytes(b"x\n")
    with pytest.raises(ValueError, match=r"Unknown encoding: 'klingon'. Use a Python codec name"):
        list(read_lines(path, encoding="klingon"))
    with pytest.raises(ValueError, match=r"`encoding` must keep '\\n' as one byte"):
        list(read_lines(path, encoding="utf-16"))


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)],
)
def test_truncated_or_damaged_compressed_files_name_the_file(tmp_path, suffix, compress):
    data = compress(b"the cat sat on the mat\n" * 2_000)
    path = tmp_path / f"corpus.txt{suffix}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        CorpusError, match=rf"corpus.txt{suffix}: the compressed file is truncated"
    ):
        list(read_lines(path))
    damaged = bytearray(data)
    damaged[20:60] = bytes(b ^ 0x55 for b in damaged[20:60])
    path.write_bytes(bytes(damaged))
    with pytest.raises(CorpusError, match=rf"corpus.txt{suffix}: the compressed data is damaged"):
        list(read_lines(path))


@pytest.mark.parametrize(
    ("data", "looks"),
    [
        ("the cat\nsat\n".encode("utf-16"), "UTF-16 text"),
        (gzip.compress(b"the cat\n"), "gzip-compressed"),
        (b"\x00" * 100, "binary data"),
        (b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n", "an HTML or XML page"),
    ],
)
def test_a_file_that_is_no_text_is_refused_by_name(tmp_path, data, looks):
    path = tmp_path / "corpus.txt"
    path.write_bytes(data)
    with pytest.raises(
        CorpusError, match=rf"corpus.txt: this is not a text file: it looks like {looks}"
    ):
        list(read_lines(path))


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        list(read_lines(tmp_path / "nope.txt"))


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n")).map(
            lambda t: t.rstrip("\r")
        ),
        max_size=10,
    ),
    crlf=st.booleans(),
    final_newline=st.booleans(),
)
def test_lines_round_trip(tmp_path_factory, lines, crlf, final_newline):
    path = tmp_path_factory.mktemp("lines") / "x.txt"
    ending = "\r\n" if crlf else "\n"
    text = ending.join(lines) + (ending if final_newline and lines else "")
    path.write_bytes(text.encode("utf-8"))
    expected = lines if text else []
    if lines and not final_newline and lines[-1] == "":
        expected = lines[:-1]  # an empty last line without its newline is no line
    assert list(read_lines(path)) == expected


@pytest.mark.slow
def test_mr_has_5331_lines_per_file():
    folder = shared_data("mr")
    for name in ("rt-polarity.pos", "rt-polarity.neg"):
        assert sum(1 for _ in read_lines(folder / name, encoding="latin-1")) == 5331
