"""word2vec training: skip-gram and CBOW with negative sampling, with the semantics of
`word2vec.c`, on all cores (numba kernels in `kernels.py`, lock-free), or deterministic
on one thread with a seed. The result is a `Vectors` (with the word counts and the
settings), ready for every format, the cache and `pretrained_embedding`. No Keras.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from kembed._settings import resolve
from kembed.training.corpus import EncodedCorpus, Source, as_corpus
from kembed.training.loop import run_epochs, trained_header
from kembed.training.settings import (
    CorpusOptions,
    Word2VecSettings,
    build_corpus_options,
    threads,
)
from kembed.vectors.store import Vectors

_DOMAIN = 2**31 - 1  # the noise distribution's cumulative table spans this range


def train_word2vec(
    corpus: Source | Sequence[Source] | EncodedCorpus,
    *,
    settings: Word2VecSettings | None = None,
    corpus_options: CorpusOptions | None = None,
    mode: str = "skipgram",
    dim: int = 100,
    window: int = 5,
    negative: int = 5,
    sample: float = 1e-3,
    min_count: int = 5,
    max_vocab: int | None = None,
    epochs: int = 5,
    alpha: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    tokenize: Callable[[str], list[str]] | None = None,
    skip_prefix: str | None = None,
    encoding: str = "utf-8",
    progress: bool = False,
) -> Vectors:
    """Trains word2vec vectors on a corpus.

    As `word2vec.c`: a dynamic window (each word looks at 1 to `window` words on each
    side), frequent words subsampled (`sample`), `negative` noise words drawn from the
    unigram distribution to the power 0.75, and a learning rate falling linearly from
    `alpha` to `alpha / 10,000` over all epochs. Threads update the vectors without
    locks; `workers=1` with a `seed` gives the same vectors every run.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("the cat sat on the mat\\n" * 50, encoding="utf-8")
    >>> vectors = train_word2vec(path, dim=8, min_count=1, workers=1, seed=0)
    >>> len(vectors), vectors.dim, vectors.index_to_key[0]
    (5, 8, 'the')

    Args:
        corpus: Text files or folders (one sentence or paragraph a line), or an
            `EncodedCorpus` from `encode_corpus`.
        settings: Optional `Word2VecSettings`: `mode` to `alpha` in one object (what
            the saved header holds; `Word2VecSettings.from_dict(v.header["settings"])`
            gives it back). Pass it or those keywords.
        corpus_options: Optional `CorpusOptions`: `min_count`, `max_vocab`,
            `tokenize`, `skip_prefix` and `encoding` in one object.
        mode: `"skipgram"` or `"cbow"` (the mean of the context).
        dim: Vector size.
        window: Largest distance between a word and its context.
        negative: Noise words per target.
        sample: Subsampling threshold for frequent words (0: none).
        min_count: Ignore words seen fewer times.
        max_vocab: Optional int. Keep at most this many words (the most frequent).
        epochs: Passes over the corpus.
        alpha: Initial learning rate. Defaults to 0.025 (skip-gram) or 0.05 (CBOW).
        workers: Threads. Defaults to every core.
        seed: Optional int: initial vectors and random draws (exactly repeatable with
            `workers=1`).
        tokenize: Optional function from a line to its words (defaults to the
            `Tokenizer`'s rules).
        skip_prefix: Optional. Skip lines starting with it (`"<"` for markup).
        encoding: Text encoding of the files.
        progress: Show a progress bar (words/s, time left) on stderr.

    Returns:
        A `Vectors`, most frequent word first, with `counts` and the settings in its
        `header["settings"]`.

    Raises:
        ValueError: for a bad setting, or a vocabulary left empty by `min_count`.
        CorpusError: for a missing, empty or non-text corpus.
    """
    settings = resolve(
        settings,
        Word2VecSettings(mode, dim, window, negative, sample, epochs, alpha),
        Word2VecSettings(),
        "settings",
    )
    corpus_options = build_corpus_options(
        corpus_options, min_count, max_vocab, skip_prefix, encoding, tokenize
    )
    workers = threads(workers)
    started = time.perf_counter()
    corpus = as_corpus(corpus, corpus_options)
    encoded = time.perf_counter()
    from kembed.training import kernels  # numba loads here, not on import

    mode, dim, window, negative = settings.mode, settings.dim, settings.window, settings.negative
    sample, epochs, alpha = settings.sample, settings.epochs, settings.alpha
    vocabulary, ids, bounds = corpus.vocabulary, corpus.ids, corpus.bounds
    counts = vocabulary.counts
    seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    rng = np.random.default_rng(seed)
    syn0 = ((rng.random((len(counts), dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)
    syn1 = np.zeros_like(syn0)
    keep, cum = _draw_tables(counts, sample)

    def step(parts, alpha0, alpha1, states):
        kernels.train_parts(
            ids, bounds, parts, syn0, syn1, keep, cum, window, negative,
            alpha0, alpha1, mode == "skipgram", states,
        )  # fmt: skip

    run_epochs(step, bounds, epochs, alpha, workers, seed, f"word2vec {mode}", progress)
    header = trained_header(
        "word2vec", settings, corpus_options, corpus, workers, seed, (started, encoded)
    )
    return Vectors(vocabulary.words, syn0, header={"settings": header}, counts=counts)


def _draw_tables(counts: np.ndarray, sample: float) -> tuple[np.ndarray, np.ndarray]:
    """As `word2vec.c`: each word's chance to be kept by the subsampling, and the
    cumulative noise distribution (counts to the power 0.75) over `_DOMAIN`."""
    keep = np.ones(len(counts), dtype=np.float32)
    if sample:
        threshold = sample * counts.sum()
        keep = ((np.sqrt(counts / threshold) + 1) * threshold / counts).astype(np.float32)
    power = counts.astype(np.float64) ** 0.75
    return keep, np.round(np.cumsum(power) / power.sum() * _DOMAIN).astype(np.uint64)
