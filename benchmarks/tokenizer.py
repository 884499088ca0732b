"""Tokenizer benchmark: `fit_on_texts` + `texts_to_sequences`, legacy Keras vs kembed.

The anchor is the legacy Tokenizer (keras-preprocessing 1.1.2, the class the slides use).
Each measurement is a fresh process that reads the texts, then times `fit_on_texts` and
`texts_to_sequences` on them; the outputs of both are hashed and must be identical. Peak
memory is the process's peak RSS, also given above what reading the texts took. kembed
builds `word_counts`, `word_docs`, `index_docs` and `index_word` only when they are read:
the "kembed, dicts read" runs read all four (and check them against legacy's) before
their peak is taken.

    python benchmarks/tokenizer.py                  # MR, 10 Wikipedia files, all 100, one text
    python benchmarks/tokenizer.py --datasets mr --repeats 5
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from itertools import chain

import numpy as np

from _harness import SHARED_DATA, emit, header, median, peak_rss_mib, run_workers, spread

DATASETS = {
    "mr": "MR, 10,662 sentences, 1.2 MB",
    "wiki10": "Wikipedia sample, files 00-09, ~10 MB, 1.6 M tokens",
    "wiki": "Wikipedia sample, all 100 files, ~100 MB, 16.5 M tokens",
    "onetext": "the first 53 M characters of the Wikipedia sample as one text",
}


def load(dataset: str) -> list[str]:
    from kembed.text import read_lines

    if dataset == "mr":
        folder = SHARED_DATA / "mr"
        names = ("rt-polarity.pos", "rt-polarity.neg")
        return [line for n in names for line in read_lines(folder / n, encoding="latin-1")]
    files = sorted((SHARED_DATA / "corpus-enwiki-2015" / "AA").glob("wiki_*"))
    files = files[:10] if dataset == "wiki10" else files
    lines = [line for path in files for line in read_lines(path, skip_prefix="<")]
    if dataset == "onetext":  # one huge document (a book, a dump): no batching possible
        return ["\n".join(lines)[:53_000_000]]
    return lines


COUNTED = ("word_counts", "word_docs", "index_docs", "index_word")


def worker(variant: str, dataset: str) -> None:
    if variant == "legacy":
        from keras_preprocessing.text import Tokenizer
    else:
        from kembed.text import Tokenizer
    texts = load(dataset)
    baseline = peak_rss_mib()
    start = time.perf_counter()
    tokenizer = Tokenizer()
    tokenizer.fit_on_texts(texts)
    fitted = time.perf_counter()
    sequences = tokenizer.texts_to_sequences(texts)
    done = time.perf_counter()
    if variant == "kembed-dicts":
        for name in COUNTED:
            getattr(tokenizer, name)  # builds it (it stays on the tokenizer)
    peak = peak_rss_mib()
    dicts = hashlib.sha256()
    if variant != "kembed":
        for name in COUNTED:  # sorted: legacy's word_docs follow set order, salted per process
            dicts.update(repr(sorted(getattr(tokenizer, name).items())).encode())
    digest = hashlib.sha256()
    digest.update(repr(list(tokenizer.word_index.items())).encode())
    digest.update(np.fromiter(map(len, sequences), dtype=np.int64).tobytes())
    digest.update(np.fromiter(chain.from_iterable(sequences), dtype=np.int64).tobytes())
    emit(
        fit=fitted - start,
        sequences=done - fitted,
        total=done - start,
        peak_mib=peak,
        above_texts_mib=peak - baseline,
        tokens=sum(map(len, sequences)),
        digest=digest.hexdigest(),
        dicts=dicts.hexdigest(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.dataset)
        return
    print(header())
    print(
        "Medians of fresh processes; time = fit_on_texts + texts_to_sequences, first call "
        "included;\nmemory = peak RSS, and in brackets its rise above the texts once read."
    )
    print(
        f"{'dataset':<8}{'tokens':>12}{'legacy s':>10}{'kembed s':>10}{'ratio':>7}"
        f"{'legacy MiB':>16}{'kembed MiB':>16}"
    )
    for dataset in args.datasets:
        variants = ["legacy", "kembed", "kembed-dicts"]
        runs = run_workers(__file__, variants, ["--dataset", dataset], args.repeats)
        legacy, ours, dicts = runs["legacy"], runs["kembed"], runs["kembed-dicts"]
        digests = {r["digest"] for r in legacy + ours + dicts}
        if len(digests) != 1 or len({r["dicts"] for r in legacy + dicts}) != 1:
            sys.exit(f"{dataset}: outputs differ between legacy and kembed: {digests}")
        t_legacy, t_ours = (median([r["total"] for r in rs]) for rs in (legacy, ours))
        memory = [
            f"{median([r['peak_mib'] for r in rs]):.0f} "
            f"({median([r['above_texts_mib'] for r in rs]):.0f})"
            for rs in (legacy, ours)
        ]
        print(
            f"{dataset:<8}{ours[0]['tokens']:>12,}{t_legacy:>10.3f}{t_ours:>10.3f}"
            f"{t_legacy / t_ours:>6.1f}x{memory[0]:>16}{memory[1]:>16}"
        )
        print(
            f"{'':<8}spread legacy {spread([r['total'] for r in legacy])} s, kembed "
            f"{spread([r['total'] for r in ours])} s; fit + seq: legacy "
            f"{median([r['fit'] for r in legacy]):.3f} + "
            f"{median([r['sequences'] for r in legacy]):.3f}, kembed "
            f"{median([r['fit'] for r in ours]):.3f} + "
            f"{median([r['sequences'] for r in ours]):.3f}; outputs identical"
        )
        print(
            f"{'':<8}kembed with the four counted dicts read too: "
            f"{median([r['peak_mib'] for r in dicts]):.0f} "
            f"({median([r['above_texts_mib'] for r in dicts]):.0f}) MiB, outputs identical"
        )


if __name__ == "__main__":
    main()
