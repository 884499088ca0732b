"""Fixtures for the vector tests: the real GloVe 6B 50d vectors written out once per
session as the 171 MB `glove.6B.50d.txt`, and a private cache folder for every test."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty KEMBED_CACHE."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("KEMBED_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def glove_file(glove_package, tmp_path_factory):
    """The real `glove.6B.50d.txt`: 400,000 lines, values printed with 5 significant digits
    as in Stanford's file (171,350,079 bytes, the size of the original)."""
    words, matrix = glove_package
    path = tmp_path_factory.mktemp("glove") / "glove.6B.50d.txt"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for start in range(0, len(words), 20_000):
            text = np.char.mod("%.5g", matrix[start : start + 20_000]).tolist()
            rows = zip(words[start : start + 20_000], text, strict=True)
            f.write("".join(w + " " + " ".join(r) + "\n" for w, r in rows))
    return path
