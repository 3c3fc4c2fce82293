"""Where a run happened: Python, platform, package versions, JAX's x64 flag and devices.

Recorded so that a reader can tell whether two reports are comparable (same numpy / flint / JAX) and
whether float evidence was float64 (x64 on) or float32.
"""

from __future__ import annotations

import platform
import sys
from importlib import metadata
from typing import Any

PACKAGES = ("numpy", "sympy", "mpmath", "python-flint", "hypothesis", "jax", "jaxlib", "matplotlib", "click")


def package_versions() -> dict[str, str | None]:
    """Installed versions (None where a package is missing: the report still validates)."""
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def jax_info() -> dict[str, Any] | None:
    """x64 flag, default backend and devices; None where JAX cannot be imported.

    JAX is imported through checker.backends.jax_backend (the project's rule), so x64 reads as the
    state every float64 check in this process ran under.
    """
    try:
        import jax

        from checker.backends import jax_backend  # noqa: F401  (the project's import path: enables x64)

        return {
            # jax declares its config options at run time, so the type checker cannot see them
            "x64": bool(jax.config.jax_enable_x64),  # type: ignore[attr-defined]
            "backend": str(jax.default_backend()),
            "devices": [f"{d.platform}:{d.id} {getattr(d, 'device_kind', '')}".strip() for d in jax.devices()],
        }
    except Exception:  # a broken JAX install must not lose a finished run's report
        return None


def capture() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "executable": sys.executable,
        "packages": package_versions(),
        "jax": jax_info(),
    }
