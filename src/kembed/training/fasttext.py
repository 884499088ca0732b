"""fastText training: skip-gram and CBOW over words and their character n-grams, with the
semantics of fastText's `train_unsupervised` (kernels in `fasttext_kernels.py`, lock-free
on all cores), on the corpus pipeline of `train_word2vec`. The result is a `Vectors` with
its `SubwordTable`: any string gets a vector, and it saves as a fastText `.bin`, a native
folder or text. No Keras.
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
    FastTextSettings,
    build_corpus_options,
    threads,
)
from kembed.vectors.formats.fasttext import DEFAULT_ARGUMENTS, EOS
from kembed.vectors.store import Vectors
from kembed.vectors.subwords import SubwordTable

_TABLE = 10_000_000  # the length of fastText's table of noise words: their chances


def train_fasttext(
    corpus: Source | Sequence[Source] | EncodedCorpus,
    *,
    settings: FastTextSettings | None = None,
    corpus_options: CorpusOptions | None = None,
    mode: str = "skipgram",
    dim: int = 100,
    window: int = 5,
    negative: int = 5,
    sample: float = 1e-4,
    min_count: int = 5,
    max_vocab: int | None = None,
    epochs: int = 5,
    alpha: float = 0.05,
    minn: int = 3,
    maxn: int = 6,
    bucket: int = 2_000_000,
    workers: int | None = None,
    seed: int | None = None,
    tokenize: Callable[[str], list[str]] | None = None,
    skip_prefix: str | None = None,
    encoding: str = "utf-8",
    progress: bool = False,
) -> Vectors:
    """Trains fastText subword vectors on a corpus.

    As fastText's `train_unsupervised`: each word is its own row plus the rows of its
    character n-grams of `minn` to `maxn` characters (hashed into `bucket` rows), its
    input the mean of those rows; `</s>` ends every line; a dynamic window of 1 to
    `window` words; frequent words dropped with probability `1 - sqrt(t/f) - t/f`
    (`t = sample`); `negative` noise words drawn from the counts to the power 0.5; a
    learning rate falling linearly from `alpha` to 0. Threads update the rows without
    locks; `workers=1` with a `seed` gives the same vectors every run.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("the cat sat on the mat\\n" * 50, encoding="utf-8")
    >>> vectors = train_fasttext(path, dim=8, min_count=1, bucket=1000, workers=1, seed=0)
    >>> len(vectors), vectors.has_subwords, "cats" in vectors, vectors["cats"].shape
    (6, True, False, (8,))

    Args:
        corpus: Text files or folders (one sentence or paragraph a line), or an
            `EncodedCorpus` from `encode_corpus`.
        settings: Optional `FastTextSettings`: `mode` to `bucket` in one object (what
            the saved header holds). Pass it or those keywords.
        corpus_options: Optional `CorpusOptions`: `min_count`, `max_vocab`, `tokenize`,
            `skip_prefix` and `encoding` in one object.
        mode: `"skipgram"` or `"cbow"`.
        dim: Vector size.
        window: Largest distance between a word and its context.
        negative: Noise words per target.
        sample: fastText's `t`: the subsampling threshold (0: none).
        min_count: Ignore words seen fewer times.
        max_vocab: Optional int. Keep at most this many words (the most frequent).
        epochs: Passes over the corpus.
        alpha: Initial learning rate.
        minn: Shortest n-gram, in characters.
        maxn: Longest n-gram (0: no subwords, a word is its row alone).
        bucket: Rows the n-grams are hashed into.
        workers: Threads. Defaults to every core.
        seed: Optional int: initial rows and random draws (exactly repeatable with
            `workers=1`).
        tokenize: Optional function from a line to its words (defaults to the
            `Tokenizer`'s rules; `str.split` reads words as fastText does).
        skip_prefix: Optional. Skip lines starting with it (`"<"` for markup).
        encoding: Text encoding of the files.
        progress: Show a progress bar (words/s, time left) on stderr.

    Returns:
        A `Vectors` with subwords (`has_subwords`; none when `maxn=0`), most frequent word
        first, with `counts`, the settings in `header["settings"]` and fastText's
        arguments in `header["fasttext"]`. Save it with `format="fasttext"` for a `.bin`
        that fastText loads.

    Raises:
        ValueError: for a bad setting, or a vocabulary of fewer than two words (with
            `</s>`) left by `min_count`.
        CorpusError: for a missing, empty or non-text corpus.
    """
    settings = resolve(
        settings,
        FastTextSettings(mode, dim, window, negative, sample, epochs, alpha, minn, maxn, bucket),
        FastTextSettings(),
        "settings",
    )
    corpus_options = build_corpus_options(
        corpus_options, min_count, max_vocab, skip_prefix, encoding, tokenize
    )
    workers = threads(workers)
    started = time.perf_counter()
    corpus = as_corpus(corpus, corpus_options)
    encoded = time.perf_counter()
    from kembed.training import fasttext_kernels as kernels  # numba loads here

    words, counts, eos = _with_eos(corpus, corpus_options.min_count)
    if len(words) < 2:
        raise ValueError(
            f"fastText draws its noise words from the other words, and min_count="
            f"{corpus_options.min_count} leaves one: {words[0]!r}. Lower min_count or give "
            "more text."
        )
    offsets, rows, factor = _input_rows(words, eos, settings)
    seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    rng = np.random.default_rng(seed)
    height = len(words) + (settings.bucket if settings.maxn else 0)
    bound = np.float32(1 / settings.dim)
    wi = rng.random((height, settings.dim), dtype=np.float32)
    wi *= 2 * bound
    wi -= bound
    wo = np.zeros((len(words), settings.dim), dtype=np.float32)
    tokens = corpus.vocabulary.corpus_tokens + (int(counts[eos]) if eos >= 0 else 0)
    keep, each = _draw_tables(counts, settings.sample, tokens)
    table = kernels.alias_table(each)
    ids, bounds = corpus.ids, corpus.bounds

    def step(parts, alpha0, alpha1, states):
        kernels.train_parts(
            ids, bounds, parts, eos, wi, wo, offsets, rows, factor, keep, table,
            settings.window, settings.negative, alpha0, alpha1, settings.mode == "skipgram",
            states,
        )  # fmt: skip

    label = f"fastText {settings.mode}"
    run_epochs(
        step, bounds, settings.epochs, settings.alpha, workers, seed, label, progress, apart=True
    )
    header = {
        "settings": trained_header(
            "fasttext", settings, corpus_options, corpus, workers, seed, (started, encoded)
        ),
        "fasttext": fasttext_arguments(settings, corpus_options.min_count),
    }
    return _vectors(words, counts, wi, (offsets, rows), settings, header)


def fasttext_arguments(settings: FastTextSettings, min_count: int) -> dict:
    """fastText's training arguments (as a `.bin` header holds them) for `settings`."""
    return {
        **DEFAULT_ARGUMENTS, "dim": settings.dim, "ws": settings.window,
        "epoch": settings.epochs, "min_count": min_count, "neg": settings.negative,
        "model": settings.mode, "bucket": settings.bucket, "minn": settings.minn,
        "maxn": settings.maxn, "t": settings.sample,
    }  # fmt: skip


def _with_eos(corpus: EncodedCorpus, min_count: int) -> tuple[list[str], np.ndarray, int]:
    """The words with `</s>` among them, ranked by its count (one per sentence), and its
    row (-1 when it is seen fewer than `min_count` times or the corpus has the word)."""
    vocabulary = corpus.vocabulary
    lines = len(corpus.bounds) - 1
    if lines < min_count or EOS in vocabulary.words:
        return vocabulary.words, vocabulary.counts, -1
    eos = int(np.searchsorted(-vocabulary.counts, -lines, side="left"))
    words = [*vocabulary.words[:eos], EOS, *vocabulary.words[eos:]]
    return words, np.insert(vocabulary.counts, eos, lines), eos


def _input_rows(
    words: list[str], eos: int, settings: FastTextSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each word's input rows, its own first, then its n-grams' (none for `</s>`), as
    `(offsets, rows)`; and each word's `factor`: how far the mean of its rows moves for a
    gradient added to each of them (the sum of squared repeats over the count; 1 when no
    row repeats)."""
    n = len(words)
    sizes = np.ones(n, dtype=np.int64)
    ngram_rows = np.empty(0, dtype=np.int64)
    if settings.maxn:
        rows_only = np.empty((n + settings.bucket, 0), np.float32)  # hashing needs no values
        table = SubwordTable(rows_only, n, settings.minn, settings.maxn, settings.bucket)
        hashed = [i for i in range(n) if i != eos]
        found, ngram_rows = table.ngram_rows([words[i] for i in hashed])
        sizes[hashed] += np.diff(found)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    rows = np.empty(offsets[-1], dtype=np.int64)
    own = np.zeros(offsets[-1], dtype=bool)
    own[offsets[:-1]] = True
    rows[own] = np.arange(n)
    rows[~own] = ngram_rows
    owner = np.repeat(np.arange(n), sizes)
    order = np.lexsort((rows, owner))
    same = (owner[order][1:] == owner[order][:-1]) & (rows[order][1:] == rows[order][:-1])
    runs = np.cumsum(np.concatenate([[True], ~same])) - 1
    lengths = np.bincount(runs).astype(np.float64)
    squares = np.bincount(owner[order][np.concatenate([[True], ~same])], lengths**2, n)
    return offsets, rows, (squares / sizes).astype(np.float32)


def _draw_tables(counts: np.ndarray, sample: float, tokens: int) -> tuple[np.ndarray, ...]:
    """As fastText: each word's chance to be kept, `sqrt(t/f) + t/f` with `f` its share
    of all the corpus' tokens (and lines), and how often each word is in fastText's table
    of noise words: `_TABLE` times its share of the counts to the power 0.5, rounded up
    (the kernels draw from an alias table of these: the same chances)."""
    keep = np.ones(len(counts), dtype=np.float32)
    if sample:
        share = counts / tokens
        keep = np.minimum(np.sqrt(sample / share) + sample / share, 1).astype(np.float32)
    power = np.sqrt(counts.astype(np.float64))
    each = np.ceil(power / power.sum() * _TABLE).astype(np.int64)
    return keep, each


def _vectors(words, counts, wi, csr, settings: FastTextSettings, header: dict) -> Vectors:
    """The trained `Vectors`: each word's vector the mean of its rows (fastText's
    `get_word_vector`), and the n-gram rows for the other words."""
    from kembed.vectors._ngrams import mean_rows

    offsets, rows = csr
    matrix = mean_rows(wi, offsets, rows, np.full(len(words), -1, dtype=np.int64))
    subwords = None
    if settings.maxn:
        subwords = SubwordTable(wi[len(words) :], 0, settings.minn, settings.maxn, settings.bucket)
    return Vectors(words, matrix, header=header, counts=counts, subwords=subwords)
