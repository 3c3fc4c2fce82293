"""A scalar loss l(z): the object every job starts from.

Built from a string as a paper writes it (parsed safely, see parse.py) or from a sympy expression.
Parameters are substituted as *exact* rationals of the decimals the user typed (``p=0.8`` is 4/5), so a
ball evaluation certifies a statement about the loss the user meant, not about its float rounding.

>>> loss = Loss.from_string("log(1+exp(z)) - p*z", p="0.8")
>>> loss.derivative(1)
-4/5 + exp(z)/(exp(z) + 1)
>>> float(loss.mp(2, dps=30)(1.3862943611198906))  # l'' at the minimiser log 4 is p(1-p) = 0.16
0.16
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

import sympy as sp

from checker.errors import UserInputError
from checker.parse import Z, check_ascii, check_magnitude, parse_expression

MAX_DERIVATIVE_ORDER = 12
MAX_DERIVATIVE_OPS = 50_000  # a derivative larger than this is too slow to evaluate on every step


def parse_parameter(name: str, value: Any) -> sp.Rational:
    """An exact rational for a parameter value given as a decimal string, int, float or Fraction."""
    check_ascii(name, f"parameter name {name!r}")
    if not name.isidentifier() or name.startswith("_") or name in {"z", "pi", "E"}:
        raise UserInputError(f"invalid parameter name {name!r}")
    if isinstance(value, bool):
        raise UserInputError(f"parameter {name}={value} is not a number")
    if isinstance(value, int | Fraction | sp.Rational):  # already exact: str() would give '4/5', not a float
        return sp.Rational(value.numerator, value.denominator) if isinstance(value, Fraction) else sp.Rational(value)
    text = str(value).strip()
    num, slash, den = text.partition("/")
    if slash:  # an exact fraction as the user may type it: p=1/3
        try:
            if int(den) == 0:
                raise ZeroDivisionError
            return sp.Rational(int(num), int(den))
        except (ValueError, ZeroDivisionError):
            raise UserInputError(f"parameter {name}={text!r} is not a number (write e.g. 0.8 or 4/5)") from None
    try:
        number = float(text)
    except ValueError:
        raise UserInputError(f"parameter {name}={text!r} is not a number (write e.g. 0.8 or 4/5)") from None
    if not math.isfinite(number):
        raise UserInputError(f"parameter {name}={text} is not finite; give a real number")
    try:
        exact = sp.Rational(text)
    except (TypeError, ValueError):  # e.g. '1e5' forms sympy.Rational refuses
        exact = sp.Rational(number)
    check_magnitude(exact, f"parameter {name}={text}")
    return exact


def _drop_kink_terms(expr: sp.Expr) -> sp.Expr:
    """Derivatives of sign() are 0 away from the kink (DiracDelta or an unevaluated Derivative(sign(u)))."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(sp.DiracDelta, lambda *a: sp.S.Zero)
    if expr.has(sp.Derivative):
        expr = expr.replace(lambda e: isinstance(e, sp.Derivative) and isinstance(e.expr, sp.sign), lambda e: sp.S.Zero)
    return expr


