"""The real GloVe 6B 50d vectors at work: load (converted once, then memory-mapped),
nearest neighbours in one batched query, and analogies, 3CosAdd and 3CosMul."""

from __future__ import annotations

import time

from kembed.vectors import Vectors

WORDS = ("frog", "computer", "paris", "excellent")
ANALOGIES = (("man", "king", "woman"), ("france", "paris", "japan"), ("slow", "slower", "fast"))


def run(source: str = "glove-6B-50d") -> str:
    """Loads `source` twice (the second time from the cache) and returns a readable
    summary of its neighbours and analogies."""
    start = time.perf_counter()
    vectors = Vectors.load(source)
    first = time.perf_counter() - start
    start = time.perf_counter()
    vectors = Vectors.load(source)
    second = time.perf_counter() - start
    lines = [
        f"Pretrained vectors: {source}, {len(vectors):,} words x {vectors.dim}",
        f"  loaded in {first:.2f} s, again in {second * 1000:.0f} ms (memory-mapped cache)",
        "  nearest neighbours (cosine):",
    ]
    indices, sims = vectors.most_similar_batch(list(WORDS), topn=5)
    for word, row, srow in zip(WORDS, indices, sims, strict=True):
        found = ", ".join(
            f"{vectors.index_to_key[i]} {s:.2f}" for i, s in zip(row, srow, strict=True)
        )
        lines.append(f"    {word:<10} {found}")
    lines.append("  analogies (a : b :: c : ?)  3CosAdd / 3CosMul:")
    for a, b, c in ANALOGIES:
        add = vectors.analogy(a, b, c)[0].word
        mul = vectors.analogy(a, b, c, method="3cosmul")[0].word
        lines.append(f"    {a} : {b} :: {c} : {add} / {mul}")
    return "\n".join(lines)
