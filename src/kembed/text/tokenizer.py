"""`Tokenizer`: the legacy Keras text tokenizer, complete, exact and faster.

Keras 3 removed `keras.preprocessing.text.Tokenizer`. This class reproduces the public
behaviour of keras-preprocessing 1.1.2 (its attributes, its ordering of ties, its treatment
of `num_words` and `oov_token`, its JSON). The work is done by a compiled kernel over UTF-8
bytes (`batch`, `wordtable`, `_scan`) or, where that does not apply, by C-level builtins
(`plain`). It differs from the legacy class only where the legacy class silently did the
wrong thing with bad input, raising a clear error instead. No Keras here.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

import numpy as np

from kembed.errors import CorpusError
from kembed.text import plain
from kembed.text.batch import (
    COUNTED,
    CountedDict,
    Counts,
    Lookup,
    WordIndex,
    byte_separators,
    count_texts,
    encode_texts,
    first_fit,
    gc_paused,
    word_index_of,
)
from kembed.text.matrix import BagOfWords
from kembed.text.serialization import JSONSaving, read_tokenizer_json
from kembed.text.words import DEFAULT_FILTERS, Analyzer, check_bool, check_count, word_splitter

Text = str | list[str]


class Tokenizer(BagOfWords, JSONSaving):
    """Turns texts into sequences of word ids, or into bag-of-words matrices.

    A drop-in replacement for `keras.preprocessing.text.Tokenizer`: the same arguments,
    methods, attributes and JSON, and the same output token for token. Ids start at 1
    (0 is left for padding) and follow word frequency, ties in order of first appearance;
    `oov_token`, if given, takes id 1.

    It differs only on input the legacy class mishandled (non-text elements, a bare str,
    converting before any fit, negative ids: clear errors here; see the README), and
    arguments after `num_words` are keyword-only.

    Example:

    >>> tokenizer = Tokenizer(oov_token="<unk>")
    >>> tokenizer.fit_on_texts(["Well done!", "Good work", "Great effort", "nice work"])
    >>> tokenizer.word_index["work"]
    2
    >>> tokenizer.texts_to_sequences(["good work, great!", "bad work"])
    [[5, 2, 6], [1, 2]]

    Args:
        num_words: Optional int. Keep only the `num_words - 1` most frequent words when
            converting (fitting still counts every word). `None` or 0 keeps all.
        filters: The characters removed from texts (not applied with `char_level`).
        lower: Whether to lower-case texts.
        split: The word separator.
        char_level: Whether every character is a token.
        oov_token: Optional str. If given, it takes id 1 and replaces unknown words
            (and words beyond `num_words`) when converting; otherwise they are dropped.
        analyzer: Optional function from a text to its words, used instead of the
            filters / lower / split rule. It is not saved by `to_json`.
        document_count: The number of documents already seen (set when loading).

    Attributes:
        word_counts: word -> count, in order of first appearance (a `dict`; the legacy
            class used an `OrderedDict`, equal to it).
        word_docs: word -> number of documents holding it.
        word_index: word -> id; `index_word`: id -> word.
        index_docs: id -> number of documents holding it.
    """

    # The compiled fast path: None takes it wherever it applies, False never (the tests
    # check both paths).
    _fast: bool | None = None

    # Built from `_counts` when first read, after a first fit on the fast path.
    word_counts = CountedDict()
    word_docs = CountedDict()
    index_docs = CountedDict()
    index_word = CountedDict()
    _counts: Counts | None = None

    def __init__(
        self,
        num_words: int | None = None,
        *,
        filters: str = DEFAULT_FILTERS,
        lower: bool = True,
        split: str = " ",
        char_level: bool = False,
        oov_token: str | None = None,
        analyzer: Analyzer | None = None,
        document_count: int = 0,
    ):
        self.num_words = check_count(num_words, "num_words", optional=True)
        word_splitter(filters, lower, split)  # validates filters and split
        self.filters = filters if isinstance(filters, str) else "".join(filters)
        self.lower = check_bool(lower, "lower")
        self.split = split
        self.char_level = check_bool(char_level, "char_level")
        if oov_token is not None and not isinstance(oov_token, str):
            raise TypeError(
                f"`oov_token` must be a str or None. Received: oov_token={oov_token!r}"
            )
        self.oov_token = oov_token
        if analyzer is not None and not callable(analyzer):
            raise TypeError(f"`analyzer` must be a function or None. Received: {analyzer!r}")
        self.analyzer = analyzer
        self.document_count = check_count(document_count, "document_count")
        self.word_counts: dict[str, int] = {}
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = WordIndex()
        self.index_word: dict[int, str] = {}
        self._lookup: Lookup | None = None  # see _lookup_table

    def __repr__(self) -> str:
        return (
            f"Tokenizer(num_words={self.num_words!r}, oov_token={self.oov_token!r}, "
            f"words={len(self.word_counts if self._counts is None else self._counts.words):,}, "
            f"documents={self.document_count:,})"
        )

    # Fitting -------------------------------------------------------------------------

    def fit_on_texts(self, texts: Iterable[Text]) -> None:
        """Counts the words of `texts` and (re)builds `word_index`.

        `texts` may be any iterable, including a generator or a file streamed line by
        line (`kembed.text.read_lines`): only the counts are kept in memory. If an element
        is not a text, `TypeError` is raised and the tokenizer is left as it was.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat sat", "the dog"])
        >>> tokenizer.word_index
        {'the': 1, 'cat': 2, 'sat': 3, 'dog': 4}

        Args:
            texts: An iterable of str, or of lists of str tokens (used as they are).

        Raises:
            TypeError: if `texts` is a single str, or an element is not a text.
        """
        is_sep = self._byte_separators()
        if is_sep is None:
            counts, docs, n_docs = plain.count_texts(
                plain.check_texts(texts), self._tokens_function()
            )
            self.document_count += n_docs
            plain.merge_counts(self.word_counts, counts)
            plain.merge_counts(self.word_docs, docs)
            self._build_index(plain.ranked(self.word_counts))
            return
        with gc_paused():
            self._fit_fast(texts, is_sep)

    def _fit_fast(self, texts: Iterable[Text], is_sep: np.ndarray) -> None:
        table = count_texts(plain.check_texts(texts), lower=self.lower, is_sep=is_sep)
        self.document_count += table.n_docs
        if self.word_counts or self.word_docs or self.index_docs:  # add to earlier counts
            words = table.words(0, len(table))
            counts, docs = table.counts.tolist(), table.docs.tolist()
            plain.merge_counts(self.word_counts, dict(zip(words, counts, strict=True)))
            plain.merge_counts(self.word_docs, dict(zip(words, docs, strict=True)))
            self._build_index(plain.ranked(self.word_counts))
            return
        # A first fit: the counted dicts are built if read (see CountedDict).
        self._counts, self._lookup = first_fit(table, self.oov_token)
        self.word_index = self._lookup.word_index
        for name in COUNTED:
            self.__dict__.pop(name, None)

    def fit_on_sequences(self, sequences: Iterable[Iterable[int]]) -> None:
        """Counts, for each id, the sequences holding it (for `tfidf` without texts).

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_sequences([[1, 2, 2], [2, 3]])
        >>> tokenizer.document_count, dict(tokenizer.index_docs)
        (2, {1: 1, 2: 2, 3: 1})

        Args:
            sequences: An iterable of sequences of word ids.
        """
        n = 0
        docs: Counter[int] = Counter()
        for n, seq in enumerate(sequences, 1):  # noqa: B007 (n is the count after the loop)
            docs.update(set(seq))
        self.document_count += n
        for i, c in docs.items():
            self.index_docs[i] += c

    def _build_index(self, ranked: list[str]) -> None:
        self.word_index = word_index_of(self.oov_token, ranked)
        self.index_word = {i: word for word, i in self.word_index.items()}
        word_index = self.word_index
        for word, c in self.word_docs.items():
            self.index_docs[word_index[word]] = c

    # Converting ----------------------------------------------------------------------

    def texts_to_sequences(self, texts: Iterable[Text]) -> list[list[int]]:
        """Converts each text to a list of word ids.

        Unknown words, and words whose id is `num_words` or more, become the id of
        `oov_token`, or are dropped if there is none.

        Example:

        >>> tokenizer = Tokenizer(oov_token="<unk>")
        >>> tokenizer.fit_on_texts(["the cat sat", "the dog"])
        >>> tokenizer.texts_to_sequences(["the cat", "a dog"])
        [[2, 3], [1, 5]]

        Args:
            texts: An iterable of str, or of lists of str tokens.

        Returns:
            One list of ids per text.

        Raises:
            TypeError: if `texts` is a single str, or an element is not a text.
            ValueError: if the tokenizer has not been fit.
        """
        sequences: list[list[int]] = []
        with gc_paused():
            for batch in self._encode(texts):
                sequences.extend(batch)
        return sequences

    def texts_to_sequences_generator(self, texts: Iterable[Text]) -> Iterator[list[int]]:
        """Yields `texts_to_sequences` one text at a time, reading `texts` a batch (4,096
        texts) ahead.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat sat"])
        >>> next(tokenizer.texts_to_sequences_generator(["sat the cat"]))
        [3, 1, 2]
        """
        for sequences in self._encode(texts):
            yield from sequences

    def _encode(self, texts: Iterable[Text]) -> Iterator[list[list[int]]]:
        texts = plain.check_texts(texts)
        self._check_fitted()
        is_sep = self._byte_separators()
        if is_sep is None:
            oov = None if self.oov_token is None else self._oov_index()
            encode = plain.encoder(self.word_index, self.num_words, oov)
            yield from plain.encode_texts(texts, self._tokens_function(), encode)
            return
        lookup = self._lookup_table()
        oov = None if self.oov_token is None else self._oov_index()
        yield from encode_texts(
            texts,
            lower=self.lower,
            is_sep=is_sep,
            table=lookup.table,
            to_index=lookup.to_index,
            ints=lookup.ints(oov),
            limit=self.num_words,
            oov=oov,
        )

    def _lookup_table(self) -> Lookup:
        """The byte-level vocabulary of the fast path, renewed when `word_index` changed."""
        if self._lookup is None or not self._lookup.is_current(self.word_index):
            if not isinstance(self.word_index, WordIndex):  # replaced: track it from now on
                self.word_index = WordIndex(self.word_index)
            self._lookup = Lookup.of(self.word_index)
        return self._lookup

    def sequences_to_texts(self, sequences: Iterable[Iterable[int]]) -> list[str]:
        """Converts each sequence of ids back to a text of space-separated words.

        As in the legacy class, ids without a word (padding zeros included) and ids of
        `num_words` or more become `oov_token` if there is one, and are dropped otherwise.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat sat"])
        >>> tokenizer.sequences_to_texts([[2, 3, 0]])
        ['cat sat']

        Args:
            sequences: An iterable of sequences of ids (lists, or rows of an array).

        Returns:
            One str per sequence.
        """
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences: Iterable[Iterable[int]]) -> Iterator[str]:
        """Yields `sequences_to_texts` one sequence at a time.

        Example:

        >>> tokenizer = Tokenizer()
        >>> tokenizer.fit_on_texts(["the cat sat"])
        >>> list(tokenizer.sequences_to_texts_generator([[1], [3, 2]]))
        ['the', 'sat cat']
        """
        oov_word = None
        if self.oov_token is not None:
            oov_word = self.index_word.get(self._oov_index())
        yield from map(plain.decoder(self.index_word, self.num_words, oov_word), sequences)

    # Helpers -------------------------------------------------------------------------

    def _tokens_function(self) -> plain.Tokens:
        return plain.tokens_function(
            char_level=self.char_level,
            lower=self.lower,
            analyzer=self.analyzer,
            filters=self.filters,
            split=self.split,
        )

    def _byte_separators(self) -> np.ndarray | None:
        """The separator bytes if the compiled fast path applies, else `None`."""
        if self.char_level or self.analyzer is not None or self._fast is False:
            return None
        return byte_separators(self.filters, self.split)

    def _check_fitted(self) -> None:
        if not self.word_index and not self.document_count:
            raise ValueError(
                "This Tokenizer has no vocabulary yet: call fit_on_texts(texts) first, "
                "or load a fitted one with Tokenizer.load(path) / tokenizer_from_json."
            )

    def _oov_index(self) -> int:
        index = self.word_index.get(self.oov_token)
        if index is None or ("index_word" in self.__dict__ and index not in self.index_word):
            raise ValueError(
                f"oov_token={self.oov_token!r} has no id in word_index. Set `oov_token` "
                "when creating the Tokenizer, before fit_on_texts, not afterwards."
            )
        return index

    # Loading -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, analyzer: Analyzer | None = None):
        """Reads a tokenizer saved by `save` (or a legacy `to_json()` written to a file).

        Example:

        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "tokenizer.json"
        >>> _ = path.write_text(Tokenizer(num_words=10).to_json(), encoding="utf-8")
        >>> Tokenizer.load(path).num_words
        10

        Args:
            path: Path-like. The JSON file.
            analyzer: Optional function to restore, since functions are not saved.

        Returns:
            The `Tokenizer`.

        Raises:
            CorpusError: if the file is not a tokenizer's JSON in UTF-8; the message names
                the file and says what is wrong.
        """
        try:
            with open(path, encoding="utf-8") as f:
                json_string = f.read()
            return tokenizer_from_json(json_string, analyzer=analyzer)
        except ValueError as error:  # UnicodeDecodeError included
            raise CorpusError(path, None, str(error)) from None


def tokenizer_from_json(json_string: str | bytes, *, analyzer: Analyzer | None = None):
    """Rebuilds a `Tokenizer` from `Tokenizer.to_json()` (kembed's or the legacy one's).

    Example:

    >>> tokenizer = Tokenizer()
    >>> tokenizer.fit_on_texts(["the cat", "the dog"])
    >>> tokenizer_from_json(tokenizer.to_json()).word_index
    {'the': 1, 'cat': 2, 'dog': 3}

    Args:
        json_string: The JSON text.
        analyzer: Optional function to restore (functions are not saved).

    Returns:
        The `Tokenizer`.

    Raises:
        ValueError: if the text is not JSON, lacks a field, holds a field of the wrong
            type, or its tables disagree; the message says which and what was expected.
    """
    state = read_tokenizer_json(json_string)
    try:
        tokenizer = Tokenizer(**state.settings, analyzer=analyzer)
    except TypeError as error:
        raise ValueError(f"Invalid tokenizer setting in 'config': {error}") from None
    tokenizer.word_counts = state.word_counts
    tokenizer.word_docs = defaultdict(int, state.word_docs)
    tokenizer.index_docs = defaultdict(int, state.index_docs)
    tokenizer.word_index = WordIndex(state.word_index)
    tokenizer.index_word = state.index_word
    return tokenizer
