"""Shared benchmark harness: each measurement runs in its own process, anchor and kembed
alternate in the same run, and the summary gives medians, spreads and ratios.

A worker prints one JSON line; `run_workers` starts them and `report` prints the table
with the machine, versions and commit. Benchmarks never run in the test suite.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KEMBED_SHARED_DATA", REPO.parent / "shared" / "data"))


def peak_rss_mib() -> float:
    """The peak resident memory of this process so far, in MiB (VmHWM: unlike
    `getrusage`'s maxrss, it is not inherited from the parent that forked the worker)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(**result) -> None:
    """Prints a worker's result as the one JSON line the harness reads."""
    print(json.dumps(result), flush=True)


def run_workers(script: str, variants: Sequence[str], args: Sequence[str], repeats: int):
    """Runs `script --worker VARIANT ARGS` `repeats` times per variant, interleaved,
    each result printed to stderr as it ends. kembed's modules are compiled to bytecode
    first, as an installed package has them (this machine sets PYTHONDONTWRITEBYTECODE, so
    an editable install would otherwise compile its sources again in every worker).

    Returns:
        variant -> list of result dicts.
    """
    import compileall

    import kembed

    compileall.compile_dir(Path(kembed.__file__).parent, quiet=1)
    results: dict[str, list[dict]] = {v: [] for v in variants}
    for _ in range(repeats):
        for variant in variants:
            out = subprocess.run(
                [sys.executable, script, "--worker", variant, *args],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode != 0:
                raise RuntimeError(f"worker {variant} failed:\n{out.stderr}")
            line = out.stdout.strip().splitlines()[-1]
            results[variant].append(json.loads(line))
            print(variant, line, file=sys.stderr, flush=True)
    return results


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    return f"{min(values):.3g}-{max(values):.3g}"


def header() -> str:
    """Date, machine, Python, library versions and commit, for BENCHMARKS.md."""
    import importlib.metadata as metadata

    versions = []
    for name in ("kembed", "numpy", "numba", "keras", "keras-preprocessing"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{name} {metadata.version(name)}")
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{datetime.date.today()} | {cpu}, {os.cpu_count()} cores | Python "
        f"{platform.python_version()} | {', '.join(versions)} | commit {commit or '?'}"
    )
