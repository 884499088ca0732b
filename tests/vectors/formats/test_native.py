"""kembed's native folder: round trip, memory mapping, damage detected."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_refuses_words_with_newlines_or_lone_surrogates(tmp_path):
    with pytest.raises(ValueError, match="line breaks"):
        write_native(tmp_path / "x", ["a\nb"], np.ones((1, 1), np.float32))
    with pytest.raises(ValueError, match=r"'\\ud800' holds a lone surrogate"):
        write_native(tmp_path / "x", ["\ud800"], np.ones((1, 1), np.float32))
    assert list(tmp_path.iterdir()) == []


# --- reading only some words through the word index --------------------------------------


def _scan(words, wanted):
    """The reference: every word of the vocabulary checked, in file order."""
    return [(i, w) for i, w in enumerate(words) if w in set(wanted)]


def test_wanted_words_are_read_through_the_index(folder):
    words, matrix, norms, _ = read_native(
        folder, wanted=["new york", "caf\udce9", "zzz", "\ud800"]
    )

    assert words == ["caf\udce9", "new york"]  # file order; unknown words and lone surrogates
    np.testing.assert_array_equal(matrix, [[2, 3], [4, 5]])
    np.testing.assert_allclose(norms, np.linalg.norm(matrix, axis=1))
    assert not isinstance(matrix, np.memmap)


def test_a_crc32_collision_never_returns_the_wrong_row(tmp_path):
    # crc32(b"w29685295") == crc32(b"w32060020")
    vocabulary = ["w32060020", "a", "w29685295"]
    write_native(tmp_path / "v", vocabulary, np.arange(3, dtype=np.float32)[:, None])

    for word, row in (("w29685295", 2), ("w32060020", 0)):
        words, matrix, _, _ = read_native(tmp_path / "v", wanted=[word])
        assert words == [word] and matrix[0, 0] == row


def test_a_folder_without_the_index_is_read_by_scanning(folder):
    header = json.loads((folder / "header.json").read_text(encoding="utf-8"))
    for name in ("word_hashes.npy", "word_rows.npy"):
        (folder / name).unlink()
        del header["sizes"][name], header["sha256"][name]
    (folder / "header.json").write_text(json.dumps(header), encoding="utf-8")

    assert read_native(folder, wanted=["the", "new york"])[0] == ["the", "new york"]


def test_a_damaged_index_is_detected(folder):
    (folder / "word_rows.npy").write_bytes(b"x")
    with pytest.raises(VectorFormatError, match="wrong size"):
        read_native(folder, wanted=["the"])


@settings(max_examples=100, deadline=None)
@given(
    vocabulary=st.lists(
        st.text(
            st.characters(blacklist_characters="\n\r", blacklist_categories=["Cs"]), max_size=5
        ),
        unique=True,
    ),
    extra=st.lists(st.text(max_size=5)),
    data=st.data(),
)
def test_wanted_words_match_a_scan(tmp_path_factory, vocabulary, extra, data):
    wanted = data.draw(st.lists(st.sampled_from(vocabulary))) if vocabulary else []
    path = tmp_path_factory.mktemp("v") / "v"
    matrix = np.arange(len(vocabulary), dtype=np.float32)[:, None]
    write_native(path, vocabulary, matrix)

    words, rows, _, _ = read_native(path, wanted=wanted + extra)

    expected = _scan(vocabulary, wanted + extra)
    assert words == [w for _, w in expected]
    np.testing.assert_array_equal(rows[:, 0], [i for i, _ in expected])
