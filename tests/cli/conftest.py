"""`kembed` run as a user runs it, through the console script's `main()`."""

from __future__ import annotations

import sys

import pytest

from kembed.cli import main


@pytest.fixture
def kembed(capsys, monkeypatch, tmp_path):
    """Runs `kembed ARGS...` in this process: (exit code, stdout, stderr)."""
    monkeypatch.setenv("KEMBED_CACHE", str(tmp_path / "cache"))

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["kembed", *map(str, args)])
        with pytest.raises(SystemExit) as exit:
            main()
        out = capsys.readouterr()
        return exit.value.code or 0, out.out, out.err

    return run
