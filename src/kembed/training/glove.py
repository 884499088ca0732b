"""GloVe training (Pennington et al. 2014) as Stanford's `glove.c` does it: weighted
least squares on the log co-occurrence counts, `f(x) = min(1, (x / x_max)^alpha)`,
AdaGrad from an initial squared gradient of 1 (vector gradients clipped to +-100 per
component and scaled by `eta`, the biases' by `bias_eta`, 1 in `glove.c` since 2020), the
co-occurrences shuffled (every epoch by default, once as `glove.c` with `shuffle="once"`)
and cut into one part per thread (lock-free), and W + W~ as the result. numba kernel and
numpy; no Keras.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numba
import numpy as np

from kembed._progress import progress_bar
from kembed._settings import resolve
from kembed.training.cooccurrence import count_cooccurrences
from kembed.training.corpus import EncodedCorpus, Source, as_corpus
from kembed.training.settings import (
    CorpusOptions,
    GloVeSettings,
    build_corpus_options,
    threads,
)
from kembed.vectors.store import Vectors

GRAD_CLIP = np.float32(100.0)  # glove.c's -grad-clip: each component of a vector's gradient


# error_model="numpy": no zero check before each division (the divisors are square roots
# of AdaGrad sums, at least 1), so the loops over `dim` become SIMD: 2x faster.
@numba.njit(nogil=True, fastmath=True, error_model="numpy", cache=True)
def _epoch_part(
    rows, cols, values, order, w, c, bw, bc, gw, gc, gbw, gbc, x_max, alpha, eta, bias_eta
):
    """One pass over the entries `order` (indices into rows/cols/values); returns the
    summed cost 0.5 f(x) (w.c + bw + bc - log x)^2."""
    dim = w.shape[1]
    cost = 0.0
    for n in range(len(order)):
        e = order[n]
        i, j, x = rows[e], cols[e], values[e]
        diff = bw[i] + bc[j] - np.float32(np.log(x))
        for k in range(dim):
            diff += w[i, k] * c[j, k]
        weight = np.float32(1.0) if x > x_max else np.float32((x / x_max) ** alpha)
        fdiff = weight * diff
        cost += 0.5 * fdiff * diff
        for k in range(dim):
            g1 = min(max(fdiff * c[j, k], -GRAD_CLIP), GRAD_CLIP) * eta
            g2 = min(max(fdiff * w[i, k], -GRAD_CLIP), GRAD_CLIP) * eta
            w[i, k] -= g1 / np.sqrt(gw[i, k])
            c[j, k] -= g2 / np.sqrt(gc[j, k])
            gw[i, k] += g1 * g1
            gc[j, k] += g2 * g2
        fdiff *= bias_eta
        bw[i] -= fdiff / np.sqrt(gbw[i])
        bc[j] -= fdiff / np.sqrt(gbc[j])
        gbw[i] += fdiff * fdiff
        gbc[j] += fdiff * fdiff
    return cost


@numba.njit(nogil=True, parallel=True, cache=True)
def _epoch(
    rows, cols, values, order, cuts, w, c, bw, bc, gw, gc, gbw, gbc, x_max, alpha, eta, bias_eta
):
    costs = np.zeros(len(cuts) - 1)
    for p in numba.prange(len(cuts) - 1):
        costs[p] = _epoch_part(
            rows, cols, values, order[cuts[p] : cuts[p + 1]],
            w, c, bw, bc, gw, gc, gbw, gbc, x_max, alpha, eta, bias_eta,
        )  # fmt: skip
    return costs.sum()


def train_glove(
    corpus: Source | Sequence[Source] | EncodedCorpus,
    *,
    settings: GloVeSettings | None = None,
    corpus_options: CorpusOptions | None = None,
    dim: int = 100,
    window: int = 10,
    min_count: int = 5,
    max_vocab: int | None = None,
    epochs: int = 15,
    x_max: float = 10.0,
    alpha: float = 0.75,
    eta: float = 0.05,
    bias_eta: float = 1.0,
    shuffle: str = "epoch",
    memory: float = 2.0,
    workers: int | None = None,
    seed: int | None = None,
    tokenize: Callable[[str], list[str]] | None = None,
    skip_prefix: str | None = None,
    encoding: str = "utf-8",
    progress: bool = False,
) -> Vectors:
    """Trains GloVe vectors on a corpus: counts the co-occurrences (bounded memory),
    then fits them with AdaGrad.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("the cat sat on the mat\\n" * 50, encoding="utf-8")
    >>> vectors = train_glove(path, dim=8, min_count=1, epochs=2, workers=1, seed=0)
    >>> len(vectors), vectors.dim
    (5, 8)

    Args:
        corpus: Text files or folders (one sentence or paragraph a line), or an
            `EncodedCorpus`.
        settings: Optional `GloVeSettings`: `dim`, `window`, `epochs`, `x_max`,
            `alpha`, `eta`, `bias_eta`, `shuffle` and `memory` in one object (what the
            saved header holds). Pass it or those keywords.
        corpus_options: Optional `CorpusOptions`: `min_count`, `max_vocab`,
            `tokenize`, `skip_prefix` and `encoding` in one object.
        dim: Vector size.
        window: Context words counted on each side (weighted 1 / distance).
        min_count: Ignore words seen fewer times.
        max_vocab: Optional int. Keep at most this many words (the most frequent).
        epochs: Passes over the co-occurrences (Stanford's `iter`).
        x_max: Counts above it weigh 1.
        alpha: Exponent of the weighting below `x_max`.
        eta: Initial learning rate of the vectors.
        bias_eta: Initial learning rate of the biases. 1, as `glove.c` has had it since
            2020 (its biases' updates lost their `eta`): on the Wikipedia sample 1.2-1.3
            points better on WS-353 and MEN than `bias_eta=eta`, the 2014 code's rule,
            and equal on 2.7 M tokens.
        shuffle: `"epoch"`: the co-occurrences in a new random order every epoch;
            `"once"`: one order for all epochs, as `glove.c` (its `shuffle` tool runs
            once). On the Wikipedia sample every epoch was 0.3-1.0 points better on the
            four quality measures (see BENCHMARKS.md), for 4 s an epoch (49 M entries).
        memory: GiB for counting; more spills to a temporary folder.
        workers: Threads. Defaults to every core.
        seed: Optional int: initial vectors and the shuffle (exactly repeatable with
            `workers=1`).
        tokenize: Optional function from a line to its words.
        skip_prefix: Optional. Skip lines starting with it (`"<"` for markup).
        encoding: Text encoding of the files.
        progress: Show a progress bar on stderr.

    Returns:
        A `Vectors` (W + W~), most frequent word first, with `counts`, the settings and
        the final cost in `header["settings"]`.

    Raises:
        ValueError: for a bad setting, or a vocabulary left empty by `min_count`.
        CorpusError: for a missing, empty or non-text corpus.
    """
    settings = resolve(
        settings,
        GloVeSettings(dim, window, epochs, x_max, alpha, eta, bias_eta, shuffle, memory),
        GloVeSettings(),
        "settings",
    )
    corpus_options = build_corpus_options(
        corpus_options, min_count, max_vocab, skip_prefix, encoding, tokenize
    )
    s = settings
    dim, window, epochs, x_max, alpha, eta = s.dim, s.window, s.epochs, s.x_max, s.alpha, s.eta
    bias_eta, shuffle, memory = s.bias_eta, s.shuffle, s.memory
    workers = threads(workers)
    started = time.perf_counter()
    corpus = as_corpus(corpus, corpus_options)
    vocab = len(corpus.vocabulary.words)
    counted = time.perf_counter()
    pairs = count_cooccurrences(corpus.ids, corpus.bounds, vocab, window=window, memory=memory)
    seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    rng = np.random.default_rng(seed)
    w, c = ((rng.random((2, vocab, dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
    bw, bc = ((rng.random((2, vocab), dtype=np.float32) - 0.5) / dim).astype(np.float32)
    gw, gc = np.ones_like(w), np.ones_like(c)
    gbw, gbc = np.ones_like(bw), np.ones_like(bc)
    order = rng.permutation(len(pairs))
    cuts = np.linspace(0, len(pairs), workers + 1).astype(np.int64)
    fitted = time.perf_counter()
    costs = []
    total = epochs * len(pairs)
    with progress_bar(total, "GloVe", enabled=progress, unit="entries") as advance:
        for epoch in range(epochs):
            if epoch and shuffle == "epoch":
                rng.shuffle(order)
            cost = _epoch(
                pairs.rows, pairs.cols, pairs.values, order, cuts,
                w, c, bw, bc, gw, gc, gbw, gbc,
                np.float32(x_max), np.float32(alpha), np.float32(eta), np.float32(bias_eta),
            )  # fmt: skip
            costs.append(float(cost) / max(len(pairs), 1))
            advance(len(pairs))
    header = {
        "trainer": "glove",
        **settings.to_dict(),
        **corpus_options.to_dict(),
        "workers": workers,
        "seed": seed,
        "corpus_tokens": corpus.vocabulary.corpus_tokens,
        "cooccurrences": len(pairs),
        "cost": costs,
        "seconds": {
            "corpus": round(counted - started, 2),
            "cooccur": round(fitted - counted, 2),
            "train": round(time.perf_counter() - fitted, 2),
        },
    }
    words, counts = corpus.vocabulary.words, corpus.vocabulary.counts
    return Vectors(words, w + c, header={"settings": header}, counts=counts)
