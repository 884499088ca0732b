"""Shared fixtures: where the offline data lives, and the legacy oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KEMBED_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; the test is skipped if that data is not here."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"offline data not found: {path} (set KEMBED_SHARED_DATA)")
    return path


@pytest.fixture(scope="session")
def legacy_text():
    """The legacy `keras.preprocessing.text` module (keras-preprocessing 1.1.2)."""
    return pytest.importorskip("keras_preprocessing.text")
