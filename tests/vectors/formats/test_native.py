"""kembed's native folder: round trip, memory mapping, damage detected."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed.errors import OutputError, VectorFormatError
from kembed.vectors.formats.native import is_own_folder, read_native, save_array, write_native


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
    write_native(folder, ["a"], np.ones((1, 2), np.float32), overwrite=True)
    assert read_native(folder)[0] == ["a"]
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_an_existing_kembed_folder_needs_overwrite(folder):
    with pytest.raises(OutputError, match=r"v.kembed: exists \(a kembed folder\). Pass overwrite"):
        write_native(folder, ["a"], np.ones((1, 2), np.float32))
    assert read_native(folder)[0] == ["the", "caf\udce9", "new york"]


def test_a_folder_kembed_did_not_write_is_never_deleted(tmp_path):
    # The hostile test's case: `kembed train word2vec corp -o corp` deleted the corpus.
    corpus = tmp_path / "corp"
    corpus.mkdir()
    (corpus / "a.txt").write_text("the cat sat\n", encoding="utf-8")
    for overwrite in (False, True):
        with pytest.raises(OutputError, match=r"corp: is a folder that kembed did not write"):
            write_native(corpus, ["a"], np.ones((1, 2), np.float32), overwrite=overwrite)
    assert [p.name for p in tmp_path.iterdir()] == ["corp"]
    assert (corpus / "a.txt").read_text(encoding="utf-8") == "the cat sat\n"


def test_a_kembed_folder_holding_the_users_files_is_not_kembeds_to_replace(folder):
    (folder / "notes.md").write_text("mine", encoding="utf-8")
    assert not is_own_folder(folder)
    with pytest.raises(OutputError, match=r"is a folder that kembed did not write"):
        write_native(folder, ["a"], np.ones((1, 2), np.float32), overwrite=True)
    assert (folder / "notes.md").exists() and read_native(folder)[0][0] == "the"


def test_a_file_is_replaced_by_a_folder_only_with_overwrite(tmp_path):
    path = tmp_path / "v"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match=r"v: exists. Pass overwrite=True"):
        write_native(path, ["a"], np.ones((1, 2), np.float32))
    write_native(path, ["a"], np.ones((1, 2), np.float32), overwrite=True)
    assert read_native(path)[0] == ["a"]


def test_the_folder_follows_the_umask(tmp_path):
    previous = os.umask(0o022)
    try:
        write_native(tmp_path / "v", ["a"], np.ones((1, 2), np.float32))
    finally:
        os.umask(previous)
    assert (tmp_path / "v").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "v" / "vectors.npy").stat().st_mode & 0o777 == 0o644


_REWRITE = """
import os, time
import numpy as np
from kembed.vectors.formats import native

def stall(*args):
    print("written", flush=True)
    time.sleep(60)

real_replace = os.replace

def stall_replace(src, dst):
    if dst == {folder!r}:
        stall()
    real_replace(src, dst)

{patch}
native.write_native({folder!r}, ["new"], np.ones((1, 2), np.float32), overwrite=True)
"""


def _killed_rewrite(folder, patch: str) -> None:
    """Rewrites `folder` in a subprocess that `patch` stalls (it prints "written" first),
    and kills it there with SIGKILL."""
    code = _REWRITE.format(patch=patch, folder=str(folder))
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as p:
        try:
            assert p.stdout.readline() == "written\n"
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=60)


def test_a_rewrite_killed_before_the_swap_keeps_the_old_folder(folder):
    _killed_rewrite(folder, "native.exchange = stall")
    assert read_native(folder, verify=True)[0] == ["the", "caf\udce9", "new york"]
    write_native(folder, ["newer"], np.ones((1, 2), np.float32), overwrite=True)
    assert read_native(folder)[0] == ["newer"]
    assert [p.name for p in folder.parent.iterdir()] == ["v.kembed"]  # leftovers swept


def test_without_an_atomic_swap_a_killed_rewrite_keeps_the_old_folder_aside(folder):
    patch = "native.exchange = lambda a, b: False\nos.replace = stall_replace"
    _killed_rewrite(folder, patch)
    kept = [p for p in folder.parent.iterdir() if p.name.endswith(".old")]
    assert not folder.exists() and len(kept) == 1  # the old content, or nothing, never a mix
    assert read_native(kept[0] / "x", verify=True)[0] == ["the", "caf\udce9", "new york"]
    write_native(folder, ["newer"], np.ones((1, 2), np.float32))
    assert kept[0].exists()  # never swept: it holds the user's old vectors


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


@settings(max_examples=30, deadline=None)
@given(
    rows=st.sampled_from([0, 1, 7, 5243, 5300]),  # 5243 x 100 float32: three 1 MiB pieces
    dtype=st.sampled_from(["<f4", "<i8", "<u4"]),
    transposed=st.booleans(),
)
def test_save_array_writes_np_saves_bytes(tmp_path_factory, rows, dtype, transposed):
    import io

    array = np.arange(rows * 100, dtype=dtype).reshape(rows, 100)
    array = array.T if transposed else array  # not C-contiguous
    path = str(tmp_path_factory.mktemp("save") / "a.npy")
    save_array(path, array)
    expected = io.BytesIO()  # np.save's bytes, in C order (it keeps a transpose's order)
    np.save(expected, np.ascontiguousarray(array), allow_pickle=False)
    with open(path, "rb") as f:
        assert f.read() == expected.getvalue()
    np.testing.assert_array_equal(np.load(path, mmap_mode="r"), array)
