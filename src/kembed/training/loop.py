"""What the word-vector trainers share around their kernels: the loop over epochs and
slices of the corpus, one part per thread, with the falling learning rate, and the
header saved with the vectors. No Keras."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import numpy as np

from kembed._progress import progress_bar
from kembed.training.corpus import EncodedCorpus

SLICE_WORDS = 2_000_000  # words per kernel call: the threads wait for each other this often


def run_epochs(
    step: Callable,
    bounds,
    epochs: int,
    alpha: float,
    workers: int,
    seed: int,
    label: str,
    progress: bool,
) -> None:
    """The training loop every word-vector kernel shares: `epochs` passes over slices of
    about `SLICE_WORDS` words, each cut into a part per thread and handed to
    `step(parts, alpha0, alpha1, states)`, the learning rate falling linearly from `alpha`
    to `alpha / 10,000` over all the words."""
    slices = _slices(bounds, SLICE_WORDS)
    done, planned = 0, epochs * int(bounds[-1])
    with progress_bar(planned, label, enabled=progress, unit="words") as advance:
        for epoch in range(epochs):
            for number, (first, last) in enumerate(slices):
                words = int(bounds[last] - bounds[first])
                alpha0 = max(alpha * (1 - done / (planned + 1)), alpha * 1e-4)
                alpha1 = max(alpha * (1 - (done + words) / (planned + 1)), alpha * 1e-4)
                parts = _parts(bounds, first, last, workers)
                states = np.random.default_rng([seed, epoch, number]).integers(
                    1, 2**63, size=len(parts) - 1, dtype=np.uint64
                )
                step(parts, alpha0, alpha1, states)
                done += words
                advance(words)


def trained_header(
    trainer: str,
    settings,
    corpus_options,
    corpus: EncodedCorpus,
    workers: int,
    seed: int,
    times: tuple[float, float],
) -> dict:
    """What a trainer saves in `header["settings"]`: the settings, the corpus options,
    the threads, the seed, the corpus' size and the time taken (`times`: when the
    trainer started and when the corpus was encoded, by `time.perf_counter`)."""
    vocabulary = corpus.vocabulary
    return {
        "trainer": trainer,
        **settings.to_dict(),
        **corpus_options.to_dict(),
        "workers": workers,
        "seed": seed,
        "corpus_tokens": vocabulary.corpus_tokens,
        "trained_tokens": int(vocabulary.counts.sum()),
        "lines": vocabulary.lines,
        "seconds": {
            "corpus": round(times[1] - times[0], 2),
            "train": round(time.perf_counter() - times[1], 2),
        },
    }


def _slices(bounds: np.ndarray, size: int) -> list[tuple[int, int]]:
    """Runs of whole sentences of about `size` words each: (first, last + 1)."""
    cuts = np.searchsorted(bounds, np.arange(size, bounds[-1], size))
    edges = np.unique(np.concatenate([[0], cuts, [len(bounds) - 1]]))
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _parts(bounds: np.ndarray, first: int, last: int, workers: int) -> np.ndarray:
    """`first..last` cut into up to `workers` runs of sentences of about equal words."""
    start, stop = bounds[first], bounds[last]
    targets = start + (stop - start) * np.arange(1, workers) // workers
    cuts = np.searchsorted(bounds[first : last + 1], targets) + first
    return np.unique(np.concatenate([[first], cuts, [last]])).astype(np.int64)
