"""Training fastText subword vectors on the 16 M-token Wikipedia sample: kembed's
`train_fasttext` against gensim 4.4's `FastText` and the fastText bindings'
`train_unsupervised` (fasttext-numpy2-wheel), skip-gram, in the same run.

The corpus is tokenised once, before any clock starts, by `train_embeddings.prepare`
(one paragraph a line, lower-cased, tokens `[a-z0-9']+`); every tool reads that file and
its wall time includes its vocabulary scan (kembed with its default `Tokenizer` rules,
which give exactly fastText's whitespace-split tokens on this file: the same 16,256,001
ids, in 3.3 s where `tokenize=str.split` takes 6.2 s). Settings, fastText's defaults for
all three: 100-d, window 5, 5 negatives, t 1e-4, min_count 5, 5 epochs, lr 0.05, n-grams
of 3 to 6 characters in 2,000,000 buckets, 2 threads.

Quality, the same code for the three: each model goes through a fastText `.bin`
(`save_model`, gensim's `save_facebook_model`, `Vectors.save(format="fasttext")`),
loaded by kembed (equal to each tool's own vectors, see the tests), so that every word of
every set gets a vector, from its n-grams when unseen. Analogies on questions-words with
`restrict_vocab=30000` (semantic and syntactic sections apart); Spearman x 100 on WS-353,
SimLex-999 and the rare-word set RW (all pairs; the share with a word outside the
vocabulary, answered from subwords, printed).

    python benchmarks/train_fasttext.py [--repeats 1] [--only kembed,fasttext,gensim]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import _harness as harness

VARIANTS = ("fasttext", "kembed", "gensim")
SETS = {"WS-353": "EN-WS-353-ALL.txt", "SimLex": "EN-SIMLEX-999.txt", "RW": "EN-RW-STANFORD.txt"}
COLUMNS = ("seconds", "semantic", "syntactic", "WS-353", "SimLex", "RW")


def quality(vectors) -> dict:
    from scipy.stats import spearmanr

    from kembed.evaluate import evaluate_analogies, read_analogies
    from kembed.evaluate.readers import read_word_pairs

    data = harness.SHARED_DATA
    analogies = evaluate_analogies(
        vectors,
        read_analogies(data / "word-analogy" / "questions-words.txt"),
        restrict_vocab=30_000,
    )
    result = {}
    for kind in ("semantic", "syntactic"):
        parts = [(c, i) for name, c, i in analogies.sections if name.startswith("gram") == (
            kind == "syntactic")]  # fmt: skip
        result[kind] = 100 * sum(c for c, _ in parts) / max(sum(c + i for c, i in parts), 1)
    for name, file in SETS.items():
        found = read_word_pairs(data / "word-similarity" / file)
        pairs = [(a.lower(), b.lower()) for a, b in found.pairs]  # the corpus is lower-cased
        first = vectors.unit_lookup([a for a, _ in pairs])
        second = vectors.unit_lookup([b for _, b in pairs])
        cosines = (first * second).sum(axis=1)
        result[name] = 100 * spearmanr(cosines, found.scores).statistic
        unseen = sum(a not in vectors or b not in vectors for a, b in pairs)
        result[f"{name} unseen"] = 100 * unseen / len(pairs)
    return result


def worker(variant: str, corpus: Path) -> None:
    with tempfile.TemporaryDirectory(prefix=f"bench-{variant}-") as folder:
        _train_and_judge(variant, corpus, Path(folder) / "model.bin")


def _train_and_judge(variant: str, corpus: Path, model: Path) -> None:
    from kembed import Vectors

    start = time.perf_counter()
    if variant == "fasttext":
        import fasttext

        trained = fasttext.train_unsupervised(
            str(corpus), model="skipgram", dim=100, ws=5, neg=5, t=1e-4, minCount=5, epoch=5,
            lr=0.05, minn=3, maxn=6, bucket=2_000_000, thread=2, verbose=0,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        trained.save_model(str(model))
    elif variant == "gensim":
        from gensim.models import FastText
        from gensim.models.fasttext import save_facebook_model

        logging.disable(logging.INFO)
        trained = FastText(
            corpus_file=str(corpus), sg=1, vector_size=100, window=5, negative=5,
            sample=1e-4, min_count=5, epochs=5, alpha=0.05, min_n=3, max_n=6,
            bucket=2_000_000, workers=2,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        save_facebook_model(trained, str(model))
    else:
        from kembed.training import train_fasttext

        trained = train_fasttext(corpus, workers=2)
        seconds = time.perf_counter() - start
        trained.save(model, format="fasttext")
    peak = harness.peak_rss_mib()
    vectors = Vectors.load(model, cache=False)
    harness.emit(seconds=seconds, words=len(vectors), peak_mib=peak, **quality(vectors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", default=",".join(VARIANTS))
    parser.add_argument("--worker")
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.corpus)
        return
    from train_embeddings import prepare

    folder = Path(os.environ.get("KEMBED_BENCH_DIR", Path(tempfile.gettempdir()) / "kembed-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    corpus = prepare(folder)
    variants = args.only.split(",")
    results = harness.run_workers(__file__, variants, ["--corpus", str(corpus)], args.repeats)
    print(harness.header())
    print("Wikipedia sample, skip-gram 100-d, 2 threads; analogy % (restrict 30k), Spearman x 100")
    print(f"{'variant':<10}" + "".join(f"{c:>11}" for c in COLUMNS) + "   words, RW unseen %")
    medians = {}
    for variant, rows in results.items():
        medians[variant] = {c: harness.median([r[c] for r in rows]) for c in COLUMNS}
        cells = "".join(f"{medians[variant][c]:>11.1f}" for c in COLUMNS)
        print(f"{variant:<10}{cells}   {rows[0]['words']:,}, {rows[0]['RW unseen']:.1f}")
        for run, row in enumerate(rows if len(rows) > 1 else [], 1):
            print(f"{f'  run {run}':<10}" + "".join(f"{row[c]:>11.1f}" for c in COLUMNS))
    if "kembed" in medians:
        ours = medians["kembed"]
        for peer, goal in (("gensim", 2), ("fasttext", 3)):
            if peer in medians:
                ratio = medians[peer]["seconds"] / ours["seconds"]
                gaps = ", ".join(f"{c} {ours[c] - medians[peer][c]:+.1f}" for c in COLUMNS[1:])
                print(f"kembed {ratio:.2f}x {peer}'s speed (goal >= {goal}); quality {gaps}")


if __name__ == "__main__":
    main()
