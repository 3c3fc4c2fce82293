"""The verifier's own guarantees: its import boundary, bounded behaviour on hostile files, its catalogue data."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.cli.main import main
from checker.verifier import CertificateError, verify_certificate
from checker.verifier.limits import Budget

ROOT = Path(__file__).resolve().parents[1]
PRODUCERS = (
    "checker.backends",
    "checker.certify",
    "checker.simulate",
    "checker.models",
    "checker.lossval",
    "properties",
)


def test_the_verifier_imports_nothing_from_the_producing_side() -> None:
    """Run `eoscheck verify`'s package in a fresh interpreter and look at what got imported."""
    code = "import sys, json; import checker.verifier, checker.cli.verify_cmd; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    mods = json.loads(out.stdout)
    bad = [m for m in mods if m.startswith(PRODUCERS) or m == "jax" or m.startswith("jax.")]
    assert not bad, bad


def test_verifier_modules_import_only_each_other_sympy_flint_and_the_stdlib() -> None:
    """Statically: no module of checker/verifier reaches outside (not even the producer's parser)."""
    allowed = {"sympy", "flint"}
    for path in (ROOT / "checker" / "verifier").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                ok = name.startswith("checker.verifier") or top in allowed or top in sys.stdlib_module_names
                assert ok or top == "__future__", f"{path.name} imports {name}"


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(2000),
        "caf\xe9".encode("latin-1"),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"[1, 2",
        b'{"schema_version": "1.0.0"}',
        b"null",
        json.dumps(
            {
                "schema_version": "1.0.0",
                "tool": {"version": "0.1.0"},
                "kind": "run",
                "command": [],
                "summary": {},
                "extra": {},
                "claims": [{"id": "X", "verdict": "PROVED", "evidence": 3}],
            }
        ).encode(),
    ],
    ids=["random-bytes", "latin-1", "deep-array", "deep-object", "truncated", "partial", "null", "bad-evidence"],
)
def test_hostile_files_give_exit_2_and_one_line(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(content)
    assert main(["verify", str(path)]) == 2
    captured = capsys.readouterr()
    lines = [x for x in (captured.out + captured.err).splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in lines[0], lines


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_the_file_budget_bounds_slow_certificates() -> None:
    """A forged identity sympy cannot decide quickly fails once the whole file's budget is spent."""
    slow = {
        "kind": "identity",
        "claim": "slow",
        "symbols": {"x": ["real"], "y": ["real"], "z": ["real"]},
        "functions": [],
        "define": [],
        "lhs": "(x + 2*y + 3*z + 1)**64",
        "rhs": "(x + 2*y + 3*z)**64 + 1",
    }
    budget = Budget(1.0)
    t0 = time.perf_counter()
    for i in range(3):
        with pytest.raises(CertificateError, match=r"not re-checked|budget"):
            verify_certificate(dict(slow, claim=f"slow {i}"), budget)
    assert time.perf_counter() - t0 < 10


def test_the_shipped_catalogue_is_current() -> None:
    """checker/verifier/catalogue.json is what `python -m checker.formal` generates from the registry."""
    from checker.formal import catalogue_data

    shipped = json.loads((ROOT / "checker" / "verifier" / "catalogue.json").read_text())
    assert shipped == json.loads(json.dumps(catalogue_data())), (
        "regenerate: python -m checker.formal > checker/verifier/catalogue.json"
    )


class _SlowFinaliser:
    def __del__(self) -> None:
        t = time.monotonic()
        while time.monotonic() - t < 0.3:
            pass


def test_the_time_limit_never_fires_inside_a_gc_callback_or_finaliser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The alarm arriving while a gc callback or a __del__ runs is deferred, not swallowed (an unraisable
    exception, printed as a warning): it stops the guarded block, and nothing fires after it."""
    import gc
    import sys

    from checker.verifier.limits import OutOfTime, time_limit

    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(repr(u.exc_value)))

    def slow_callback(phase: str, info: dict[str, object]) -> None:
        t = time.monotonic()
        while time.monotonic() - t < 0.3:
            pass

    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(OutOfTime), time_limit(0.05):
            gc.collect()
            _SlowFinaliser()  # dropped at once: its __del__ runs here, past the limit again
            t = time.monotonic()
            while time.monotonic() - t < 3:
                pass
    finally:
        gc.callbacks.remove(slow_callback)
    t = time.monotonic()
    while time.monotonic() - t < 1.2:  # a stray repeat of the alarm would arrive within 0.5 s
        pass
    assert unraisable == []
