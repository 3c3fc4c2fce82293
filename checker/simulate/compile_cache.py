"""JAX's persistent compilation cache in the user's cache directory: XLA programs survive the process.

Why: a cold ``eoscheck loss`` spent ~1.8 s of its ~6 s compiling the same GD kernels every run, and every
``eoscheck run`` recompiles the kernels of the catalogue. With the cache, a second process loads the
compiled executables from disk (keyed by JAX on the program text, the JAX/XLA versions, the device and the
compile options, so a stale or foreign entry is never used).

Where: ``$XDG_CACHE_HOME/eos-checker/jax`` (default ``~/.cache/eos-checker/jax``) on Linux and other
Unixes, ``~/Library/Caches/eos-checker/jax`` on macOS, ``%LOCALAPPDATA%\\eos-checker\\jax`` on Windows;
``EOSCHECK_JAX_CACHE_DIR`` overrides the place. ``EOSCHECK_NO_JAX_CACHE=1`` turns the cache off (nothing is
read or written). Entries are ~10-100 kB, one per compiled program (a few hundred for the whole catalogue);
deleting the directory is always safe. No size cap: JAX's LRU eviction (``jax_compilation_cache_max_size``)
races between concurrent processes (pytest-xdist, Dask workers) and warns on every miss it causes. A cache
directory that cannot be created turns the cache off silently: it only ever saves time, never changes a
result.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import jax

DISABLE_ENV = "EOSCHECK_NO_JAX_CACHE"
DIR_ENV = "EOSCHECK_JAX_CACHE_DIR"
_STATE: dict[str, Path | None] = {}


def default_dir() -> Path:
    """The per-user cache directory for compiled JAX programs (platform conventions, as platformdirs)."""
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "eos-checker" / "jax"


def enable() -> Path | None:
    """Turn the persistent cache on (once per process); the directory used, or None when disabled."""
    if "dir" in _STATE:
        return _STATE["dir"]
    path: Path | None = None
    if os.environ.get(DISABLE_ENV, "").strip() not in {"1", "true", "yes"}:
        path = Path(os.environ.get(DIR_ENV) or default_dir())
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            path = None
    if path is not None:
        config: Any = jax.config  # untyped in jax
        config.update("jax_compilation_cache_dir", str(path))
        # Our kernels compile in 0.3-1 s each: JAX's default threshold (1 s) would skip most of them.
        config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    _STATE["dir"] = path
    return path
