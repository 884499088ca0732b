"""`kembed explore VECTORS...`: the explorer page on a local web server. Thin: loads the
vectors, builds `kembed.explore.Explorer` and serves it until Ctrl-C."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kembed.cli.options import Cache


def explore(
    sources: Annotated[
        list[str],
        typer.Argument(help="Vector files, kembed folders or named sources (two to compare)."),
    ],
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: a free one).")] = 0,
    host: Annotated[
        str, typer.Option(help="Address to listen on; other than 127.0.0.1 opens it to others.")
    ] = "127.0.0.1",
    evaluations: Annotated[
        list[Path] | None,
        typer.Option("--eval", help="A word-pair or analogy file to score on the page."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Load only the first N vectors of each source.")
    ] = None,
    cache: Cache = True,
) -> None:
    """Explore vectors in the browser: neighbours, maps, comparisons, evaluations."""
    from kembed.explore import Explorer, ExplorerServer
    from kembed.vectors import Vectors

    sets = {}
    for source in sources:
        vectors = Vectors.load(source, limit=limit, cache=cache, progress=True)
        name = Path(source).name or source
        while name in sets:
            name += "'"
        sets[name] = vectors
    explorer = Explorer(sets, [str(path) for path in evaluations or []])
    with ExplorerServer(explorer, host=host, port=port) as server:
        if not server.is_local:
            typer.echo(
                f"Warning: listening on {host}: anyone who can reach this machine can query "
                "these vectors.",
                err=True,
            )
        typer.echo(f"kembed explorer: {server.url}  ({len(sets)} vector set(s); Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            typer.echo("stopped")
