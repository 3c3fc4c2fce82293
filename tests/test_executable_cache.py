"""Saved executables (checker/simulate/executable_cache.py): a second process loads instead of tracing, with
bit-identical results; a damaged entry or one that does not run only costs time; the switch turns it off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checker.simulate import executable_cache

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import hashlib, json, sys
import numpy as np
from checker.loss import Loss
from checker.simulate import executable_cache
from checker.simulate.product_jax import simulate_product_batch, trace_count
if len(sys.argv) > 1:  # pretend JAX's persistent cache was never hit: save whatever was compiled
    executable_cache._HITS_EVENT = "never"
rng = np.random.default_rng(5)
loss = Loss.from_string("(z**2 - 1)**2/4")
res = simulate_product_batch(loss, rng.uniform(0.5, 1.5, 40), rng.uniform(0.5, 1.5, 40), 0.4, steps=300, grad_tol=1e-9)
digest = hashlib.sha256(b"".join(np.ascontiguousarray(getattr(res, k)).tobytes() for k in
    ("x", "y", "sharpness", "converged", "diverged", "stop_step", "period2_amplitude"))).hexdigest()
print(json.dumps({"digest": digest, "traces": trace_count(), **executable_cache.counts()}))
"""


def _run(env: dict[str, str], *args: str) -> dict[str, object]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("EOSCHECK_")} | {"PYTHONPATH": str(ROOT)} | env
    out = subprocess.run([sys.executable, "-c", SCRIPT, *args], env=full, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _entries(where: Path) -> list[Path]:
    return sorted((where / "executables").glob("*.bin"))


def test_second_process_loads_the_saved_executable_with_identical_results(tmp_path: Path) -> None:
    env = {"EOSCHECK_JAX_CACHE_DIR": str(tmp_path)}
    first = _run(env)
    assert first["saved"] == 1 and first["loaded"] == 0 and len(_entries(tmp_path)) == 1
    second = _run(env)
    assert second["loaded"] == 1 and second["saved"] == 0 and second["dropped"] == 0
    assert second["digest"] == first["digest"]
    assert second["traces"] == 1  # a loaded executable counts as a new one (the no-recompile tests rely on it)
    # A damaged entry is a miss: dropped, the kernel compiled again (from JAX's own cache), same results.
    _entries(tmp_path)[0].write_bytes(b"not an executable")
    third = _run(env)
    assert third["dropped"] == 1 and third["loaded"] == 0 and third["digest"] == first["digest"]


def test_an_executable_compiled_from_jax_cache_is_not_saved_or_is_dropped_when_it_fails(tmp_path: Path) -> None:
    env = {"EOSCHECK_JAX_CACHE_DIR": str(tmp_path)}
    first = _run(env)
    for entry in _entries(tmp_path):
        entry.unlink()
    again = _run(env)  # XLA's program comes from JAX's persistent cache: not serialized (module docstring)
    assert again["saved"] == 0 and again["digest"] == first["digest"] and not _entries(tmp_path)
    # Forced to save it anyway, the next process must still get the right results, whatever JAX does with it.
    forced = _run(env, "save-anyway")
    assert forced["digest"] == first["digest"]
    after = _run(env)
    assert after["digest"] == first["digest"]
    assert after["loaded"] + after["dropped"] >= 1


def test_switched_off_by_the_environment(tmp_path: Path) -> None:
    out = _run({"EOSCHECK_JAX_CACHE_DIR": str(tmp_path), "EOSCHECK_NO_JAX_CACHE": "1"})
    assert out["saved"] == 0 and out["loaded"] == 0 and not (tmp_path / "executables").exists()


def test_key_separates_kernels_and_shapes() -> None:
    import numpy as np

    a = executable_cache._entry_key("k1", [np.zeros(8), np.asarray(3, np.int64)])
    assert a == executable_cache._entry_key("k1", [np.ones(8), np.asarray(5, np.int64)])  # values: same program
    assert a != executable_cache._entry_key("k2", [np.zeros(8), np.asarray(3, np.int64)])
    assert a != executable_cache._entry_key("k1", [np.zeros(16), np.asarray(3, np.int64)])
    assert a != executable_cache._entry_key("k1", [np.zeros(8, np.float32), np.asarray(3, np.int64)])
