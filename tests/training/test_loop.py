"""The training loop's steps: every sentence once an epoch, a run per thread, and with
`apart` each thread in its own share of the corpus (as fastText's threads read)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kembed.training import loop


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 40), min_size=1, max_size=80),
    workers=st.integers(1, 4),
    slice_words=st.integers(1, 120),
    apart=st.booleans(),
)
def test_every_sentence_once_and_a_run_per_thread(lengths, workers, slice_words, apart):
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    original, loop.SLICE_WORDS = loop.SLICE_WORDS, slice_words
    try:
        steps = loop._apart(bounds, workers) if apart else loop._together(bounds, workers)
    finally:
        loop.SLICE_WORDS = original
    runs = sorted((int(a), int(b)) for parts in steps for a, b in parts)
    assert runs[0][0] == 0 and runs[-1][1] == len(lengths)
    assert all(b > a for a, b in runs)
    assert all(b1 == a2 for (_, b1), (a2, _) in itertools.pairwise(runs))  # no gap, no overlap
    assert all(1 <= len(parts) <= workers for parts in steps)
    if apart:  # each run of a step from another share, in order, each share in order
        shares = loop._parts(bounds, 0, len(lengths), workers)
        owner = [int(np.searchsorted(shares, a, side="right")) - 1 for a, _ in runs]
        pairs = zip(owner, runs, strict=True)
        assert all(shares[k] <= a and b <= shares[k + 1] for k, (a, b) in pairs)
        for parts in steps:
            found = [int(np.searchsorted(shares, a, side="right")) - 1 for a, _ in parts]
            assert found == sorted(set(found))


def test_apart_starts_each_thread_in_its_own_half():
    bounds = np.arange(0, 4_000_001, 1000, dtype=np.int64)  # 4,000 sentences of 1,000 words
    first = loop._apart(bounds, 2)[0]
    assert first.tolist() == [[0, 1000], [2000, 3000]]  # 1 M words each, half the corpus apart
    together = loop._together(bounds, 2)[0]
    assert together.tolist() == [[0, 1000], [1000, 2000]]  # one 2 M-word slice, cut in two
