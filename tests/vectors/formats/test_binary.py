"""word2vec binary files: gensim's own test files as the oracle, round trips, newlines
inside vectors, truncated files."""

from __future__ import annotations

import numpy as np
import pytest

from kembed.errors import VectorFormatError
from kembed.vectors.formats.binary import read_binary, write_binary
from kembed.vectors.options import ReadOptions


def test_round_trip_with_newline_bytes_inside_vectors(tmp_path):
    # 10.0 is 0x41200000 little-endian: "\x00\x00\x20\x41"; 1.5e-44 holds "\x0a".
    matrix = np.array([[10.0, np.float32(1.4e-44)], [-0.0, 3.25]], dtype=np.float32)
    assert b"\n" in matrix.tobytes()
    path = tmp_path / "v.bin"
    with open(path, "wb") as f:
        write_binary(f, ["a\u00e9", "c"], matrix)
    words, loaded, _index, _report = read_binary(path)
    assert words == ["a\u00e9", "c"]
    np.testing.assert_array_equal(loaded, matrix)


def test_records_without_newlines(tmp_path):
    body = b"".join(w + b" " + np.float32([i, -i]).tobytes() for i, w in enumerate([b"x", b"y"]))
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 2\n" + body)
    words, matrix, _index, _ = read_binary(path)
    assert words == ["x", "y"]
    np.testing.assert_array_equal(matrix, [[0, 0], [1, -1]])


def test_truncated_record(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 2\nx " + np.float32([1, 2]).tobytes() + b"\ny " + b"\x00\x00")
    with pytest.raises(VectorFormatError, match=r"record 2 is truncated"):
        read_binary(path)


def test_header_count_and_limit(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"3 1\nx " + np.float32([1]).tobytes() + b"\n")
    with pytest.raises(VectorFormatError, match=r"header says 3 vectors"):
        read_binary(path)
    assert read_binary(path, ReadOptions(errors="skip"))[0] == ["x"]
    path.write_bytes(b"2 1\nx " + np.float32([1]).tobytes() + b"\ny " + np.float32([2]).tobytes())
    words, _, _index, report = read_binary(path, limit=1)
    assert words == ["x"] and report.skipped == {"past limit": 1}


def test_nan_records(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(
        b"2 1\nx " + np.float32([np.nan]).tobytes() + b"\ny " + np.float32([2]).tobytes()
    )
    with pytest.raises(VectorFormatError, match=r"record 1 \('x'\) holds NaN"):
        read_binary(path)
    assert read_binary(path, ReadOptions(errors="skip"))[0] == ["y"]


def test_missing_header(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"x " + np.float32([1]).tobytes())
    with pytest.raises(VectorFormatError, match=r"line 1: expected a header"):
        read_binary(path)
