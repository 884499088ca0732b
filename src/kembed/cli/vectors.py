"""`kembed vectors ...`: inspect, convert, query and download word vectors. Thin: parses
options, calls `kembed.vectors`, prints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kembed._io import check_output, json_text
from kembed.cli.options import Cache, Json, Overwrite, Seed

app = typer.Typer(help="Load, inspect, convert, query and download word vectors.")

Source = Annotated[str, typer.Argument(help="A vector file, a kembed folder or a named source.")]
Member = Annotated[str | None, typer.Option(help="The file to read inside a zip.")]
Topn = Annotated[int, typer.Option(min=1, help="How many answers.")]
Restrict = Annotated[
    int | None, typer.Option(min=1, help="Search only the first N words (the most frequent).")
]


def _load(source: str, member: str | None = None, **options):
    from kembed.vectors import Vectors

    return Vectors.load(source, member=member, progress=True, **options)


def _json(value) -> str:
    return json_text(value, indent=2)


def _table(title: str, rows: list[tuple], headers: tuple[str, ...]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for header in headers:
        table.add_column(header, justify="right" if header != "word" else "left")
    for row in rows:
        table.add_row(*(f"{x:.4f}" if isinstance(x, float) else str(x) for x in row))
    Console().print(table)


@app.command()
def info(
    source: Source,
    member: Member = None,
    verify: Annotated[bool, typer.Option(help="Check every checksum of a kembed folder.")] = False,
    cache: Cache = True,
) -> None:
    """Show the size, format and load report of vectors."""
    vectors = _load(source, member, verify=verify, cache=cache)
    typer.echo(f"{len(vectors):,} words x {vectors.dim} dimensions")
    typer.echo(str(vectors.report))
    typer.echo("first words: " + " ".join(vectors.index_to_key[:10]))


@app.command()
def convert(
    source: Source,
    out: Annotated[Path, typer.Argument(help="Where to write.")],
    to: Annotated[
        str | None,
        typer.Option(
            help="native, glove, word2vec, word2vec-binary or fasttext (a .bin fastText "
            "loads; default: from the name: .txt, .vec, .bin, each .gz/.bz2/.xz ok; else "
            "native)."
        ),
    ] = None,
    member: Member = None,
    errors: Annotated[str, typer.Option(help="raise or skip bad lines.")] = "raise",
    overwrite: Overwrite = False,
) -> None:
    """Convert vectors to another format (atomically)."""
    from kembed.vectors.formats import format_for
    from kembed.vectors.io import check_save_path

    check_save_path(out, format=to, overwrite=overwrite)
    vectors = _load(source, member, errors=errors, cache=False)
    vectors.save(out, format=to, overwrite=overwrite)
    typer.echo(str(vectors.report))
    typer.echo(f"wrote {len(vectors):,} vectors to {out} ({to or format_for(out)})")


@app.command()
def neighbors(
    source: Source,
    words: Annotated[list[str], typer.Argument(help="Query words.")],
    topn: Topn = 10,
    restrict_vocab: Restrict = None,
    as_json: Json = False,
    cache: Cache = True,
) -> None:
    """Nearest neighbours (cosine) of each word."""
    vectors = _load(source, cache=cache)
    indices, sims = vectors.most_similar_batch(words, topn=topn, restrict_vocab=restrict_vocab)
    result = {
        word: [(vectors.index_to_key[i], float(s)) for i, s in zip(row, srow, strict=True)]
        for word, row, srow in zip(words, indices, sims, strict=True)
    }
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    for word, found in result.items():
        _table(word, [(n + 1, w, s) for n, (w, s) in enumerate(found)], ("#", "word", "cosine"))


@app.command()
def analogy(
    source: Source,
    a: Annotated[str, typer.Argument(help="a is to b ...")],
    b: Annotated[str, typer.Argument(help="... b ...")],
    c: Annotated[str, typer.Argument(help="... as c is to ?")],
    method: Annotated[str, typer.Option(help="3cosadd or 3cosmul.")] = "3cosadd",
    topn: Topn = 5,
    restrict_vocab: Restrict = None,
    as_json: Json = False,
    cache: Cache = True,
) -> None:
    """Answer "a is to b as c is to ?"."""
    vectors = _load(source, cache=cache)
    found = vectors.analogy(a, b, c, method=method, topn=topn, restrict_vocab=restrict_vocab)
    if as_json:
        typer.echo(json.dumps([list(n) for n in found], ensure_ascii=False))
        return
    rows = [(n + 1, w, s) for n, (w, s) in enumerate(found)]
    _table(f"{a} : {b} :: {c} : ?", rows, ("#", "word", "score"))


@app.command()
def download(
    name: Annotated[str | None, typer.Argument(help="A named source.")] = None,
    out: Annotated[Path | None, typer.Option(help="Where to save the file.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the named sources.")] = False,
) -> None:
    """Download a named source (resumable, verified)."""
    from kembed.vectors import sources

    if list_ or name is None:
        rows = [
            (key, f"{s.size / 1e9:.2f} GB" if s.size else "?", s.url)
            for key, s in sources.CATALOGUE.items()
        ]
        _table("named sources", rows, ("name", "size", "url"))
        return
    path = sources.download(name, path=out, progress=True)
    typer.echo(f"{name}: {path}")


@app.command()
def evaluate(
    source: Source,
    benchmarks: Annotated[
        list[Path],
        typer.Argument(
            help="Word-similarity files (word1<TAB>word2<TAB>score) and analogy files "
            "(questions-words.txt layout or MSR's .csv)."
        ),
    ],
    restrict_vocab: Annotated[
        int | None, typer.Option(min=1, help="Only the first N words count (gensim: 300000).")
    ] = 300_000,
    method: Annotated[str, typer.Option(help="Analogies: 3cosadd or 3cosmul.")] = "3cosadd",
    case_sensitive: Annotated[
        bool, typer.Option("--case-sensitive", help="Do not upper-case the words.")
    ] = False,
    sections: Annotated[bool, typer.Option(help="Show each analogy section.")] = False,
    as_json: Json = False,
    cache: Cache = True,
) -> None:
    """Word-pair similarity (Spearman, Pearson) and analogy accuracy, as gensim reports them."""
    from kembed import evaluate as evaluation

    vectors = _load(source, cache=cache)
    options = {"restrict_vocab": restrict_vocab, "case_insensitive": not case_sensitive}
    results = []
    for path in benchmarks:
        if evaluation.is_analogy_file(path):
            questions = evaluation.read_analogies(path)
            results.append(
                evaluation.evaluate_analogies(vectors, questions, method=method, **options)
            )
        else:
            pairs = evaluation.read_word_pairs(path)
            results.append(evaluation.evaluate_word_pairs(vectors, pairs, **options))
    if as_json:
        typer.echo(_json([r.to_dict() for r in results]))
        return
    pairs = [r for r in results if isinstance(r, evaluation.PairsResult)]
    if pairs:
        rows = [(r.name, r.spearman, r.pearson, r.pairs, f"{r.oov_ratio:.1f} %") for r in pairs]
        _table("word-pair similarity", rows, ("set", "Spearman", "Pearson", "pairs", "unknown"))
    for r in results:
        if isinstance(r, evaluation.AnalogyResult):
            typer.echo(str(r) if sections else str(r).splitlines()[0])


@app.command()
def plot(
    source: Source,
    words: Annotated[
        list[str] | None, typer.Argument(help="Words to place (default: the most frequent).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The picture: .png, .svg or .pdf.")] = (
        Path("map.png")
    ),
    method: Annotated[str, typer.Option(help="pca, umap or tsne.")] = "pca",
    top: Annotated[int, typer.Option(min=3, help="How many words without WORDS.")] = 500,
    labels: Annotated[int, typer.Option(min=0, help="How many words get a label.")] = 150,
    seed: Seed = None,
    overwrite: Overwrite = False,
    cache: Cache = True,
) -> None:
    """Draw a labelled 2-D map of words (PCA; UMAP or t-SNE with kembed[maps])."""
    from kembed import space
    from kembed.space.plot import check_picture

    check_picture(out, overwrite=overwrite)
    vectors = _load(source, cache=cache)
    projection = space.project(vectors, words or None, top=top, method=method, seed=seed or 0)
    space.plot_map(projection, out, labels=labels, overwrite=overwrite)
    typer.echo(f"wrote a {method} map of {len(projection.words):,} words to {out}")


@app.command()
def export(
    source: Source,
    projector: Annotated[
        Path | None, typer.Option(help="A folder for TensorBoard's Embedding Projector.")
    ] = None,
    coordinates: Annotated[
        Path | None, typer.Option(help="A CSV file of 2-D coordinates (word,x,y).")
    ] = None,
    neighbors: Annotated[
        Path | None, typer.Option(help="A CSV file of neighbour lists (word,rank,neighbor,...).")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="How many words (the first ones).")] = 10_000,
    topn: Topn = 10,
    method: Annotated[str, typer.Option(help="The map of --coordinates: pca, umap, tsne.")] = (
        "pca"
    ),
    overwrite: Overwrite = False,
    cache: Cache = True,
) -> None:
    """Write vectors for other tools: the Embedding Projector, coordinates, neighbours."""
    from kembed import space
    from kembed.space.export import check_projector

    if projector is None and coordinates is None and neighbors is None:
        raise typer.BadParameter("give --projector DIR, --coordinates CSV or --neighbors CSV")
    if projector is not None:
        check_projector(projector, overwrite=overwrite)
    for path in (coordinates, neighbors):
        if path is not None:
            check_output(path, overwrite=overwrite)
    vectors = _load(source, cache=cache)
    if projector is not None:
        written = space.write_projector(vectors, projector, top=top, overwrite=overwrite)
        typer.echo(f"wrote {', '.join(p.name for p in written)} to {projector}")
    if coordinates is not None:
        projection = space.project(vectors, top=top, method=method)
        space.write_coordinates(projection, coordinates, overwrite=overwrite)
        typer.echo(f"wrote {len(projection.words):,} {method} coordinates to {coordinates}")
    if neighbors is not None:
        space.write_neighbors(vectors, neighbors, top=top, topn=topn, overwrite=overwrite)
        typer.echo(f"wrote {topn} neighbours of {min(top, len(vectors)):,} words to {neighbors}")
