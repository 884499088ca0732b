"""`kembed train word2vec|fasttext|glove`: learn word vectors from a corpus and save
them. Thin: parses options, calls `kembed.training`, prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kembed.cli.options import Encoding, Overwrite, Seed

app = typer.Typer(help="Learn word vectors from your own text.")

Corpus = Annotated[
    list[Path],
    typer.Argument(
        help="Text files or folders (.gz/.bz2/.xz ok); one sentence or paragraph a line."
    ),
]
Out = Annotated[
    Path,
    typer.Option(
        "--out", "-o", help="Where to save: a folder (native), or .txt / .vec / .bin (+ .gz)."
    ),
]


Dim = Annotated[int, typer.Option(min=1, help="Vector size.")]
MinCount = Annotated[int, typer.Option(min=1, help="Drop rarer words.")]
MaxVocab = Annotated[int | None, typer.Option(min=1, help="Keep the N most frequent.")]
Workers = Annotated[int | None, typer.Option(min=1, help="Threads (default: all).")]
SkipPrefix = Annotated[
    str | None, typer.Option(help="Skip lines starting with this (e.g. '<' for markup).")
]


def _check_out(out: Path, overwrite: bool, format: str | None = None) -> None:
    """Checked before training, so that a bad path does not waste the run."""
    from kembed.vectors.io import check_save_path

    check_save_path(out, format=format, overwrite=overwrite)


@app.command()
def word2vec(
    corpus: Corpus,
    out: Out,
    mode: Annotated[str, typer.Option(help="skipgram or cbow.")] = "skipgram",
    dim: Dim = 100,
    window: Annotated[int, typer.Option(min=1, help="Largest context distance.")] = 5,
    negative: Annotated[int, typer.Option(min=1, help="Noise words per target.")] = 5,
    sample: Annotated[float, typer.Option(min=0.0, help="Subsampling threshold.")] = 1e-3,
    min_count: MinCount = 5,
    max_vocab: MaxVocab = None,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the corpus.")] = 5,
    alpha: Annotated[
        float | None, typer.Option(help="Initial learning rate (0.025 skip-gram, 0.05 CBOW).")
    ] = None,
    workers: Workers = None,
    seed: Seed = None,
    skip_prefix: SkipPrefix = None,
    encoding: Encoding = "utf-8",
    overwrite: Overwrite = False,
) -> None:
    """Train word2vec (skip-gram or CBOW, negative sampling) and save the vectors."""
    from kembed.training import CorpusOptions, Word2VecSettings, train_word2vec

    settings = Word2VecSettings(mode, dim, window, negative, sample, epochs, alpha)
    options = CorpusOptions(min_count, max_vocab, skip_prefix, encoding)
    _check_out(out, overwrite)
    vectors = train_word2vec(
        corpus,
        settings=settings,
        corpus_options=options,
        workers=workers,
        seed=seed,
        progress=True,
    )
    _save(vectors, out, overwrite)


@app.command()
def fasttext(
    corpus: Corpus,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Where to save: .bin (a fastText model, subwords kept), a folder (native, "
            "subwords kept), or .txt / .vec (+ .gz: the words alone).",
        ),
    ],
    mode: Annotated[str, typer.Option(help="skipgram or cbow.")] = "skipgram",
    dim: Dim = 100,
    window: Annotated[int, typer.Option(min=1, help="Largest context distance.")] = 5,
    negative: Annotated[int, typer.Option(min=1, help="Noise words per target.")] = 5,
    sample: Annotated[float, typer.Option(min=0.0, help="Subsampling threshold t.")] = 1e-4,
    min_count: MinCount = 5,
    max_vocab: MaxVocab = None,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the corpus.")] = 5,
    alpha: Annotated[float, typer.Option(help="Initial learning rate.")] = 0.05,
    minn: Annotated[int, typer.Option(min=0, help="Shortest character n-gram.")] = 3,
    maxn: Annotated[int, typer.Option(min=0, help="Longest n-gram (0: no subwords).")] = 6,
    bucket: Annotated[int, typer.Option(min=1, help="Rows the n-grams hash into.")] = 2_000_000,
    whitespace: Annotated[
        bool,
        typer.Option(
            help="Split words on whitespace alone, as fastText does (default: "
            "lower-cased, punctuation removed, as the Tokenizer)."
        ),
    ] = False,
    workers: Workers = None,
    seed: Seed = None,
    skip_prefix: SkipPrefix = None,
    encoding: Encoding = "utf-8",
    overwrite: Overwrite = False,
) -> None:
    """Train fastText subword vectors (skip-gram or CBOW over words and their character
    n-grams) and save them; any word then gets a vector."""
    from kembed.training import CorpusOptions, FastTextSettings, train_fasttext

    settings = FastTextSettings(
        mode, dim, window, negative, sample, epochs, alpha, minn, maxn, bucket
    )
    tokenize = str.split if whitespace else None
    options = CorpusOptions(min_count, max_vocab, skip_prefix, encoding, tokenize)
    format = _fasttext_format(out)
    _check_out(out, overwrite, format)
    vectors = train_fasttext(
        corpus,
        settings=settings,
        corpus_options=options,
        workers=workers,
        seed=seed,
        progress=True,
    )
    _save(vectors, out, overwrite, format)


def _fasttext_format(out: Path) -> str:
    """A `.bin` name means a fastText model here; other names as for any vectors."""
    from kembed.vectors.formats import format_for

    found = format_for(out)
    return "fasttext" if found == "word2vec-binary" else found


@app.command()
def glove(
    corpus: Corpus,
    out: Out,
    dim: Dim = 100,
    window: Annotated[int, typer.Option(min=1, help="Context words on each side.")] = 10,
    min_count: MinCount = 5,
    max_vocab: MaxVocab = None,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the co-occurrences.")] = 15,
    x_max: Annotated[float, typer.Option(help="Counts above it weigh 1.")] = 10.0,
    alpha: Annotated[float, typer.Option(help="Weighting exponent below x_max.")] = 0.75,
    eta: Annotated[float, typer.Option(help="Initial learning rate of the vectors.")] = 0.05,
    bias_eta: Annotated[
        float, typer.Option(help="Initial learning rate of the biases (glove.c: 1).")
    ] = 1.0,
    shuffle: Annotated[
        str, typer.Option(help="epoch (a new order every epoch) or once (glove.c).")
    ] = "epoch",
    memory: Annotated[float, typer.Option(help="GiB for counting (more spills to disk).")] = 2.0,
    workers: Workers = None,
    seed: Seed = None,
    skip_prefix: SkipPrefix = None,
    encoding: Encoding = "utf-8",
    overwrite: Overwrite = False,
) -> None:
    """Train GloVe (co-occurrence counts, then AdaGrad) and save W + W~."""
    from kembed.training import CorpusOptions, GloVeSettings, train_glove

    settings = GloVeSettings(dim, window, epochs, x_max, alpha, eta, bias_eta, shuffle, memory)
    options = CorpusOptions(min_count, max_vocab, skip_prefix, encoding)
    _check_out(out, overwrite)
    vectors = train_glove(
        corpus,
        settings=settings,
        corpus_options=options,
        workers=workers,
        seed=seed,
        progress=True,
    )
    _save(vectors, out, overwrite)


def _save(vectors, out: Path, overwrite: bool, format: str | None = None) -> None:
    from kembed.vectors.formats import format_for

    format = format or format_for(out)  # the format the name asks for
    vectors.save(out, format=format, overwrite=overwrite)
    header = vectors.header["settings"]
    pairs = f", {header['cooccurrences']:,} co-occurrences" if "cooccurrences" in header else ""
    typer.echo(
        f"{len(vectors):,} words x {vectors.dim} from {header['corpus_tokens']:,} tokens"
        f"{pairs}, in {sum(header['seconds'].values()):.1f} s; saved to {out} "
        f"({format})"
    )
