"""Layout rules: property modules hold statements and their judgement; each product-model formula has one home.

Static checks (AST and whitespace-free text) over the package sources, so a moved-back helper or a second copy
of a formula fails here rather than drifting silently.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROPERTY_DIR = ROOT / "properties"
PRODUCT = "checker/models/product/"

# Backends whose import marks machinery (simulation kernels, ball arithmetic): it belongs in checker/models,
# checker/simulate or checker/backends, which properties call.
FORBIDDEN_IMPORTS = ("jax", "flint")
# mpmath's solvers (sympy's symbolic Matrix.jacobian in a proof is fine): a property that calls them runs its
# own numerical machinery.
MPMATH_SOLVERS = {"findroot", "eig", "eigh", "eigsy", "jacobian", "odefun", "polyroots", "quad"}
# Justified exceptions, file -> reason (none: the sweep kernels live in checker/sweep_kernels).
EXCEPTIONS: dict[str, str] = {}


def _sources(*tops: str) -> list[tuple[str, Path]]:
    """(path relative to the repository, path) of every Python file under ``tops``."""
    return sorted((p.relative_to(ROOT).as_posix(), p) for top in tops for p in (ROOT / top).rglob("*.py"))


def _machinery(path: Path) -> list[str]:
    """What in ``path`` imports a forbidden backend or calls a solver/loop primitive, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: import {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_IMPORTS
            ]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in FORBIDDEN_IMPORTS:
            found.append(f"{node.lineno}: from {node.module} import ...")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in MPMATH_SOLVERS
            and isinstance(node.value, ast.Name)
            and node.value.id in ("mpmath", "mp")
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize(
    "path", [p for p in sorted(PROPERTY_DIR.glob("*.py")) if p.name not in EXCEPTIONS], ids=lambda p: p.name
)
def test_property_modules_hold_no_machinery(path: Path) -> None:
    assert _machinery(path) == [], (
        f"properties/{path.name}: move this into checker/models, checker/simulate or backends"
    )


def test_exceptions_are_still_needed() -> None:
    """An exception that no longer imports machinery must be dropped from the list (it would hide a regression)."""
    for name in EXCEPTIONS:
        assert _machinery(PROPERTY_DIR / name), f"properties/{name} is clean now: remove it from EXCEPTIONS"


def test_machinery_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import mpmath\ndef f():\n    import jax.numpy as jnp\n    return mpmath.findroot(jnp.sin, 1)\n")
    assert _machinery(bad) == ["3: import jax.numpy", "4: mpmath.findroot"]


# The product model's formulas, by the names their definitions carry (a def or a module-level assignment).
FORMULA_NAMES = {
    "flip coefficient P": r"flip_?p(_\w+)?|flip_coefficients?",
    "constant k": r"k_coeff(icient)?|nf_constants",
    "threshold s_c": r"threshold_s|s_c|threshold_sharpness",
    "Lambert-W return map": r"lambert_return|nf_final_sigma(_array)?|nf_final_sharpness",
    "EoS start": r"eos_start",
}
# The formulas' text, whitespace removed, and where else it may appear (file -> count, each with its reason).
FORMULA_TEXT = {
    "threshold s_c": (
        ("2/(eta*a)", "2/(a*eta)"),
        # the loss job scales its gradient tolerance by sqrt(s_c); one use each, written inline
        {"checker/lossval/simulation.py": 1, "checker/lossval/basin.py": 1},
    ),
    "flip coefficient P": (
        ("/(3*a**2)", "/(3*a*a)"),
        # certificate statements: the claims P = ... and P -> alpha/(3a^2) (GAN-A-D4.1) as text that the verifier
        # re-derives, not a computation
        {"checker/models/product_statements.py": 3},
    ),
    "constant k": (("4*eta**2*a**2", "4*a**2*eta**2"), {}),
    "Lambert-W return map": (
        ("lambertw(",),
        # expression evaluators map the symbol to each library's W; the verifier re-derives independently
        {
            "checker/backends/ball.py": 1,
            "checker/backends/mp.py": 1,
            "checker/backends/translate.py": 1,
            "checker/verifier/arbeval.py": 1,
            "checker/verifier/expr.py": 1,
        },
    ),
}


def _definitions(paths: list[tuple[str, Path]]) -> dict[str, list[str]]:
    """name -> ['file:line', ...] for every function (any depth) and module-level assignment."""
    out: dict[str, list[str]] = {}
    for rel, path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        names: list[tuple[str, int]] = [
            (n.name, n.lineno) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                names += [(t.id, stmt.lineno) for t in stmt.targets if isinstance(t, ast.Name)]
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.append((stmt.target.id, stmt.lineno))
        for name, line in names:
            out.setdefault(name, []).append(f"{rel}:{line}")
    return out


def _misplaced_definitions(paths: list[tuple[str, Path]]) -> dict[str, list[str]]:
    defs = _definitions(paths)
    bad: dict[str, list[str]] = {}
    for concept, pattern in FORMULA_NAMES.items():
        homes = [w for name, where in defs.items() if re.fullmatch(f"_?(?:{pattern})", name) for w in where]
        assert any(w.startswith(PRODUCT) for w in homes), f"{concept}: no definition in {PRODUCT}"
        if stray := [w for w in homes if not w.startswith(PRODUCT)]:
            bad[concept] = stray
    return bad


def _misplaced_text(paths: list[tuple[str, Path]]) -> dict[str, list[str]]:
    bad: dict[str, list[str]] = {}
    for concept, (needles, allowed) in FORMULA_TEXT.items():
        for rel, path in paths:
            if rel.startswith(PRODUCT):
                continue
            text = re.sub(r"\s+", "", path.read_text())
            n = sum(text.count(needle) for needle in needles)
            if n != allowed.get(rel, 0):
                bad.setdefault(concept, []).append(f"{rel}: {n} (allowed {allowed.get(rel, 0)})")
    return bad


SOURCES = ("checker", "properties")


def test_each_product_formula_is_defined_once_in_models_product() -> None:
    assert _misplaced_definitions(_sources(*SOURCES)) == {}


def test_product_formula_text_appears_only_in_models_product() -> None:
    assert _misplaced_text(_sources(*SOURCES)) == {}


def test_formula_checks_can_fail(tmp_path: Path) -> None:
    """A re-added duplicate (a property defining its own P and threshold) is caught by both checks."""
    dup = tmp_path / "dup.py"
    dup.write_text(
        "def _flip_p(alpha, a):\n    return alpha / (3 * a**2)\n\n\ndef s_c(eta, a):\n    return 2 / (eta * a)\n"
    )
    paths = [*_sources(*SOURCES), ("properties/dup.py", dup)]
    names, text = _misplaced_definitions(paths), _misplaced_text(paths)
    assert names == {"flip coefficient P": ["properties/dup.py:1"], "threshold s_c": ["properties/dup.py:5"]}
    assert set(text) == {"flip coefficient P", "threshold s_c"}
