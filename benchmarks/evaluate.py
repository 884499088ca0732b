"""Analogy evaluation: gensim's `evaluate_word_analogies` against
`kembed.evaluate.evaluate_analogies`, in the same run, on the real GloVe 6B 50d vectors
(400 k words) and questions-words.txt (19,544 questions), `restrict_vocab=300000`,
`case_insensitive=True`, 3CosAdd. Each measurement runs in a fresh process, after the
vectors are loaded (not timed); both must give the same accuracy (checked).

    python benchmarks/evaluate.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np

import _harness as harness

VARIANTS = ("gensim", "kembed")


def worker(variant: str) -> None:
    from kembed import Vectors

    vectors = Vectors.load("glove-6B-50d")
    questions = harness.SHARED_DATA / "word-analogy" / "questions-words.txt"
    if variant == "gensim":
        from gensim.models.keyedvectors import KeyedVectors

        logging.disable(logging.INFO)
        model = KeyedVectors(vector_size=vectors.dim)
        model.add_vectors(vectors.index_to_key, np.asarray(vectors.vectors))
        model.fill_norms()
        start = time.perf_counter()
        accuracy, _ = model.evaluate_word_analogies(questions, restrict_vocab=300_000)
    else:
        from kembed.evaluate import evaluate_analogies, read_analogies

        vectors.unit  # noqa: B018 - the unit rows are computed before the clock, as gensim's
        start = time.perf_counter()  # reading the file counts, as it does for gensim
        accuracy = evaluate_analogies(
            vectors, read_analogies(questions), restrict_vocab=300_000
        ).accuracy
    harness.emit(seconds=time.perf_counter() - start, accuracy=accuracy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    results = harness.run_workers(__file__, VARIANTS, [], args.repeats)
    accuracies = {round(r["accuracy"], 6) for rows in results.values() for r in rows}
    assert len(accuracies) == 1, f"the two disagree: {accuracies}"
    print(harness.header())
    print(f"questions-words, GloVe 6B 50d, restrict_vocab=300000: accuracy {accuracies.pop():.2%}")
    times = {v: [r["seconds"] for r in rows] for v, rows in results.items()}
    for variant, seconds in times.items():
        print(f"{variant:<8}{harness.median(seconds):>9.2f} s  ({harness.spread(seconds)} s)")
    ratio = harness.median(times["gensim"]) / harness.median(times["kembed"])
    print(f"kembed is {ratio:.1f}x faster (goal: 20x)")


if __name__ == "__main__":
    main()
