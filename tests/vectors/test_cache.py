"""The cache of converted vector files: an entry is used only for the very file it was made
from, a cache that cannot be written only warns, and entries are listed and cleared."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from kembed.errors import CacheWarning, VectorFormatError
from kembed.vectors import Vectors, cache

TEXT = b"the 0.5 -1\ncat 2 3.25\n"


def test_a_file_edited_in_place_with_its_size_and_mtime_restored_is_read_again(tmp_path):
    # The hostile test's case: same size, `touch -r` to restore the modification time.
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    assert Vectors.load(path)["cat"].tolist() == [2, 3.25]
    stat = os.stat(path)
    with open(path, "r+b") as f:  # in place: same inode, same size
        f.seek(TEXT.index(b"2 3.25"))
        f.write(b"7")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(path).st_size == stat.st_size and os.stat(path).st_mtime_ns == stat.st_mtime_ns
    again = Vectors.load(path)
    assert not again.report.from_cache and again["cat"].tolist() == [7, 3.25]


def test_a_replaced_file_is_read_again(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    Vectors.load(path)
    other = tmp_path / "w.txt"
    other.write_bytes(TEXT.replace(b"cat 2", b"cat 9"))
    os.utime(other, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns))
    os.replace(other, path)  # a new inode under the same name
    assert Vectors.load(path)["cat"][0] == 9


def test_what_is_checked_on_open(tmp_path, private_cache):
    """README: every open checks the header, each file's size and the vocabulary's
    SHA-256; the matrix's SHA-256 only with verify=True."""
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    Vectors.load(path)
    cache.wait()
    entry = next((private_cache / "vectors").iterdir())
    matrix = entry / "vectors.npy"
    data = bytearray(matrix.read_bytes())
    data[-1] ^= 0x01  # a bit flip of the same size
    matrix.write_bytes(bytes(data))
    assert Vectors.load(path).report.from_cache  # not detected without verify
    fresh = Vectors.load(path, verify=True)  # detected: the entry is rebuilt
    assert not fresh.report.from_cache and fresh["cat"].tolist() == [2, 3.25]
    assert Vectors.load(path, verify=True).report.from_cache


def test_a_cache_that_cannot_be_written_warns_once_and_loads(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("KEMBED_CACHE", str(blocker / "cache"))  # a folder under a file
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    with pytest.warns(CacheWarning, match=r"cannot be written.*Set KEMBED_CACHE") as caught:
        vectors = Vectors.load(path)
    assert len(caught) == 1
    assert vectors.index_to_key == ["the", "cat"] and not vectors.report.from_cache


def test_one_entry_serves_every_policy_when_nothing_was_skipped(tmp_path, private_cache):
    # The hostile test's case: options such as errors= each added a full copy.
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    Vectors.load(path)
    for options in ({"errors": "skip"}, {"duplicates": "last"}, {"duplicates": "error"}):
        assert Vectors.load(path, **options).report.from_cache, options
    assert len(cache.entries()) == 1
    bad = tmp_path / "bad.txt"
    bad.write_bytes(TEXT + b"dog 1\n")  # a line to skip: that load gets its own entry
    assert Vectors.load(bad, errors="skip").report.skipped == {"too few fields": 1}
    assert Vectors.load(bad, errors="skip").report.from_cache
    with pytest.raises(VectorFormatError, match="line 3"):
        Vectors.load(bad)  # never served by the entry that skipped a line
    assert len(cache.entries()) == 2


def test_entries_list_and_clear_only_kembeds_folders(tmp_path, private_cache):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT)
    Vectors.load(path)
    other = tmp_path / "w.txt"
    other.write_bytes(TEXT + b"dog 1\n")
    Vectors.load(other, errors="skip")
    stranger = private_cache / "vectors" / "not-ours"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("x", encoding="utf-8")
    found = cache.entries()
    assert sorted(e.source for e in found) == sorted([str(path.resolve()), str(other.resolve())])
    assert {e.options["errors"] for e in found} == {"raise", "skip"}
    assert all(e.bytes > 0 and not e.stale for e in found)

    path.write_bytes(TEXT + b"cat 1 1\n")  # a changed file: its entry is stale now
    assert [e.stale for e in cache.entries() if e.source == str(path.resolve())] == [True]
    assert len(cache.clear(stale_only=True)) == 1
    assert [e.source for e in cache.entries()] == [str(other.resolve())]
    assert len(cache.clear()) == 1 and cache.entries() == []
    assert (stranger / "keep.txt").exists()
    np.testing.assert_array_equal(Vectors.load(other, errors="skip")["cat"], [2, 3.25])


def test_a_process_that_loads_and_exits_leaves_a_whole_entry(tmp_path, private_cache):
    path = tmp_path / "v.txt"
    path.write_bytes(TEXT * 1)
    code = f"from kembed import Vectors; Vectors.load({str(path)!r})"
    env = {**os.environ, "KEMBED_CACHE": str(private_cache)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=300)
    assert [e.source for e in cache.entries()] == [str(path.resolve())]
    assert Vectors.load(path, verify=True).report.from_cache


def test_loads_while_the_entry_is_written_wait_for_it(tmp_path):
    path = tmp_path / "v.txt"
    path.write_bytes(b"".join(b"w%d 1 2 3\n" % i for i in range(20_000)))
    first = Vectors.load(path)
    second = Vectors.load(path)  # waits for the first load's write, then maps it
    assert not first.report.from_cache and second.report.from_cache
    np.testing.assert_array_equal(first.vectors, second.vectors)
