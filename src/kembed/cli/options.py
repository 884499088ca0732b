"""Options that several command groups share, defined once (typer `Annotated` aliases)."""

from __future__ import annotations

from typing import Annotated

import typer

Overwrite = Annotated[
    bool, typer.Option("--overwrite", help="Replace an existing file or kembed folder.")
]
Cache = Annotated[
    bool, typer.Option(help="Convert a vector file into $KEMBED_CACHE on first use.")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Encoding = Annotated[
    str, typer.Option(help="Text encoding of the files (utf-8, latin-1, cp1252, ...).")
]
Seed = Annotated[int | None, typer.Option(help="Random seed: the same seed, the same result.")]
