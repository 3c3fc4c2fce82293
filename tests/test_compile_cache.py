"""The persistent JAX compilation cache: where it lives, and that the environment variables control it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from checker.simulate import compile_cache

SCRIPT = (
    "import jax; from checker.backends import jax_backend; from checker.simulate import compile_cache; "
    "print(compile_cache.enable()); print(jax.config.jax_compilation_cache_dir)"
)


def _run(env: dict[str, str]) -> list[str]:
    root = Path(__file__).resolve().parent.parent
    full = {k: v for k, v in os.environ.items() if not k.startswith("EOSCHECK_")} | {"PYTHONPATH": str(root)} | env
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=full, capture_output=True, text=True, check=True)
    return out.stdout.split("\n")[:2]


def test_default_dir_follows_xdg(monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "/some/cache")
    assert compile_cache.default_dir() == Path("/some/cache/eos-checker/jax")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert compile_cache.default_dir() == Path.home() / ".cache" / "eos-checker" / "jax"


def test_enabled_in_the_given_dir_and_disabled_by_env(tmp_path: Path) -> None:
    where = tmp_path / "jaxcache"
    assert _run({"EOSCHECK_JAX_CACHE_DIR": str(where)}) == [str(where), str(where)]
    assert where.is_dir()
    assert _run({"EOSCHECK_JAX_CACHE_DIR": str(where), "EOSCHECK_NO_JAX_CACHE": "1"}) == ["None", "None"]
