"""Compiled batch kernels saved whole on disk, so a warm process skips tracing and lowering as well.

Why: JAX's persistent compilation cache (compile_cache.py) skips XLA's compile, but it is keyed on the
lowered program, so every new process still traces the kernel in Python and lowers it to StableHLO before
it can look the program up: ~0.15-0.2 s per batch shape, about 0.4 s of a cold ``eoscheck loss`` (the
simulations and the basin are two shapes). Here the executable is serialized with
``jax.experimental.serialize_executable`` under a key known *before* tracing: everything the traced program
is a function of.

The key (a stale or foreign entry must never be used): the caller's kernel key (loss structure, dtype,
static options), the shape and dtype of every argument, the content of every ``.py`` file of the
``checker`` package (any edit of the code that builds a kernel invalidates every entry), the versions of
Python, jax, jaxlib, numpy and sympy, JAX's configuration values and the ``JAX_*``/``XLA_*`` environment,
the backend's platform and devices, and the CPU's model and feature flags (XLA:CPU code is specialised to
the host's instruction set).

Who uses it: callers opt in with :func:`saving` (the loss job's simulations and basin, whose cold start
this is for); every other kernel call takes the plain ``jax.jit`` path. Why opt in: the key changes with
every edit of the package, and a miss costs a real XLA compile (next paragraph), which the test suite
would otherwise pay for every kernel after every edit.

Only executables XLA really compiled are written: one that JAX loaded from its own persistent cache does
not serialize completely (measured, jax 0.10: it loads, then fails at run time with a missing function).
So on a miss the kernel is compiled under a name unique to the key (JAX's cache cannot hold it) with
JAX's cache writes off, and a compile that still reports a JAX cache hit is not saved. A loaded executable
that fails to run is deleted and the kernel runs through ``jax.jit`` instead, so this cache can only ever
save time. Same place and switch as compile_cache.py: entries live in ``executables/`` under JAX's cache
directory, and ``EOSCHECK_NO_JAX_CACHE=1`` turns both off. Only single-device CPU kernels use it (the
sharded and GPU paths are not exercised by the tests on this machine).

Entries are pickles (like JAX's own cache entries they hold native code: the cache directory must be
writable by its user only, as ``~/.cache`` is).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import jax
import numpy as np

from checker.simulate import compile_cache

FORMAT = "eoscheck-executable-1"
_PACKAGE = Path(__file__).resolve().parent.parent
_HITS_EVENT = "/jax/compilation_cache/cache_hits"
_STATE: dict[str, Any] = {}
_MEMO: dict[str, Any] = {}
_JAX_CACHE_HITS = [0]
_COUNTS = {"loaded": 0, "saved": 0, "dropped": 0}
_SAVING: ContextVar[bool] = ContextVar("eoscheck_saving_executables", default=False)


@contextmanager
def saving() -> Iterator[None]:
    """Kernel calls inside this block load and save whole executables (module docstring)."""
    token = _SAVING.set(True)
    try:
        yield
    finally:
        _SAVING.reset(token)


def counts() -> dict[str, int]:
    """Executables loaded from disk, saved to disk, and dropped (failed to load or run) in this process."""
    return dict(_COUNTS)


def _on_event(event: str, **_: Any) -> None:
    if event == _HITS_EVENT:
        _JAX_CACHE_HITS[0] += 1


def directory() -> Path | None:
    """Where serialized executables live (None: the cache is off or not creatable)."""
    if "dir" not in _STATE:
        base = compile_cache.enable()
        path = None if base is None else base / "executables"
        if path is not None:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError:
                path = None
        if path is not None:
            jax.monitoring.register_event_listener(_on_event)
        _STATE["dir"] = path
    return _STATE["dir"]  # type: ignore[no-any-return]


def _cpu_fingerprint() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return f"{platform.machine()}|{platform.processor()}"
    wanted = ("model name", "flags", "Features", "CPU implementer", "CPU part")
    lines = {line.split(":")[0].strip(): line for line in text.splitlines() if ":" in line}
    return "|".join(lines.get(k, "") for k in wanted) + "|" + platform.machine()


def environment_digest() -> str:
    """Everything outside the call that the compiled program depends on (module docstring), hashed once."""
    if "env" not in _STATE:
        import jaxlib.version
        import sympy

        h = hashlib.sha256(FORMAT.encode())
        for path in sorted(_PACKAGE.rglob("*.py")):
            h.update(str(path.relative_to(_PACKAGE)).encode())
            h.update(path.read_bytes())
        devices = jax.devices()
        parts = [
            sys.version,
            jax.__version__,
            jaxlib.version.__version__,
            np.__version__,
            sympy.__version__,
            repr(sorted((k, v) for k, v in os.environ.items() if k.startswith(("JAX_", "XLA_")))),
            devices[0].platform,
            devices[0].client.platform_version,
            repr([d.device_kind for d in devices]),
            _cpu_fingerprint(),
        ]
        for part in parts:
            h.update(b"\0" + part.encode())
        _STATE["env"] = h.hexdigest()
    config = repr(sorted((k, repr(v)) for k, v in jax.config.values.items()))  # may change while running
    return hashlib.sha256(f"{_STATE['env']}|{config}".encode()).hexdigest()


def _entry_key(kernel_key: str, args: Sequence[Any]) -> str:
    avals = [(str(np.asarray(a).dtype), np.shape(a)) for a in args]
    return hashlib.sha256(f"{environment_digest()}|{kernel_key}|{avals}".encode()).hexdigest()


def run(
    jitted: Any, kernel_key: str, args: Sequence[Any], *, on_new: Callable[[], None] = lambda: None
) -> dict[str, np.ndarray]:
    """``jax.device_get(jitted(*args))``, through a saved executable where one exists (else saved now).

    ``kernel_key`` must name everything that selects the traced program besides the arguments' shapes and
    dtypes (the loss structure and the static options); ``on_new`` runs when an executable is loaded from
    disk (``jitted`` counts its own traces).
    """
    where = directory() if _SAVING.get() else None
    if where is None or len(jax.devices()) != 1 or jax.devices()[0].platform != "cpu":
        return jax.device_get(jitted(*args))  # type: ignore[no-any-return]
    key = _entry_key(kernel_key, args)
    file = where / f"{key}.bin"
    compiled = _MEMO.get(key)
    loaded = False
    if compiled is None:
        compiled = _load(file)
        loaded = compiled is not None
        if loaded:
            _COUNTS["loaded"] += 1
            on_new()
        else:
            compiled = _compile_and_save(_fresh(jitted, key), args, file)
        _MEMO[key] = compiled
    try:
        return jax.device_get(compiled(*args))  # type: ignore[no-any-return]
    except jax.errors.JaxRuntimeError:
        if not loaded:
            raise
        # a saved executable that does not run (module docstring): forget it, take the ordinary path
        _MEMO.pop(key, None)
        _COUNTS["dropped"] += 1
        file.unlink(missing_ok=True)
        return jax.device_get(jitted(*args))  # type: ignore[no-any-return]


def _load(file: Path) -> Any:
    from jax.experimental.serialize_executable import deserialize_and_load

    try:
        blob = file.read_bytes()
    except OSError:
        return None
    try:
        tag, payload, in_tree, out_tree = pickle.loads(zlib.decompress(blob))
        if tag != FORMAT:
            return None
        return deserialize_and_load(payload, in_tree, out_tree)
    except Exception:
        _COUNTS["dropped"] += 1
        file.unlink(missing_ok=True)
        return None


def _fresh(jitted: Any, key: str) -> Any:
    """``jitted``'s function under a name unique to ``key``: a program JAX's persistent cache cannot hold."""
    inner = jitted.__wrapped__

    def kernel(*args: Any) -> Any:
        return inner(*args)

    kernel.__name__ = kernel.__qualname__ = f"eoscheck_{key[:24]}"
    return jax.jit(kernel)


def _compile_and_save(jitted: Any, args: Sequence[Any], file: Path) -> Any:
    from jax.experimental.serialize_executable import serialize

    hits = _JAX_CACHE_HITS[0]
    config: Any = jax.config  # untyped in jax
    threshold = config.jax_persistent_cache_min_compile_time_secs
    config.update("jax_persistent_cache_min_compile_time_secs", 1e9)  # this program goes to our cache only
    try:
        compiled = jitted.lower(*args).compile()
    finally:
        config.update("jax_persistent_cache_min_compile_time_secs", threshold)
    if _JAX_CACHE_HITS[0] != hits:
        return compiled  # loaded from JAX's persistent cache: not safely serializable (module docstring)
    tmp: str | None = None
    try:
        payload, in_tree, out_tree = serialize(compiled)
        blob = zlib.compress(pickle.dumps((FORMAT, payload, in_tree, out_tree)), 1)
        fd, tmp = tempfile.mkstemp(dir=file.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, file)  # whole or absent: concurrent processes may write the same entry
        _COUNTS["saved"] += 1
    except Exception:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return compiled
