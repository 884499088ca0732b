"""The searches behind `Vectors`' neighbour and analogy queries: blocks of queries against
cache-sized tiles of candidates, merged by the kernels of `topk`, and analogy questions
that share their words. numpy here; numba comes with `topk`, imported by the first search
(so that importing this module, for `METHODS`, loads nothing).
"""

from __future__ import annotations

import numpy as np

METHODS = ("3cosadd", "3cosmul")  # the analogy methods

_QUERY_BLOCK = 1024  # queries a block; candidates go in tiles of 4,096
_SHARED_WORDS = 2  # questions per distinct word from which analogies share word scores


def analogies(
    unit: np.ndarray,
    ia: np.ndarray,
    ib: np.ndarray,
    ic: np.ndarray,
    method: str,
    topn: int,
    limit: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The `topn` best answers (indices, scores) to `a : b :: c : ?` for the rows
    `ia`, `ib`, `ic` of the unit vectors `unit`, among its first `limit` rows."""
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}. Received: method={method!r}")
    words, where = np.unique(np.concatenate([ia, ib, ic]), return_inverse=True)
    if _SHARED_WORDS * len(words) <= len(ia):
        rows = np.stack([ia, ib, ic])
        return _shared_analogies(unit, words, where.reshape(3, -1), rows, method, topn, limit)
    if method == "3cosadd":
        query = (unit[ib] + unit[ic] - unit[ia]) / 3
        query /= np.maximum(np.linalg.norm(query, axis=1, keepdims=True), 1e-30)

        def scores(q, start, stop):
            return query[q] @ unit[start:stop].T

    else:
        abc = np.stack([unit[ia], unit[ib], unit[ic]])  # (3, queries, dim)

        def scores(q, start, stop):
            sa, sb, sc = (abc[:, q] @ unit[start:stop].T + 1) / 2
            return sb * sc / (sa + np.float32(1e-6))

    return tiled(scores, len(ia), [ia, ib, ic], topn, limit)


def _shared_analogies(
    unit: np.ndarray,
    words: np.ndarray,
    abc: np.ndarray,
    rows: np.ndarray,
    method: str,
    topn: int,
    limit: int,
) -> tuple[np.ndarray, np.ndarray]:
    """`analogies` for questions that share their words (an evaluation set asks
    20 k questions of 900 words): a tile's scores against the distinct `words` are
    one small product, and a question's scores combine three of its rows, element by
    element, instead of a product of their own. `abc` holds the questions' words as
    rows of `words`, `rows` as rows of the table."""
    from kembed.vectors.topk import merge_analogies, tiled_merge

    shared = np.ascontiguousarray(unit[words])
    # 3CosAdd's score is the cosine with the normalised mean of b, c and -a.
    mean = (unit[rows[1]] + unit[rows[2]] - unit[rows[0]]) / 3
    scale = 1 / (3 * np.maximum(np.linalg.norm(mean, axis=1), 1e-30)).astype(np.float32)
    topn, cosmul = min(topn, limit), method == "3cosmul"
    # A tile of scores (len(words) x tile, 2 MB) stays in the cache (timed best here).
    tile = int(np.clip(2**19 // len(words), 64, 4096))

    def merge(start, stop, indices, values, filled):
        scores = shared @ unit[start:stop].T
        merge_analogies(scores, start, abc, rows, scale, cosmul, topn, indices, values, filled)

    return tiled_merge(merge, rows.shape[1], limit, topn, tile=tile, work=rows.size * limit)


def tiled(scores, queries: int, excluded: list, topn: int, limit: int):
    """The `topn` best of `scores(q, start, stop)` (queries `q`, a slice; candidate
    rows `start:stop`) over the first `limit` rows, for `queries` queries in blocks;
    the rows in `excluded` (one array per excluded word, one entry per query) never
    win. Tiles of candidates keep the scores in the processor's cache."""
    from kembed.vectors.topk import tiled_topn

    topn = min(topn, limit)
    indices = np.empty((queries, topn), dtype=np.int64)
    values = np.empty((queries, topn), dtype=np.float32)

    for s in range(0, queries, _QUERY_BLOCK):
        q = slice(s, min(s + _QUERY_BLOCK, queries))
        out = [e[q] for e in excluded]

        def tile(start, stop, q=q, out=out):
            found = scores(q, start, stop)
            for e in out:
                inside = (e >= start) & (e < stop)
                found[np.flatnonzero(inside), e[inside] - start] = -np.inf
            return found

        indices[q], values[q] = tiled_topn(tile, q.stop - q.start, limit, topn)
    return indices, values
