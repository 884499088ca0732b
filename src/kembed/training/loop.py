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
    *,
    apart: bool = False,
) -> None:
    """The training loop every word-vector kernel shares: `epochs` passes over the corpus
    in steps of about `SLICE_WORDS` words, each step handing `step(parts, alpha0, alpha1,
    states)` a run of sentences per thread (`parts[p]` = first, last + 1), the learning
    rate falling linearly from `alpha` to `alpha / 10,000` over all the words.

    By default a step is one slice of the corpus cut into a part per thread. With `apart`,
    each thread reads its own share of the corpus (thread p from p / workers of the way
    in), as fastText's threads do: two threads in neighbouring text train the same words
    at the same moment and overwrite each other's updates (kembed's fastText training
    lost about 1.2 points of syntactic analogies that way on the Wikipedia sample)."""
    groups = _apart(bounds, workers) if apart else _together(bounds, workers)
    done, planned = 0, epochs * int(bounds[-1])
    with progress_bar(planned, label, enabled=progress, unit="words") as advance:
        for epoch in range(epochs):
            for number, parts in enumerate(groups):
                words = int((bounds[parts[:, 1]] - bounds[parts[:, 0]]).sum())
                alpha0 = max(alpha * (1 - done / (planned + 1)), alpha * 1e-4)
                alpha1 = max(alpha * (1 - (done + words) / (planned + 1)), alpha * 1e-4)
                states = np.random.default_rng([seed, epoch, number]).integers(
                    1, 2**63, size=len(parts), dtype=np.uint64
                )
                step(parts, alpha0, alpha1, states)
                done += words
                advance(words)


def _together(bounds: np.ndarray, workers: int) -> list[np.ndarray]:
    """Steps of one slice each, cut into a part per thread."""
    steps = []
    for first, last in _slices(bounds, SLICE_WORDS):
        cuts = _parts(bounds, first, last, workers)
        steps.append(np.stack([cuts[:-1], cuts[1:]], axis=1))
    return steps


def _apart(bounds: np.ndarray, workers: int) -> list[np.ndarray]:
    """Steps that give each thread the next run of its own share of the corpus (shares of
    about equal words, runs of about `SLICE_WORDS / workers` words)."""
    shares = _parts(bounds, 0, len(bounds) - 1, workers)
    runs = [
        _slices(bounds, max(SLICE_WORDS // workers, 1), first, last)
        for first, last in itertools.pairwise(shares)
    ]
    return [
        np.array([share[i] for share in runs if i < len(share)], dtype=np.int64)
        for i in range(max(map(len, runs), default=0))
    ]


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


def _slices(
    bounds: np.ndarray, size: int, first: int = 0, last: int | None = None
) -> list[tuple[int, int]]:
    """Runs of whole sentences of about `size` words each, of sentences `first` to
    `last - 1` (all by default): (first, last + 1)."""
    last = len(bounds) - 1 if last is None else last
    cuts = np.searchsorted(bounds, np.arange(bounds[first] + size, bounds[last], size))
    edges = np.unique(np.concatenate([[first], cuts, [last]]))
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def _parts(bounds: np.ndarray, first: int, last: int, workers: int) -> np.ndarray:
    """`first..last` cut into up to `workers` runs of sentences of about equal words."""
    start, stop = bounds[first], bounds[last]
    targets = start + (stop - start) * np.arange(1, workers) // workers
    cuts = np.searchsorted(bounds[first : last + 1], targets) + first
    return np.unique(np.concatenate([[first], cuts, [last]])).astype(np.int64)
