"""The embedding matrix, end to end: the slides' recipe (their loading loop over the whole
file, then one dict lookup per word) against `Vectors.load(path, vocab=...)` +
`embedding_matrix`, in the same run, from the real `glove.6B.50d.txt` (400 k words).

Vocabularies: MR (every word, about 19.5 k) and the 100 k most frequent words of the
Wikipedia sample (100 files). Each measurement runs in a fresh process: `kembed` is a
first load (no cache: the file is parsed), `kembed-cache` a later one (the file's cache
entry exists, as from the second notebook run on). `kembed` uses the slides' exact lookup
and zero rows, so its matrix must equal the slides' bit for bit (checked);
`kembed-fallbacks` adds the case fallbacks.

    python benchmarks/embedding_matrix.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import _harness as harness
from load_vectors import prepare, slides_loop

VARIANTS = ("slides", "kembed", "kembed-cache", "kembed-fallbacks")


def vocabularies(folder: Path) -> dict[str, Path]:
    """word_index JSON files of the two vocabularies (made once, not timed)."""
    from kembed import Tokenizer, read_lines

    files = {"MR": folder / "mr.json", "wiki-100k": folder / "wiki.json"}
    tokenizer = Tokenizer()
    for name in ("rt-polarity.pos", "rt-polarity.neg"):
        tokenizer.fit_on_texts(read_lines(harness.SHARED_DATA / "mr" / name, encoding="latin-1"))
    files["MR"].write_text(json.dumps(tokenizer.word_index), encoding="utf-8")
    tokenizer = Tokenizer()
    for path in sorted((harness.SHARED_DATA / "corpus-enwiki-2015" / "AA").glob("wiki_*")):
        tokenizer.fit_on_texts(read_lines(path, skip_prefix="<"))
    top = {w: i for w, i in tokenizer.word_index.items() if i <= 100_000}
    files["wiki-100k"].write_text(json.dumps(top), encoding="utf-8")
    return files


def worker(variant: str, path: Path, vocabulary: Path) -> None:
    word_index = json.loads(vocabulary.read_text(encoding="utf-8"))
    if variant == "slides":
        from numpy import zeros

        start = time.perf_counter()
        embeddings_index = slides_loop(path)
        vocab_size = len(word_index) + 1
        matrix = zeros((vocab_size, 50))
        for word, i in word_index.items():
            embedding_vector = embeddings_index.get(word)
            if embedding_vector is not None:
                matrix[i] = embedding_vector
        found = sum(1 for w in word_index if w in embeddings_index)
    else:
        from kembed import Vectors, candidate_words, embedding_matrix  # before the clock
        from kembed.embedding.matrix import LOOKUP

        lookup = LOOKUP if variant == "kembed-fallbacks" else ["exact"]
        start = time.perf_counter()
        vectors = Vectors.load(
            path, vocab=candidate_words(word_index, lookup=lookup), cache=variant != "kembed"
        )
        matrix, report = embedding_matrix(vectors, word_index, lookup=lookup, oov="zeros")
        found = report.num_found
        assert variant == "kembed" or vectors.report.from_cache
    seconds = time.perf_counter() - start
    digest = hashlib.sha256(np.asarray(matrix, dtype="float32").tobytes()).hexdigest()[:16]
    harness.emit(seconds=seconds, found=found, rows=len(matrix), sha=digest)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker")
    parser.add_argument("--path")
    parser.add_argument("--vocabulary")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, Path(args.path), Path(args.vocabulary))
        return
    print(harness.header())
    path = prepare(("50d",))["50d"]
    with tempfile.TemporaryDirectory() as folder:
        os.environ["KEMBED_CACHE"] = folder
        from kembed import Vectors

        Vectors.load(path)  # the cache entry of the kembed-cache variants
        for name, vocabulary in vocabularies(Path(folder)).items():
            results = harness.run_workers(
                __file__,
                VARIANTS,
                ["--path", str(path), "--vocabulary", str(vocabulary)],
                args.repeats,
            )
            slides = harness.median([r["seconds"] for r in results["slides"]])
            first = results["slides"][0]
            print(f"\n{name}: {first['rows'] - 1:,} words, matrix {first['rows']:,} x 50")
            columns = ("median s", "spread", "vs slides", "found", "same matrix")
            print(f"  {'variant':<18}" + "".join(f"{c:>14}" for c in columns))
            for variant, runs in results.items():
                seconds = [r["seconds"] for r in runs]
                m = harness.median(seconds)
                same = "yes" if runs[0]["sha"] == first["sha"] else "no"
                print(
                    f"  {variant:<18}{m:>14.3f}{harness.spread(seconds):>14}"
                    f"{slides / m:>13.1f}x{runs[0]['found']:>14,}{same:>14}"
                )


if __name__ == "__main__":
    main()
