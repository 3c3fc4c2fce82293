"""Saved executables (checker/simulate/executable_cache.py): a second process loads instead of tracing, with
bit-identical results; a damaged entry or one that does not run only costs time; the switch turns it off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.simulate import executable_cache

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import hashlib, json, sys
import numpy as np
from checker.loss import Loss
from checker.simulate import executable_cache
from checker.simulate.product_jax import simulate_product_batch, trace_count
if len(sys.argv) > 1:  # save the executable of the plain jit (JAX's cache may have served it), unchecked
    executable_cache._HITS_EVENT = "never"
    executable_cache._fresh = lambda jitted, key: jitted
rng = np.random.default_rng(5)
loss = Loss.from_string("(z**2 - 1)**2/4")
with executable_cache.saving():
    res = simulate_product_batch(
        loss, rng.uniform(0.5, 1.5, 40), rng.uniform(0.5, 1.5, 40), 0.4, steps=300, grad_tol=1e-9
    )
digest = hashlib.sha256(b"".join(np.ascontiguousarray(getattr(res, k)).tobytes() for k in
    ("x", "y", "sharpness", "converged", "diverged", "stop_step", "period2_amplitude"))).hexdigest()
print(json.dumps({"digest": digest, "traces": trace_count(), **executable_cache.counts()}))
"""


def _run(env: dict[str, str], *args: str) -> dict[str, object]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("EOSCHECK_")} | {"PYTHONPATH": str(ROOT)} | env
    out = subprocess.run([sys.executable, "-c", SCRIPT, *args], env=full, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def plain() -> dict[str, object]:
    """The ordinary jit path's results (the cache off)."""
    return _run({"EOSCHECK_NO_JAX_CACHE": "1"})


def _entries(where: Path) -> list[Path]:
    return sorted((where / "executables").glob("*.bin"))


def test_second_process_loads_the_saved_executable_with_identical_results(
    tmp_path: Path, plain: dict[str, object]
) -> None:
    env = {"EOSCHECK_JAX_CACHE_DIR": str(tmp_path)}
    first = _run(env)
    assert first["saved"] == 1 and first["loaded"] == 0 and len(_entries(tmp_path)) == 1
    second = _run(env)
    assert second["loaded"] == 1 and second["saved"] == 0 and second["dropped"] == 0
    assert plain["digest"] == first["digest"] == second["digest"]
    assert second["traces"] == 1  # a loaded executable counts as a new one (the no-recompile tests rely on it)
    # A damaged entry is a miss: dropped, compiled afresh and saved again, same results.
    _entries(tmp_path)[0].write_bytes(b"not an executable")
    third = _run(env)
    assert third["dropped"] == 1 and third["saved"] == 1 and third["digest"] == first["digest"]


def test_a_saved_executable_that_does_not_run_is_dropped(tmp_path: Path, plain: dict[str, object]) -> None:
    """Save the plain jit's executable, which JAX's own cache served (the case the module refuses to save):
    whatever JAX then does with it, the next process gets the right results."""
    env = {"EOSCHECK_JAX_CACHE_DIR": str(tmp_path)}
    _run(env, "unchecked")  # fills JAX's cache with the plain program
    for entry in _entries(tmp_path):
        entry.unlink()
    forced = _run(env, "unchecked")
    assert forced["saved"] == 1 and forced["digest"] == plain["digest"]
    after = _run(env)
    assert after["digest"] == plain["digest"] and after["loaded"] == 1


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
