"""A training corpus: text files, folders or `.gz` / `.bz2` / `.xz` files with one
sentence or paragraph a line, streamed twice: once to count the words (the vocabulary,
`min_count`, `max_vocab`), once to encode the kept words as row numbers into one int32
array (in memory, or in a temporary memory-mapped file for corpora over
`MEMORY_TOKENS` tokens) with the sentence boundaries. Tokenised like the `Tokenizer`, or
by a function of the user's. No Keras.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from kembed.errors import CorpusError
from kembed.text import Tokenizer, read_lines
from kembed.training.settings import CorpusOptions

MAX_SENTENCE = 10_000  # longer lines are cut into pieces this long (as gensim does)
MEMORY_TOKENS = 100_000_000  # larger encoded corpora go to a memory-mapped temporary file

Source = str | os.PathLike[str]


@dataclass(frozen=True)
class Vocabulary:
    """The words kept for training, most frequent first (ties alphabetically), with their
    counts.

    Example:

    >>> import pathlib, tempfile
    >>> from kembed.training import encode_corpus
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("the cat sat\\nthe dog sat\\n", encoding="utf-8")
    >>> vocabulary = encode_corpus(path, min_count=2).vocabulary
    >>> vocabulary.words, vocabulary.counts.tolist(), vocabulary.corpus_tokens
    (['sat', 'the'], [2, 2], 6)
    """

    words: list[str]
    counts: np.ndarray  # int64, one per word
    corpus_tokens: int  # every token of the corpus, kept or not
    lines: int


@dataclass(frozen=True)
class EncodedCorpus:
    """The corpus as row numbers: sentence k is `ids[bounds[k]:bounds[k + 1]]`.

    Example:

    >>> import pathlib, tempfile
    >>> from kembed.training import encode_corpus
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("the cat sat\\nthe dog sat\\n", encoding="utf-8")
    >>> corpus = encode_corpus(path, min_count=2)
    >>> corpus.ids.tolist(), corpus.bounds.tolist()
    ([1, 0, 1, 0], [0, 2, 4])
    """

    ids: np.ndarray  # int32
    bounds: np.ndarray  # int64, len = sentences + 1
    vocabulary: Vocabulary


def corpus_files(sources: Source | Sequence[Source]) -> list[str]:
    """The files of `sources` (files, and the files under folders, sorted).

    Raises:
        CorpusError: if a source does not exist or nothing is found.
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    files = []
    for source in sources:
        path = os.fspath(source)
        if os.path.isdir(path):
            found = sorted(
                os.path.join(root, name)
                for root, _, names in os.walk(path)
                for name in names
                if not name.startswith(".")
            )
            files.extend(found)
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise CorpusError(path, None, "no such file or folder.")
    if not files:
        raise CorpusError(", ".join(map(os.fspath, sources)) or "(none)", None, "no files.")
    return files


def _lines(files: list[str], encoding: str, skip_prefix: str | None) -> Iterator[str]:
    for path in files:
        yield from read_lines(path, encoding=encoding, skip_prefix=skip_prefix)


