"""A small explorer over two related vector sets and two evaluation files, served on a free
local port for the HTTP and browser tests."""

from __future__ import annotations

import numpy as np
import pytest

from kembed import Vectors
from kembed.explore import Explorer, ExplorerServer

WORDS = ["king", "queen", "man", "woman", "prince", "princess", "paris", "france", "rome",
         "italy", "london", "england", "cat", "dog", "car", "bus"]  # fmt: skip


def _sets():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(len(WORDS), 12)).astype("float32")
    base[WORDS.index("queen")] = base[WORDS.index("king")] - base[2] + base[3]
    rest = [f"w{i}" for i in range(400)]
    first = Vectors(WORDS + rest, np.concatenate([base, rng.normal(size=(400, 12))]))
    moved = np.asarray(first.vectors).copy()
    moved[WORDS.index("cat")] = rng.normal(size=12)  # "cat" moves in the second set
    q, _ = np.linalg.qr(rng.normal(size=(12, 12)))
    second = Vectors(first.index_to_key, (moved @ q).astype("float32"))
    return {"first": first, "second": second}


@pytest.fixture(scope="session")
def evaluation_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluations")
    pairs = folder / "pairs.txt"
    pairs.write_text("king\tqueen\t9\ncat\tdog\t8\ncar\tbus\t7\nking\tcar\t1\nzz\tcat\t3\n",
                     encoding="utf-8")  # fmt: skip
    analogies = folder / "analogies.txt"
    analogies.write_text(": royal\nman king woman queen\nman woman king princess\n"
                         ": capital\nparis france rome italy\n", encoding="utf-8")  # fmt: skip
    return [pairs, analogies]


@pytest.fixture(scope="session")
def explorer(evaluation_files):
    return Explorer(_sets(), evaluation_files)


@pytest.fixture(scope="session")
def server(explorer):
    with ExplorerServer(explorer) as running:
        running.start()
        yield running
