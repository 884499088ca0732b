"""kembed's native folder: round trip, memory mapping, damage detected."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kembed.errors import VectorFormatError
from kembed.vectors.formats.native import read_native, write_native


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "v.kembed"
    words = ["the", "caf\udce9", "new york"]
    write_native(path, words, np.arange(6, dtype=np.float32).reshape(3, 2), extra={"source": "x"})
    return path


def test_round_trip_memory_mapped(folder):
    words, matrix, norms, header = read_native(folder, verify=True)
    assert words == ["the", "caf\udce9", "new york"]
    assert isinstance(matrix, np.memmap) and not matrix.flags.writeable
    np.testing.assert_array_equal(matrix, np.arange(6).reshape(3, 2))
    np.testing.assert_allclose(norms, np.linalg.norm(matrix, axis=1))
    assert header["shape"] == [3, 2] and header["source"] == "x"


def test_rewrite_replaces_atomically(folder):
    write_native(folder, ["a"], np.ones((1, 2), np.float32))
    assert read_native(folder)[0] == ["a"]
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda f: (f / "vectors.npy").write_bytes(b"x"), "wrong size"),
        (lambda f: (f / "vocab.txt").unlink(), "missing"),
        (lambda f: (f / "vocab.txt").write_bytes(b"thE\ncaf\xe9\nnew york\n"), "checksum"),
        (lambda f: (f / "header.json").write_text("{", encoding="utf-8"), "cannot read"),
        (
            lambda f: (f / "header.json").write_text(
                json.dumps({"format": "kembed-vectors", "version": 99}), encoding="utf-8"
            ),
            "version 99",
        ),
    ],
    ids=["truncated", "missing", "checksum", "bad-json", "version"],
)
def test_damage_is_detected(folder, damage, message):
    damage(folder)
    with pytest.raises(VectorFormatError, match=message):
        read_native(folder)


def test_full_verify_catches_a_flipped_byte(folder):
    data = bytearray((folder / "vectors.npy").read_bytes())
    data[-1] ^= 1
    (folder / "vectors.npy").write_bytes(bytes(data))
    read_native(folder)  # sizes and vocabulary still agree
    with pytest.raises(VectorFormatError, match="checksum"):
        read_native(folder, verify=True)


def test_refuses_words_with_newlines(tmp_path):
    with pytest.raises(ValueError, match="line breaks"):
        write_native(tmp_path / "x", ["a\nb"], np.ones((1, 1), np.float32))
    assert list(tmp_path.iterdir()) == []
