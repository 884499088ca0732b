"""The one progress helper: a rich progress bar the caller can switch off. Library code
reports progress through it and never prints otherwise."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(
    total: int | None,
    description: str,
    *,
    enabled: bool,
    completed: int = 0,
    unit: str = "bytes",
) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`; shows a bar with size, speed and time left on stderr when
    `enabled` and stderr is a terminal (stdout stays clean for results such as `--json`).
    `unit` is `"bytes"` or a word such as `"words"` (counted, with a rate per second)."""
    if not (enabled and sys.stderr.isatty()):  # no bars in logs and pipes
        yield lambda n: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    if unit == "bytes":
        amount, speed = DownloadColumn(), TransferSpeedColumn()
    else:
        from rich.progress import MofNCompleteColumn, ProgressColumn
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task) -> Text:
                return Text(f"{(task.speed or 0) / 1e6:.2f} M {unit}/s")

        amount, speed = MofNCompleteColumn(), Rate()
    columns = ("{task.description}", BarColumn(), amount, speed, TimeRemainingColumn())
    from rich.console import Console

    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=total, completed=completed)
        yield lambda n: bar.advance(task, n)
