"""Shared measuring helpers: medians of repeated runs, the machine and versions, table rendering.

Why medians with the warm-up excluded: the first call of a JAX kernel compiles (reported separately), and
this machine is shared, so one slow run must not decide a figure. The load average is recorded with every
result so a reader can tell a busy machine from a slow kernel.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from typing import Any


@dataclass(frozen=True)
class Timing:
    median_s: float
    runs: int
    first_s: float  # the warm-up call (includes compilation for JAX)

    @property
    def compile_s(self) -> float:
        return max(self.first_s - self.median_s, 0.0)


def measure(fn: Callable[[], Any], *, repeats: int = 5, warmup: bool = True) -> Timing:
    """Median wall time of ``fn()`` over ``repeats`` runs after one warm-up call."""
    t0 = time.perf_counter()
    if warmup:
        fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return Timing(statistics.median(times), repeats, first)


def load_average() -> str:
    try:
        return " / ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return platform.processor() or "unknown"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_mhz() -> float | None:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("cpu MHz"):
                    return float(line.split(":", 1)[1])
    except (OSError, ValueError):
        pass
    return None


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("jax", "jaxlib", "numpy", "python-flint", "mpmath", "sympy", "hypothesis"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table; floats in engineering-friendly form."""

    def fmt(v: Any) -> str:
        if isinstance(v, float):
            if v == 0 or 1e-3 <= abs(v) < 1e4:
                return f"{v:.3g}"
            return f"{v:.2e}"
        return str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