def encode_corpus(
    sources: Source | Sequence[Source],
    *,
    min_count: int = 5,
    max_vocab: int | None = None,
    tokenize: Callable[[str], list[str]] | None = None,
    encoding: str = "utf-8",
    skip_prefix: str | None = None,
) -> EncodedCorpus:
    """Counts the words of a corpus, keeps the frequent ones and encodes the corpus.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "corpus.txt"
    >>> _ = path.write_text("The cat sat.\\nthe dog sat\\n", encoding="utf-8")
    >>> corpus = encode_corpus(path, min_count=2)
    >>> corpus.vocabulary.words, corpus.ids.tolist(), corpus.bounds.tolist()
    (['sat', 'the'], [1, 0, 1, 0], [0, 2, 4])

    Args:
        sources: Files or folders; one sentence or paragraph a line.
        min_count: Drop words seen fewer times.
        max_vocab: Optional int. Keep at most this many words (the most frequent).
        tokenize: Optional function from a line to its words. Defaults to the
            `Tokenizer`'s rules (lower-cased; punctuation but the apostrophe removed).
        encoding: Text encoding of the files.
        skip_prefix: Optional. Skip lines starting with it (e.g. `"<"` for markup).

    Returns:
        An `EncodedCorpus` (words that were dropped are left out of the sentences, as in
        word2vec).

    Raises:
        CorpusError: if a file is missing, not text in `encoding`, or holds no words.
        ValueError: if `min_count` / `max_vocab` leave no word.
    """
    for name, value in (("min_count", min_count), ("max_vocab", max_vocab)):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ValueError(f"`{name}` must be a positive integer. Received: {value!r}")
    files = corpus_files(sources)
    lines = 0

    def counted(texts: Iterable[str]) -> Iterator[str]:
        nonlocal lines
        for text in texts:
            lines += 1
            yield text

    if tokenize is None:
        tokenizer = Tokenizer()
        tokenizer.fit_on_texts(counted(_lines(files, encoding, skip_prefix)))
        counter = tokenizer.word_counts
    else:
        counter = Counter()
        for text in counted(_lines(files, encoding, skip_prefix)):
            counter.update(tokenize(text))
    # Ties alphabetically, as GloVe's vocab_count: the order (and so what `restrict_vocab`
    # keeps) does not depend on the order of the lines.
    ranked = sorted(counter, key=lambda w: (-counter[w], w))
    counts = np.array([counter[w] for w in ranked], dtype=np.int64)
    if not len(counts):
        raise CorpusError(", ".join(files[:3]), None, "the corpus holds no words.")
    kept = int(np.searchsorted(-counts, -min_count, side="right"))
    if max_vocab is not None:
        kept = min(kept, max_vocab)
    if not kept:
        raise ValueError(
            f"min_count={min_count} leaves no word: the most frequent, {ranked[0]!r}, is seen "
            f"{counts[0]:,} times. Lower min_count or give more text."
        )
    vocabulary = Vocabulary(ranked[:kept], counts[:kept], int(counts.sum()), lines)
    texts = _lines(files, encoding, skip_prefix)
    if tokenize is None:
        tokenizer.word_index = {w: i for i, w in enumerate(vocabulary.words, 1)}
        sequences: Iterable = tokenizer.texts_to_sequences_generator(texts)
        offset = 1
    else:
        index = {w: i for i, w in enumerate(vocabulary.words)}
        sequences = ([index[w] for w in tokenize(t) if w in index] for t in texts)
        offset = 0
    ids = _array(int(vocabulary.counts.sum()))
    bounds, position = [0], 0
    for sequence in sequences:
        n = len(sequence)
        if not n:
            continue
        ids[position : position + n] = np.asarray(sequence, dtype=np.int32) - offset
        bounds.extend(range(position + MAX_SENTENCE, position + n, MAX_SENTENCE))
        position += n
        bounds.append(position)
    return EncodedCorpus(ids, np.array(bounds, dtype=np.int64), vocabulary)


def as_corpus(
    corpus: Source | Sequence[Source] | EncodedCorpus, options: CorpusOptions
) -> EncodedCorpus:
    """`corpus` if it is encoded already, else `corpus` encoded with `options`."""
    if isinstance(corpus, EncodedCorpus):
        return corpus
    return encode_corpus(
        corpus,
        min_count=options.min_count,
        max_vocab=options.max_vocab,
        tokenize=options.tokenize,
        encoding=options.encoding,
        skip_prefix=options.skip_prefix,
    )


def _array(size: int) -> np.ndarray:
    if size <= MEMORY_TOKENS:
        return np.empty(size, dtype=np.int32)
    handle, name = tempfile.mkstemp(prefix="kembed-corpus-", suffix=".npy")
    os.close(handle)
    array = np.lib.format.open_memmap(name, mode="w+", dtype=np.int32, shape=(size,))
    os.unlink(name)  # the mapping stays valid; the file goes when it is closed
    return array
