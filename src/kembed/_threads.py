"""Running a GIL-releasing kernel over a stream of items on background threads, results
kept in order. No Keras, no printing."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor


def in_order(func: Callable, items: Iterable, *, workers: int) -> Iterator:
    """Yields `func(item)` for each item, in order, computed in `workers` background
    threads while the caller prepares the next items (the kernels release the GIL)."""
    pending: deque[Future] = deque()
    with ThreadPoolExecutor(workers) as pool:
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
