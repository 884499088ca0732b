"""`kembed cache ...`: list and clear the converted vector files in `$KEMBED_CACHE`. Thin:
calls `kembed.vectors.cache`, prints."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="List and clear the cache of converted vector files ($KEMBED_CACHE).")


@app.command("list")
def list_() -> None:
    """List the cache's entries, largest first (stale ones will never be used again)."""
    from kembed.vectors import cache

    found = cache.entries()
    for e in found:
        options = ", ".join(f"{k}={v}" for k, v in sorted(e.options.items()) if v is not None)
        state = "  (stale)" if e.stale else ""
        typer.echo(f"{e.bytes / 2**20:10.1f} MiB  {e.source}  [{options}]{state}")
    total = sum(e.bytes for e in found)
    typer.echo(f"{len(found):,} entries, {total / 2**20:.1f} MiB in {cache.cache_dir()}")


@app.command()
def clear(
    stale: Annotated[
        bool, typer.Option("--stale", help="Only entries whose source is gone or changed.")
    ] = False,
) -> None:
    """Delete the cache's entries (only folders kembed wrote there)."""
    from kembed.vectors import cache

    gone = cache.clear(stale_only=stale)
    freed = sum(e.bytes for e in gone)
    typer.echo(f"deleted {len(gone):,} entries, {freed / 2**20:.1f} MiB")
