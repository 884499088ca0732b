"""`skipgrams` and `make_sampling_table`: the word2vec training pairs of
`keras.preprocessing.sequence`, which Keras 3 removed and Keras word2vec tutorials still
call. Ported from keras-preprocessing 1.1.2 call for call (the same draws from Python's
`random` module, so the same pairs for the same random state), with arguments checked.
numpy and the standard library; no Keras.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

_GAMMA = 0.577  # the legacy code's Euler-Mascheroni constant, rounded as it rounds it


def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """The probability of keeping a word of each frequency rank, for `skipgrams`:
    word2vec's `min(1, sqrt(f / sampling_factor) / (f / sampling_factor))`, with Zipf's
    law for the frequency `f` of rank `i`, as the legacy function computes it.

    Example:

    >>> make_sampling_table(5).round(4).tolist()
    [0.0032, 0.0032, 0.0055, 0.0074, 0.0091]

    Args:
        size: How many ranks (the vocabulary size, padding id 0 included).
        sampling_factor: word2vec's `sample` threshold.

    Returns:
        A float64 array of `size` probabilities.

    Raises:
        ValueError: if `size` is not a positive integer or `sampling_factor` not positive.
    """
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
        raise ValueError(f"`size` must be a positive integer. Received: size={size!r}")
    if not sampling_factor > 0:
        raise ValueError(
            f"`sampling_factor` must be positive. Received: sampling_factor={sampling_factor!r}"
        )
    rank = np.arange(size)
    rank[0] = 1
    inverse_frequency = rank * (np.log(rank) + _GAMMA) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inverse_frequency
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(
    sequence: Sequence[int],
    vocabulary_size: int,
    window_size: int = 4,
    negative_samples: float = 1.0,
    shuffle: bool = True,
    categorical: bool = False,
    sampling_table: Sequence[float] | None = None,
    seed: int | None = None,
) -> tuple[list[list[int]], list]:
    """Word pairs for skip-gram training: `(word, a word within `window_size` of it)` with
    label 1, and `negative_samples` times as many `(word, a random id)` with label 0.

    The arguments are the legacy function's, positional ones included, so ported code
    runs unchanged. Id 0 is padding and never paired. With `sampling_table`, a word of id
    `i` is kept as a centre with probability `sampling_table[i]`. Draws come from Python's `random`
    module in the legacy order; `seed` seeds only the final shuffle, as in the legacy
    function (`random.seed` first for repeatable negatives).

    Example:

    >>> import random
    >>> random.seed(0)
    >>> couples, labels = skipgrams([1, 2, 3], 4, window_size=1, shuffle=False)
    >>> couples[:4], labels
    ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1, 0, 0, 0, 0])

    Args:
        sequence: Word ids of one text (a list or a 1-D array).
        vocabulary_size: The largest id + 1; negatives are drawn from 1 to
            `vocabulary_size - 1`.
        window_size: How far a context word may be.
        negative_samples: Negatives per positive pair (0 for none).
        shuffle: Shuffle the pairs (and their labels alike).
        categorical: Labels as `[1, 0]` / `[0, 1]` instead of 0 / 1.
        sampling_table: Optional keep-probability of each id (`make_sampling_table`).
        seed: Optional seed of the shuffle.

    Returns:
        `(couples, labels)`: lists of `[word, context]` pairs and of their labels.

    Raises:
        ValueError: for a `vocabulary_size` below 2 with negatives asked for, a
            `window_size` below 1, a negative `negative_samples`, or an id outside
            `[0, vocabulary_size)`.
    """
    if not isinstance(window_size, (int, np.integer)) or window_size < 1:
        raise ValueError(f"`window_size` must be a positive integer. Received: {window_size!r}")
    if not negative_samples >= 0:
        raise ValueError(f"`negative_samples` must be 0 or more. Received: {negative_samples!r}")
    if negative_samples > 0 and vocabulary_size < 2:
        raise ValueError(
            "`vocabulary_size` must be at least 2 to draw negatives from ids 1 and up. "
            f"Received: vocabulary_size={vocabulary_size!r}"
        )
    sequence = [int(w) for w in sequence]
    bad = next((w for w in sequence if not 0 <= w < vocabulary_size), None)
    if bad is not None:
        raise ValueError(
            f"Every id must be in [0, vocabulary_size) = [0, {vocabulary_size}). "
            f"Received the id {bad}."
        )
    couples: list[list[int]] = []
    labels: list = []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([wi, sequence[j]])
                labels.append([0, 1] if categorical else 1)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [
            [words[i % len(words)], random.randint(1, vocabulary_size - 1)] for i in range(count)
        ]
        labels += [[1, 0] if categorical else 0 for _ in range(count)]
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10**7)  # the legacy randint(0, 10e6), without floats
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
