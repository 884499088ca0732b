"""kembed._io: output paths checked before the work, atomic writes (the final name holds
the old content or the whole new one, never a part, even when the writer is killed), modes
that follow the umask, and what a file that is no text looks like."""

from __future__ import annotations

import errno
import gzip
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kembed import _io
from kembed._io import atomic_write, check_output, looks_like
from kembed.errors import OutputError


def test_replaces_whole(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with atomic_write(target, mode="wb") as f:
        f.write(b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_failure_keeps_old_and_leaves_nothing(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as f:
        f.write("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_bad_mode(tmp_path):
    with (
        pytest.raises(ValueError, match=r"`mode` must be 'w' or 'wb'"),
        atomic_write(tmp_path / "x", mode="a"),
    ):
        pass


def test_a_full_disk_names_the_users_path_not_the_temporary_one(tmp_path, monkeypatch):
    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "out.txt"
    with (
        pytest.raises(OutputError, match=r"out.txt: cannot write the file: No space left") as e,
        atomic_write(target) as f,
    ):
        f.write("x")
    assert ".tmp" not in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_files_and_folders_follow_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "f.txt") as f:
            f.write("x")
        folder = _io.make_folder(str(tmp_path), "d")
    finally:
        os.umask(previous)
    assert (tmp_path / "f.txt").stat().st_mode & 0o777 == 0o640  # not mkstemp's 0600
    assert os.stat(folder).st_mode & 0o777 == 0o750  # not mkdtemp's 0700
    assert _io.umask() == previous


# --- check_output ----------------------------------------------------------------------


def test_a_new_path_in_an_existing_folder_is_fine(tmp_path):
    assert check_output(tmp_path / "new", overwrite=False) == str(tmp_path / "new")


def test_an_existing_file_needs_overwrite(tmp_path):
    (tmp_path / "a.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"a.txt: exists. Pass overwrite=True \(--overwrite\)"):
        check_output(tmp_path / "a.txt", overwrite=False)
    check_output(tmp_path / "a.txt", overwrite=True)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_is_never_replaced_unless_kembed_owns_it(tmp_path, overwrite):
    (tmp_path / "work").mkdir()
    with pytest.raises(OutputError, match=r"work: is a folder that kembed did not write"):
        check_output(tmp_path / "work", overwrite=overwrite)
    with pytest.raises(OutputError, match=r"is a folder that kembed did not write"):
        check_output(tmp_path / "work", overwrite=overwrite, owned=lambda p: False)
    if overwrite:
        check_output(tmp_path / "work", overwrite=True, owned=lambda p: True)
    else:
        with pytest.raises(OutputError, match=r"exists \(a kembed folder\)"):
            check_output(tmp_path / "work", overwrite=False, owned=lambda p: True)


def test_a_missing_or_read_only_parent_is_refused_before_the_work(tmp_path, monkeypatch):
    with pytest.raises(OutputError, match=r"the folder .*missing does not exist. Create it"):
        check_output(tmp_path / "missing" / "out.txt", overwrite=False)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match=r"file is not a folder"):
        check_output(tmp_path / "file" / "out.txt", overwrite=False)
    # Root may write anywhere, so the read-only case is simulated.
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match=r"is read-only. Choose another path"):
        check_output(tmp_path / "out.txt", overwrite=False)


# --- killed writers ----------------------------------------------------------------------

_KILLED_WRITER = """
import os, sys, time
real_fsync = os.fsync
def stall(fd):
    real_fsync(fd)
    print("written", flush=True)
    time.sleep(60)  # the parent kills us here: data written, not yet renamed
os.fsync = stall
{write}
"""


def _kill_while_writing(write: str) -> None:
    code = textwrap.dedent(_KILLED_WRITER).format(write=textwrap.dedent(write))
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            line = process.stdout.readline()
            assert line == "written\n", process.stderr.read()
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)


_WRITERS = {
    "atomic_write": """
        from kembed._io import atomic_write
        with atomic_write({target!r}) as f:
            f.write("new " * 1_000_000)
    """,
    "Vectors.save": """
        import numpy as np
        from kembed import Vectors
        Vectors(["new"], np.ones((1, 3))).save({target!r}, format="word2vec", overwrite=True)
    """,
    "Tokenizer.save": """
        from kembed import Tokenizer
        tokenizer = Tokenizer()
        tokenizer.fit_on_texts(["new words"])
        tokenizer.save({target!r}, overwrite=True)
    """,
}


@pytest.mark.parametrize("writer", list(_WRITERS))
def test_a_killed_file_write_leaves_the_old_file_and_the_next_write_cleans_up(tmp_path, writer):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    _kill_while_writing(_WRITERS[writer].format(target=str(target)))
    assert target.read_text(encoding="utf-8") == "old"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out.txt"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".out.txt.kembed-")
    with atomic_write(target) as f:
        f.write("newer")
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # the dead writer's file is gone
    assert target.read_text(encoding="utf-8") == "newer"


def test_a_live_writers_temporary_file_is_left_alone(tmp_path):
    live = tmp_path / f".out.txt.kembed-{os.getppid()}-x.tmp"
    live.write_text("someone is writing", encoding="utf-8")
    with atomic_write(tmp_path / "out.txt") as f:
        f.write("x")
    assert live.exists()


# --- what a file looks like ------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (gzip.compress(b"the 1 2\n"), "gzip-compressed"),
        (b"BZh91AY&SY", "bzip2-compressed"),
        (b"\xfd7zXZ\x00\x00", "xz-compressed"),
        (b"PK\x03\x04rest", "a zip archive"),
        ("the 1 2\n".encode("utf-16"), "UTF-16 text"),
        ("the 1 2\ncat 3 4\n".encode("utf-16-le"), "UTF-16 text"),
        ("the 1 2\n".encode("utf-32"), "UTF-32 text"),
        (b"\n  <!DOCTYPE html><html><body>404</body></html>", "an HTML or XML page"),
        (b"<html><head>", "an HTML or XML page"),
        (b"\x00" * 64, "binary data"),
        (b"\x7fELF\x02\x01\x01\x00\x00", "binary data"),
    ],
)
def test_what_a_file_that_is_no_text_looks_like(head, expected):
    assert looks_like(head).startswith(expected)


@pytest.mark.parametrize(
    "head", [b"", b"the 0.1 0.2\n", b"<doc id=1>\ntext\n", "caf\u00e9 1 2\n".encode(), b"BZh no"]
)
def test_text_looks_like_text(head):
    assert looks_like(head) is None


@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")).map(
        str.encode
    )
)
def test_utf8_text_never_looks_like_something_else(text):
    if (
        not text.lstrip(b"\xef\xbb\xbf \t\r\n")[:15]
        .lower()
        .startswith((b"<!doctype", b"<h", b"<?"))
    ):
        assert looks_like(text) is None


@given(st.binary(max_size=600))
def test_looks_like_takes_any_bytes(head):
    assert looks_like(head) is None or isinstance(looks_like(head), str)
