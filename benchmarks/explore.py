"""The explorer's response times on the real GloVe 6B 50d vectors (400,000 x 50), against the
libraries a user would otherwise call, in the same run:

- a neighbour query through the server (HTTP round trip, JSON included; 100 different words
  of the 10,000 most frequent, median), against gensim's `most_similar` in process;
- a PCA map of the 50,000 most frequent words, as `/api/map` computes it on first request
  (and cached after), against scikit-learn's `PCA(2).fit_transform`;
- the page's first paint in Debian's Chromium (Playwright): from `goto` until the default
  5,000-word map is drawn, the first time (nothing cached) and then again.

    python benchmarks/explore.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
import urllib.parse
import urllib.request

import numpy as np

import _harness as harness


def _get(url: str) -> tuple[float, dict]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        answer = json.load(response)
    return time.perf_counter() - start, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from gensim.models.keyedvectors import KeyedVectors
    from sklearn.decomposition import PCA

    from kembed import Vectors
    from kembed.explore import Explorer, ExplorerServer

    vectors = Vectors.load("glove-6B-50d")
    start = time.perf_counter()
    explorer = Explorer({"glove-6B-50d": vectors})
    ready = time.perf_counter() - start
    logging.disable(logging.INFO)
    gensim = KeyedVectors(vector_size=vectors.dim)
    gensim.add_vectors(vectors.index_to_key, np.asarray(vectors.vectors))
    gensim.fill_norms()
    words = [vectors.index_to_key[i] for i in np.random.default_rng(0).choice(10_000, 100, False)]

    rows = []
    with ExplorerServer(explorer) as server:
        server.start()
        base = server.url + "api/"
        _get(base + "neighbors?q=the")  # warm-up
        served, library = [], []
        for _ in range(args.repeats):
            for word in words:
                seconds, answer = _get(base + "neighbors?" + urllib.parse.urlencode({"q": word}))
                served.append(seconds)
                start = time.perf_counter()
                expected = gensim.most_similar(word, topn=10)
                library.append(time.perf_counter() - start)
                assert [w for w, _ in answer["neighbors"]] == [w for w, _ in expected], word
        rows.append(("neighbour query, 400,000 x 50 (ms)", library, served, 1e3))

        first, _ = _get(base + "map?top=50000")
        cached, _ = _get(base + "map?top=50000")
        matrix = np.asarray(vectors.vectors[:50_000])
        sklearn_times, kembed_times = [], []
        from kembed.space import project

        for _ in range(args.repeats):
            start = time.perf_counter()
            PCA(n_components=2).fit_transform(matrix)
            sklearn_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            project(vectors, top=50_000)
            kembed_times.append(time.perf_counter() - start)
        rows.append(("PCA of 50,000 x 50 (s)", sklearn_times, kembed_times, 1))

        paints = _first_paints(server.url, args.repeats)

    print(harness.header())
    print(f"Explorer ready (vocabulary sorted, unit rows) {ready:.2f} s after the load")
    print(f"{'measure':<38}{'anchor':>12}{'kembed':>12}{'ratio':>8}  (medians)")
    for name, anchor, ours, scale in rows:
        a, k = statistics.median(anchor) * scale, statistics.median(ours) * scale
        print(f"{name:<38}{a:>12.3f}{k:>12.3f}{a / k:>8.2f}")
    print(f"/api/map top=50000, first request {first:.3f} s, cached {cached * 1e3:.1f} ms")
    print(
        f"first paint (5,000-word map): first {paints[0]:.3f} s, "
        f"median of the next {len(paints) - 1}: {statistics.median(paints[1:]):.3f} s"
    )


def _first_paints(url: str, repeats: int) -> list[float]:
    """Seconds from `goto` until the page's map is drawn, each in a new browser page."""
    from playwright.sync_api import sync_playwright

    seconds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for _ in range(repeats + 1):
            page = browser.new_page(bypass_csp=True)
            start = time.perf_counter()
            page.goto(url)
            page.wait_for_function("window.kembedMap && window.kembedMap.points > 0")
            seconds.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return seconds


if __name__ == "__main__":
    main()
