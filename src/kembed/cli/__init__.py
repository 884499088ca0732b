"""The `kembed` command line: builds the typer app, one sub-app per command group.

Commands parse their options, call the public API and print what it returns. A
`KembedError` (or a `ValueError` / `TypeError` about the user's input) becomes one line on
stderr and exit code 1; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kembed.__about__ import __version__

app = typer.Typer(
    name="kembed",
    help="Word embeddings on Keras 3, on every backend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_state = {"debug": False}


def _add_groups() -> None:
    from kembed.cli import cache, classify, explore, train, vectors

    app.command()(explore.explore)
    app.add_typer(vectors.app, name="vectors")
    app.add_typer(classify.app, name="classify")
    app.add_typer(train.app, name="train")
    app.add_typer(cache.app, name="cache")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kembed {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the models and vectors it saves.")] = Path(
        "kembed-demo"
    ),
    epochs: Annotated[int, typer.Option(min=1, help="Training epochs per model.")] = 50,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    verbose: Annotated[int, typer.Option(min=0, max=2, help="Keras' fit verbosity.")] = 0,
) -> None:
    """Run the slide deck's workflows on built-in data and print what they did."""
    from kembed.examples import glove_embedding, own_embedding, vectors_tour

    typer.echo(str(own_embedding.run(out_dir=out, epochs=epochs, seed=seed, verbose=verbose)))
    typer.echo("")
    typer.echo(str(glove_embedding.run(out_dir=out, epochs=epochs, seed=seed, verbose=verbose)))

    typer.echo("")
    typer.echo(vectors_tour.run())


def main() -> None:
    """The console script: runs the app, turning data errors into one line on stderr, and
    kembed's warnings into one `Warning:` line each."""
    import warnings

    from kembed.errors import KembedError

    show = warnings.showwarning

    def one_line(message, category, filename, lineno, file=None, line=None):
        if category.__module__.startswith("kembed") and not _state["debug"]:
            typer.echo(f"Warning: {message}", err=True)
        else:
            show(message, category, filename, lineno, file, line)

    warnings.showwarning = one_line
    try:
        app()
    except (KembedError, ValueError, TypeError, KeyError, OSError) as error:
        if _state["debug"]:
            raise
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        typer.echo(f"Error: {message}", err=True)
        sys.exit(1)
    finally:
        if "kembed.vectors.cache" in sys.modules:  # a first load's cache write, finished
            sys.modules["kembed.vectors.cache"].wait()  # while our warnings still print
        warnings.showwarning = show


_add_groups()
