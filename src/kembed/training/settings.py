"""The trainers' settings: one frozen, self-validating object per trainer
(`Word2VecSettings`, `FastTextSettings`, `GloVeSettings`) and one for the corpus every
trainer reads (`CorpusOptions`). The function, the CLI and the saved header share them:
what `to_dict` writes into `header["settings"]`, `from_dict` reads back, one type per
field. Each bad value gets Keras' phrasing of the error. No Keras."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any

from kembed._settings import positive_integers, positive_numbers, resolve
from kembed.text.corpus import check_encoding

MODES = ("skipgram", "cbow")
SHUFFLES = ("epoch", "once")


def threads(workers: int | None) -> int:
    """`workers`, checked, or every core when None."""
    if workers is None:
        return os.cpu_count() or 1
    positive_integers(workers=workers)
    return workers


class _Settings:
    """`to_dict` / `from_dict` for the frozen dataclasses below."""

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready values (what the saved header holds)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.repr}

    @classmethod
    def from_dict(cls, data: dict[str, Any]):
        """The settings saved by `to_dict` (other keys of a header are ignored)."""
        names = {f.name for f in dataclasses.fields(cls) if f.repr}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclasses.dataclass(frozen=True)
class CorpusOptions(_Settings):
    """How a training corpus is read, and which words are kept.

    Example:

    >>> CorpusOptions(min_count=2, skip_prefix="<").to_dict()["min_count"]
    2

    Attributes:
        min_count: Ignore words seen fewer times.
        max_vocab: Optional int. Keep at most this many words (the most frequent).
        skip_prefix: Optional. Skip lines starting with it (`"<"` for markup).
        encoding: Text encoding of the files.
        tokenize: Optional function from a line to its words (defaults to the
            `Tokenizer`'s rules); not saved.
    """

    min_count: int = 5
    max_vocab: int | None = None
    skip_prefix: str | None = None
    encoding: str = "utf-8"
    tokenize: Callable[[str], list[str]] | None = dataclasses.field(default=None, repr=False)

    def __post_init__(self) -> None:
        positive_integers(min_count=self.min_count)
        if self.max_vocab is not None:
            positive_integers(max_vocab=self.max_vocab)
        if self.skip_prefix is not None and not isinstance(self.skip_prefix, str):
            raise TypeError(
                f"`skip_prefix` must be a str or None. Received: skip_prefix={self.skip_prefix!r}"
            )
        check_encoding(self.encoding)


@dataclasses.dataclass(frozen=True)
class Word2VecSettings(_Settings):
    """What `train_word2vec` trains (see it for each field's meaning).

    Example:

    >>> Word2VecSettings(mode="cbow").alpha  # the default rate follows the mode
    0.05
    """

    mode: str = "skipgram"
    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-3
    epochs: int = 5
    alpha: float | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"`mode` must be one of {MODES}. Received: mode={self.mode!r}")
        positive_integers(dim=self.dim, window=self.window, epochs=self.epochs)
        positive_integers(negative=self.negative)
        if isinstance(self.sample, bool) or not 0 <= self.sample < 1:
            raise ValueError(f"`sample` must be in [0, 1). Received: sample={self.sample!r}")
        if self.alpha is None:
            object.__setattr__(self, "alpha", 0.025 if self.mode == "skipgram" else 0.05)
        positive_numbers(alpha=self.alpha)


@dataclasses.dataclass(frozen=True)
class FastTextSettings(_Settings):
    """What `train_fasttext` trains (see it for each field's meaning); fastText's
    defaults, which differ from word2vec's (`sample` 1e-4, `alpha` 0.05 for both modes).

    Example:

    >>> FastTextSettings(mode="cbow").alpha, FastTextSettings().sample
    (0.05, 0.0001)
    >>> FastTextSettings(minn=4, maxn=3)
    Traceback (most recent call last):
    ...
    ValueError: `minn` must be at most `maxn` (or `maxn=0`: no subwords). Received: minn=4, maxn=3
    """

    mode: str = "skipgram"
    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-4
    epochs: int = 5
    alpha: float = 0.05
    minn: int = 3
    maxn: int = 6
    bucket: int = 2_000_000

    def __post_init__(self) -> None:
        Word2VecSettings(self.mode, self.dim, self.window, self.negative, self.sample,
                         self.epochs, self.alpha)  # fmt: skip
        positive_integers(bucket=self.bucket)
        for name in ("minn", "maxn"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"`{name}` must be an integer >= 0. Received: {name}={value!r}")
        if self.maxn and not 1 <= self.minn <= self.maxn:
            raise ValueError(
                "`minn` must be at most `maxn` (or `maxn=0`: no subwords). "
                f"Received: minn={self.minn}, maxn={self.maxn}"
            )


@dataclasses.dataclass(frozen=True)
class GloVeSettings(_Settings):
    """What `train_glove` trains (see it for each field's meaning).

    Example:

    >>> GloVeSettings(shuffle="once").epochs
    15
    """

    dim: int = 100
    window: int = 10
    epochs: int = 15
    x_max: float = 10.0
    alpha: float = 0.75
    eta: float = 0.05
    bias_eta: float = 1.0
    shuffle: str = "epoch"
    memory: float = 2.0

    def __post_init__(self) -> None:
        positive_integers(dim=self.dim, window=self.window, epochs=self.epochs)
        positive_numbers(x_max=self.x_max, alpha=self.alpha, eta=self.eta)
        positive_numbers(bias_eta=self.bias_eta, memory=self.memory)
        if self.shuffle not in SHUFFLES:
            raise ValueError(
                f"`shuffle` must be 'epoch' or 'once'. Received: shuffle={self.shuffle!r}"
            )


def build_corpus_options(given: CorpusOptions | None, *keywords) -> CorpusOptions:
    """`given`, or the `CorpusOptions` that a trainer's corpus keywords make
    (`min_count, max_vocab, skip_prefix, encoding, tokenize`); see `resolve`."""
    return resolve(given, CorpusOptions(*keywords), CorpusOptions(), "corpus_options")
