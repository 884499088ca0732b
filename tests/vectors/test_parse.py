"""The numba kernels against Python's own `float()` and `str.split`, and the top-k kernel
against `numpy.argsort`."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed.vectors import parse
from kembed.vectors.topk import topn

DECIMAL = st.from_regex(
    r"[+-]?(\d{1,25}(\.\d{0,25})?|\.\d{1,25})([eE][+-]?\d{1,3})?", fullmatch=True
)


def parse_one(text: str, dim: int = 1):
    block = text.encode()
    block += b"" if block.endswith(b"\n") else b"\n"  # as the readers hand blocks over
    buf = np.frombuffer(block, dtype=np.uint8)
    lines = np.empty((block.count(b"\n") + 1, 6), dtype=np.int64)
    out = np.full((len(lines), dim), np.nan, dtype=np.float32)
    slow = np.empty((64, 4), dtype=np.int64)
    no_words = np.empty(0, np.uint64)
    n, rows, n_slow = parse.parse_block(buf, no_words, False, False, out, lines, slow)
    return lines[:n], out[:rows], slow[:n_slow]


@settings(max_examples=3000, deadline=None)
@given(number=DECIMAL)
def test_numbers_equal_python_float(number):
    lines, out, slow = parse_one(f"w {number}\n")
    assert lines[0, 3] == parse.OK
    if len(slow):  # left to Python by design
        return
    assert out[0, 0] == np.float32(float(number)), number
    assert math.copysign(1, out[0, 0]) == math.copysign(1, float(number))


@settings(max_examples=2000, deadline=None)
@given(
    values=st.lists(
        st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=1, max_size=8
    )
)
def test_float32_reprs_round_trip(values):
    dim = len(values)
    text = "word " + " ".join(repr(float(v)) for v in values) + "\n"
    _, out, slow = parse_one(text, dim)
    for row, col, s, e in slow.tolist():
        out[row, col] = float(text.encode()[s:e])
    np.testing.assert_array_equal(out[0], np.array(values, dtype=np.float32))


@pytest.mark.parametrize(
    "text", ["nan", "inf", "-inf", "1e400", "0x10", "1_000", "1.2.3", "--1", "e5", "."]
)
def test_unusual_numbers_go_to_python(text):
    _, _, slow = parse_one(f"w {text}\n")
    assert len(slow) == 1


@settings(max_examples=500, deadline=None)
@given(
    word=st.text(
        st.characters(blacklist_characters="\n\r", blacklist_categories=["Cs"]), min_size=1
    ).filter(lambda w: w.strip(" ") == w and w.strip()),
    values=st.lists(st.integers(-99, 99), min_size=1, max_size=5),
    gaps=st.integers(1, 3),
)
def test_words_with_spaces_keep_everything_before_the_numbers(word, values, gaps):
    line = word + " " + (" " * gaps).join(map(str, values)) + " \r\n"
    lines, out, _ = parse_one(line, len(values))
    data = line.encode()
    assert data[lines[0, 0] : lines[0, 1]].decode() == word
    np.testing.assert_array_equal(out[0], values)


@settings(max_examples=300, deadline=None)
@given(
    scores=st.lists(st.integers(-5, 5), min_size=1, max_size=60).map(
        lambda xs: np.array(xs, dtype=np.float32)
    ),
    k=st.integers(1, 70),
)
def test_top_k_matches_a_stable_sort(scores, k):
    indices, values = topn(scores[None, :], k)
    expected = np.argsort(-scores, kind="stable")[:k]
    np.testing.assert_array_equal(indices[0], expected)
    np.testing.assert_array_equal(values[0], scores[expected])


@pytest.mark.parametrize(("rows", "columns", "tile"), [(3, 50, 7), (700, 40_000, 4096)])
def test_tiled_top_k_matches_a_stable_sort(rows, columns, tile):
    """Tile by tile, and (for the large case) split over threads: the same best-first,
    lower-column-on-ties answer as one stable sort. Scores are small integers, so ties
    are everywhere."""
    from kembed.vectors.topk import tiled_topn

    scores = np.random.default_rng(rows).integers(-3, 4, (rows, columns)).astype(np.float32)
    indices, values = tiled_topn(lambda a, b: scores[:, a:b].copy(), rows, columns, 10, tile=tile)
    expected = np.argsort(-scores, axis=1, kind="stable")[:, :10]
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_array_equal(values, np.take_along_axis(scores, expected, axis=1))


@settings(deadline=None)
@given(
    members=st.sets(st.integers(0, 2**64 - 1), max_size=300),
    others=st.sets(st.integers(0, 2**64 - 1), max_size=300),
)
def test_the_wanted_words_table_is_a_set(members, others):
    """The kernel's open-addressing table finds every member (0 included) and no other
    hash (0 is stored as 1, so each of the two is found for the other)."""
    table = parse.hash_table(np.array(sorted(members), dtype=np.uint64))
    assert all(parse.is_wanted(h, table) for h in members)
    strangers = others - members - ({0, 1} if members & {0, 1} else set())
    assert not any(parse.is_wanted(h, table) for h in strangers)
