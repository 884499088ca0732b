"""fastText models: loading a `.bin` and building vectors of unseen words, against the
fastText bindings and gensim, each measurement in a fresh process, interleaved.

The model is trained once by the fastText bindings on the Wikipedia sample (skip-gram,
100-d, 1 epoch, minn 3, maxn 6, 2,000,000 buckets, 2 threads) and kept at `--model`.

- load: `fasttext.load_model` + `get_word_vector` of every word (what a user needs for a
  vector table) against `kembed.Vectors.load` (every word's vector built, in one pass),
  the default first load (an empty cache, written in the background after the load
  returns; the time until that entry is written is printed beside it) and a reload from
  the cache (memory-mapped);
- unseen: vectors of 100,000 strings not in the model (words with a letter changed),
  gensim's `FastTextKeyedVectors` (`kv[words]`) against `Vectors.lookup`, after the load.
Both give the same vectors (checked on a sample in every run).

    python benchmarks/subwords.py [--repeats 3] [--model /tmp/kembed-bench/wiki.bin]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import _harness as harness

VARIANTS = ("fasttext-load", "kembed-load", "kembed-reload", "gensim-unseen", "kembed-unseen")


def _unseen(words: list[str], n: int = 100_000) -> list[str]:
    rng = np.random.default_rng(0)
    known = set(words)
    out = []
    for word in rng.choice(words, 3 * n):
        k = int(rng.integers(len(word)))
        changed = word[:k] + "qxz"[k % 3] + word[k + 1 :]
        if changed not in known:
            out.append(changed)
        if len(out) == n:
            break
    return out


def worker(variant: str, model: str) -> None:
    sample = slice(0, 1000)
    if variant == "fasttext-load":
        import fasttext

        start = time.perf_counter()
        loaded = fasttext.load_model(model)
        matrix = np.stack([loaded.get_word_vector(w) for w in loaded.words])
        seconds = time.perf_counter() - start
        harness.emit(
            seconds=seconds, check=matrix[sample].sum().item(), rss=harness.peak_rss_mib()
        )
    elif variant in ("kembed-load", "kembed-reload"):
        import os
        import shutil
        import tempfile

        if variant == "kembed-load":  # a first load: an empty cache, which it fills
            os.environ["KEMBED_CACHE"] = tempfile.mkdtemp(prefix="kembed-bench-")
        from kembed import Vectors
        from kembed.vectors import cache

        start = time.perf_counter()
        vectors = Vectors.load(model)
        seconds = time.perf_counter() - start
        check = np.asarray(vectors.vectors[sample]).sum().item()
        cache.wait()  # a first load's entry, written in the background, is complete
        written = time.perf_counter() - start
        if variant == "kembed-load":
            shutil.rmtree(os.environ["KEMBED_CACHE"])
        harness.emit(seconds=seconds, written=written, check=check, rss=harness.peak_rss_mib())
    elif variant == "gensim-unseen":
        from gensim.models.fasttext import load_facebook_vectors

        vectors = load_facebook_vectors(model)
        unseen = _unseen(list(vectors.index_to_key))
        start = time.perf_counter()
        matrix = vectors[unseen]
        seconds = time.perf_counter() - start
        harness.emit(
            seconds=seconds, check=matrix[sample].sum().item(), rss=harness.peak_rss_mib()
        )
    else:
        from kembed import Vectors

        vectors = Vectors.load(model)
        unseen = _unseen(vectors.index_to_key)
        vectors.lookup(unseen[:10])  # the kernel is compiled or loaded before the clock
        start = time.perf_counter()
        matrix = vectors.lookup(unseen)
        seconds = time.perf_counter() - start
        harness.emit(
            seconds=seconds, check=matrix[sample].sum().item(), rss=harness.peak_rss_mib()
        )


def _train(path: Path) -> None:
    import fasttext

    corpus = path.with_suffix(".txt")
    with open(corpus, "w", encoding="utf-8") as out:
        for file in sorted((harness.SHARED_DATA / "corpus-enwiki-2015").glob("*/wiki_*")):
            for line in file.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("<"):
                    out.write(line + "\n")
    start = time.perf_counter()
    model = fasttext.train_unsupervised(
        str(corpus), model="skipgram", dim=100, epoch=1, minCount=5, thread=2, verbose=0
    )
    model.save_model(str(path))
    print(f"trained {path} in {time.perf_counter() - start:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", default="/tmp/kembed-bench/wiki.bin")
    parser.add_argument("--worker")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.model)
        return
    model = Path(args.model)
    if not model.exists():
        model.parent.mkdir(parents=True, exist_ok=True)
        _train(model)
    from kembed import Vectors
    from kembed.vectors import cache

    Vectors.load(model)  # the cache entry that kembed-reload opens
    cache.wait()
    results = harness.run_workers(__file__, VARIANTS, ["--model", str(model)], args.repeats)
    pairs = [("fasttext-load", "kembed-load"), ("fasttext-load", "kembed-reload")]
    for a, b in [*pairs, ("gensim-unseen", "kembed-unseen")]:
        checks = {round(r["check"], 2) for v in (a, b) for r in results[v]}
        assert len(checks) == 1, f"{a} and {b} disagree: {checks}"
    print(harness.header())
    print(f"model: {model} ({model.stat().st_size / 2**20:,.0f} MiB)")
    print(f"{'measure':<40}{'anchor':>10}{'kembed':>10}{'ratio':>8}  (medians, peak MiB)")
    for name, a, b in (
        ("load + every word's vector (s)", "fasttext-load", "kembed-load"),
        ("the same, reopened from the cache (s)", "fasttext-load", "kembed-reload"),
        ("100,000 unseen words (s)", "gensim-unseen", "kembed-unseen"),
    ):
        anchor = harness.median([r["seconds"] for r in results[a]])
        ours = harness.median([r["seconds"] for r in results[b]])
        rss = f"{harness.median([r['rss'] for r in results[a]]):,.0f} / "
        rss += f"{harness.median([r['rss'] for r in results[b]]):,.0f}"
        print(f"{name:<40}{anchor:>10.3f}{ours:>10.3f}{anchor / ours:>8.1f}x  {rss}")
        if b == "kembed-load":  # beside the headline: until the cache entry is on disk
            ours = harness.median([r["written"] for r in results[b]])
            name = "  the same, until its cache is written"
            print(f"{name:<40}{anchor:>10.3f}{ours:>10.3f}{anchor / ours:>8.1f}x")


if __name__ == "__main__":
    main()
