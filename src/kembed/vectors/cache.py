"""kembed's cache of converted vector files: the folder (`KEMBED_CACHE`, default
`~/.cache/kembed`) and the key of a source (its real path, size and modification time,
and the options that change what a load returns). No parsing here.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def cache_dir() -> Path:
    """The cache folder: `$KEMBED_CACHE`, else `~/.cache/kembed` (created on demand)."""
    return Path(os.environ.get("KEMBED_CACHE") or Path.home() / ".cache" / "kembed")


def entry(path: str | os.PathLike[str], **options) -> Path:
    """The cache folder for `path` loaded with `options` (a change to the file, its size
    or modification time, or to an option gives a new entry)."""
    real = os.path.realpath(path)
    stat = os.stat(real)
    key = json.dumps(
        {"path": real, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, **options},
        sort_keys=True,
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return cache_dir() / "vectors" / f"{Path(real).name}-{digest}"
