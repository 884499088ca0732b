"""The command line: help, version, the demo's happy path and its error paths."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kembed.cli import app

runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "demo" in result.output


def test_version():
    from kembed import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"kembed {__version__}"


@pytest.mark.keras
def test_demo(tmp_path):
    result = runner.invoke(app, ["demo", "--epochs", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "The slides' first workflow on Keras 3" in result.output
    assert "The slides' GloVe workflow on Keras 3" in result.output
    assert result.output.count("identical") == 7 + 3
    assert (tmp_path / "embedding.npy").exists()
    assert (tmp_path / "glove-oov.keras").exists()


def test_demo_rejects_bad_options():
    result = runner.invoke(app, ["demo", "--epochs", "0"])
    assert result.exit_code == 2


def test_errors_are_one_line_without_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kembed.cli import main; main()",
            "demo",
            "--out",
            str(blocker / "sub"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert str(blocker) in result.stderr