@dataclass(frozen=True)
class Loss:
    """l(z) with its derivatives and evaluators on each backend (all cached per instance)."""

    expr: sp.Expr
    text: str
    params: Mapping[str, sp.Rational] = field(default_factory=dict)

    @classmethod
    def from_string(cls, text: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Loss:
        given = {**(params or {}), **kwargs}
        exact = {name: parse_parameter(name, value) for name, value in given.items()}
        expr = parse_expression(text, exact)
        return cls(expr=expr, text=text.strip(), params=exact)

    @classmethod
    def from_sympy(cls, expr: sp.Expr, variable: sp.Symbol | None = None) -> Loss:
        """Wrap a sympy expression. ``variable`` (default: the free symbol) becomes the real z."""
        expr = sp.sympify(expr)
        free = expr.free_symbols
        if variable is None:
            if len(free) != 1:
                raise UserInputError(f"expression must have exactly one free symbol, has {sorted(map(str, free))}")
            (variable,) = free
        elif variable not in free:
            raise UserInputError(f"the loss does not depend on {variable}")
        if len(free - {variable}) > 0:
            raise UserInputError(f"substitute the parameters {sorted(map(str, free - {variable}))} first")
        expr = expr.subs(variable, Z)
        return cls(expr=expr, text=str(expr), params={})

    # ---- symbolic -------------------------------------------------------------------------------
    @cached_property
    def _derivatives(self) -> list[sp.Expr]:
        return [self.expr]

    def derivative(self, order: int) -> sp.Expr:
        """d^order l / dz^order, symbolically. Kinks of abs contribute nothing (the derivative is used
        only where the loss is smooth; ball evaluation raises at a kink)."""
        if not 0 <= order <= MAX_DERIVATIVE_ORDER:
            raise UserInputError(f"derivative order must be in 0..{MAX_DERIVATIVE_ORDER}, not {order}")
        ders = self._derivatives
        while len(ders) <= order:
            # Abs(u) is differentiated as u sign(u): sympy's own rule for an argument it cannot prove real
            # (abs(log(z))) produces re/im/atan2 and unevaluated Derivative nodes no backend can evaluate.
            base = ders[-1].replace(sp.Abs, lambda u: u * sp.sign(u)) if len(ders) == 1 else ders[-1]
            nxt = _drop_kink_terms(sp.diff(base, Z))
            if sp.count_ops(nxt) > MAX_DERIVATIVE_OPS:
                raise UserInputError("expression too large: its derivatives grow beyond the evaluation limit")
            ders.append(nxt)
        return ders[order]

    @property
    def has_kinks(self) -> bool:
        return bool(self.expr.has(sp.Abs))

    def product_stability_expr(self) -> sp.Expr:
        """alpha_l(z) = 3 l'''^2 - l'' l'''' (GAN-A-D4.1) as a sympy expression in z."""
        return 3 * self.derivative(3) ** 2 - self.derivative(2) * self.derivative(4)

    # ---- evaluators -----------------------------------------------------------------------------
    def ball(self, order: int = 0) -> Callable[[Any], Any]:
        """l^(order) on python-flint balls (rigorous; interval extension on wide balls)."""
        fn = self._evaluator("ball", order)
        from checker.backends.ball import to_arb

        # a float / Fraction / decimal string is converted exactly (or enclosed), not evaluated as a float
        return lambda x: fn(to_arb(x))

    def mp(self, order: int = 0, dps: int | None = None) -> Callable[[Any], Any]:
        """l^(order) in mpmath. With ``dps``, evaluates at that precision; else at the ambient one."""
        fn = self._evaluator("mp", order)
        if dps is None:
            return fn
        from checker.backends.mp import mp_precision

        def at_precision(x: Any) -> Any:
            import mpmath

            with mp_precision(dps):
                return fn(mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x)

        return at_precision

    def jax(self, order: int = 0) -> Callable[[Any], Any]:
        """l^(order) as an elementwise JAX function (jit/vmap friendly; dtype follows the input)."""
        return self._evaluator("jax", order)

    def _evaluator(self, backend: str, order: int) -> Callable[[Any], Any]:
        cache: dict[tuple[str, int], Callable[[Any], Any]] = self._evaluators
        key = (backend, order)
        if key not in cache:
            expr = self.derivative(order)
            if backend == "ball":
                from checker.backends.ball import ball_function

                cache[key] = ball_function(expr, Z)
            elif backend == "mp":
                from checker.backends.mp import mp_function

                cache[key] = mp_function(expr, Z)
            elif backend == "jax":
                from checker.backends.jax_backend import jax_function

                cache[key] = jax_function(expr, Z)
            else:  # pragma: no cover - internal
                raise ValueError(backend)
        return cache[key]

    @cached_property
    def _evaluators(self) -> dict[tuple[str, int], Callable[[Any], Any]]:
        return {}

    # ---- identity -------------------------------------------------------------------------------
    def describe(self) -> str:
        if not self.params:
            return self.text
        return f"{self.text} with " + ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "params": {k: str(v) for k, v in sorted(self.params.items())},
            "sympy": sp.srepr(self.expr),
        }

    def __hash__(self) -> int:
        return hash(self.expr)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Loss) and self.expr == other.expr
