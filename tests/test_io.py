"""atomic_write: the final name holds the old content or the whole new one, never a part."""

from __future__ import annotations

import pytest

from kembed._io import atomic_write


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
