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
