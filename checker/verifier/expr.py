"""The verifier's own reader for expressions stored in a report: text -> sympy, through an AST whitelist.

Why its own: if the producer and the verifier shared one reader, a bug there would pass on both sides.
``ast.parse`` only builds a tree (nothing runs); we walk it and accept numbers, declared names, + - * / **,
a fixed table of functions and, for identity certificates, the operators of the certificate language
(see :data:`OPERATORS`). Decimal literals are read as the exact rationals they denote (no floats).
Anything else is rejected with :class:`ExprError`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

MAX_CHARS = 200_000
MAX_NODES = 20_000
MAX_DEPTH = 200
MAX_EXPONENT = 64
MAX_INT_DIGITS = 400


class ExprError(Exception):
    """A stored expression is not in the accepted language; the message says what was found."""


def _lambertw(x: sp.Expr, k: sp.Expr = sp.S.Zero) -> sp.Expr:
    if k not in (0, -1):
        raise ExprError("LambertW: only the real branches 0 and -1")
    return sp.LambertW(x, k)


FUNCTIONS: Mapping[str, Callable[..., sp.Expr]] = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "cosh": sp.cosh,
    "sinh": sp.sinh,
    "tanh": sp.tanh,
    "cos": sp.cos,
    "sin": sp.sin,
    "atan": sp.atan,
    "Abs": sp.Abs,
    "LambertW": _lambertw,
    # the names a user may type in a loss (a loss document stores the user's text)
    "ln": sp.log,
    "log1p": lambda x: sp.log(1 + x),
    "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "abs": sp.Abs,
}
CONSTANTS: Mapping[str, sp.Expr] = {"pi": sp.pi, "E": sp.E}


def generic_function(name: str) -> Callable[[int], type[sp.Function]]:
    """``d(k)`` is the class of l^(k), the k-th derivative of a generic smooth function l of one variable.

    Differentiating l^(k)(u) gives l^(k+1)(u) u' by the chain rule (sympy calls ``fdiff``), so derivatives
    of compositions such as l(x*y) are computed by sympy itself, with no Taylor truncation.
    """
    cache: dict[int, type[sp.Function]] = {}

    def d(k: int) -> type[sp.Function]:
        if k not in cache:

            def fdiff(self: sp.Function, argindex: int = 1) -> sp.Expr:
                return d(k + 1)(self.args[0])

            cls_name = name if k == 0 else f"{name}_d{k}"
            cache[k] = type(cls_name, (sp.Function,), {"fdiff": fdiff, "nargs": 1, "is_real": True})
        return cache[k]

    return d


def _as_matrix(value: Any, what: str) -> sp.Matrix:
    if not isinstance(value, sp.MatrixBase):
        raise ExprError(f"{what} needs a matrix")
    return sp.Matrix(value)


def _int_arg(value: Any, what: str) -> int:
    if not (isinstance(value, sp.Integer) and 0 <= int(value) <= 16):
        raise ExprError(f"{what} needs a small non-negative integer")
    return int(value)


def _symbols_arg(values: Sequence[Any], what: str) -> list[sp.Symbol]:
    if not values or not all(isinstance(v, sp.Symbol) for v in values):
        raise ExprError(f"{what} needs declared variables")
    return list(values)


def _series_coeff(e: Any, u: Any, k: Any) -> sp.Expr:
    """The coefficient of u^k in the Taylor expansion of e at u = 0 (k-th derivative at 0 over k!)."""
    (var,) = _symbols_arg([u], "coeff")
    n = _int_arg(k, "coeff")
    return sp.diff(e, var, n).subs(var, 0) / sp.factorial(n)


def _at(e: Any, olds: Any, news: Any) -> Any:
    """e with the variables ``olds`` replaced by ``news`` all at once (L at another point: at(L, [x, y], [a, b]))."""
    if not isinstance(olds, list) or not isinstance(news, list) or len(olds) != len(news):
        raise ExprError("at(e, [x, ...], [a, ...]) takes two lists of the same length")
    return e.subs(dict(zip(_symbols_arg(olds, "at"), news, strict=True)), simultaneous=True)


def _charpoly(m: Any, lam: Any) -> sp.Expr:
    mat = _as_matrix(m, "charpoly")
    (var,) = _symbols_arg([lam], "charpoly")
    return (mat - var * sp.eye(mat.rows)).det()


OPERATORS: Mapping[str, Callable[..., Any]] = {
    "diff": lambda e, *v: sp.diff(e, *_symbols_arg(v, "diff")),
    "grad": lambda e, *v: sp.Matrix([sp.diff(e, s) for s in _symbols_arg(v, "grad")]),
    "hessian": lambda e, *v: sp.hessian(e, _symbols_arg(v, "hessian")),
    "jacobian": lambda m, *v: _as_matrix(m, "jacobian").jacobian(_symbols_arg(v, "jacobian")),
    "trace": lambda m: _as_matrix(m, "trace").trace(),
    "det": lambda m: _as_matrix(m, "det").det(),
    "charpoly": _charpoly,
    "entry": lambda m, i, j: _as_matrix(m, "entry")[_int_arg(i, "entry"), _int_arg(j, "entry")],
    "transpose": lambda m: _as_matrix(m, "transpose").T,
    "dot": lambda u, v: (_as_matrix(u, "dot").T * _as_matrix(v, "dot"))[0, 0],
    "subs": lambda e, old, new: e.subs(old, new),
    "at": _at,
    "coeff": _series_coeff,
}


class Reader:
    """Reads one expression in a namespace of symbols, definitions (earlier results) and generic functions.

    ``opaque=True`` reads the *statement as written*: every operator, definition and generic function
    becomes an opaque symbol named by its source text, so a statement whose two sides agree before any
    operator runs (``0 = 0``, ``trace(H) = trace(H)``) is recognised as vacuous.
    """

    def __init__(
        self,
        symbols: Mapping[str, sp.Symbol],
        definitions: Mapping[str, Any] | None = None,
        functions: Mapping[str, Callable[[int], type[sp.Function]]] | None = None,
        *,
        opaque: bool = False,
    ) -> None:
        self.symbols = dict(symbols)
        self.definitions = dict(definitions or {})
        self.functions = dict(functions or {})
        self.opaque = opaque
        self.nodes = 0
        self.source = ""

    def read(self, text: Any) -> Any:
        if not isinstance(text, str) or not text.strip():
            raise ExprError("an expression must be a non-empty string")
        if len(text) > MAX_CHARS:
            raise ExprError(f"expression longer than {MAX_CHARS} characters")
        self.source = text.strip()
        try:
            tree = ast.parse(self.source, mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            raise ExprError(f"not an expression: {text[:60]!r}") from None
        return self._node(tree.body, 0)

    def _opaque(self, node: ast.AST) -> sp.Symbol:
        return sp.Symbol("<" + ast.unparse(node) + ">")

    def _node(self, node: ast.AST, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise ExprError("expression too large or too deeply nested")
        if isinstance(node, ast.Constant):
            if isinstance(node.value, float):  # read the literal's own text exactly, never the float
                return sp.Rational(exact_decimal(ast.get_source_segment(self.source, node) or ""))
            return self._constant(node.value)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            v = self._node(node.operand, depth + 1)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth)
        if isinstance(node, ast.List | ast.Tuple):
            return [self._node(e, depth + 1) for e in node.elts]
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise ExprError(f"{type(node).__name__} is not allowed in a stored expression")

    @staticmethod
    def _constant(value: Any) -> sp.Expr:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ExprError(f"literal {value!r} is not a number")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INT_DIGITS:
                raise ExprError("integer literal too long")
            return sp.Integer(value)
        raise ExprError(f"literal {value!r} is not an integer")

    def _name(self, node: ast.Name) -> Any:
        name = node.id
        if name in self.symbols:
            return self.symbols[name]
        if name in self.definitions:
            return self._opaque(node) if self.opaque else self.definitions[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        raise ExprError(f"unknown name {name!r}")

    def _binop(self, node: ast.BinOp, depth: int) -> Any:
        left, right = self._node(node.left, depth + 1), self._node(node.right, depth + 1)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right == 0:
                raise ExprError("division by the literal 0")
            return left / right
        if isinstance(op, ast.Pow):
            if isinstance(right, sp.Number) and (not isinstance(right, sp.Rational) or abs(right) > MAX_EXPONENT):
                raise ExprError(f"exponent {right} out of range")
            if isinstance(left, sp.Rational) and isinstance(right, sp.Rational):
                bits = max(int(left.p).bit_length(), int(left.q).bit_length()) * abs(int(right.p))
                if bits > 20_000:
                    raise ExprError("an exact power too large to be a stored number")
            return left**right
        raise ExprError(f"operator {type(op).__name__} is not allowed")

    def _call(self, node: ast.Call, depth: int) -> Any:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise ExprError("only calls of named functions, without keywords, are allowed")
        name = node.func.id
        if name == "Rational" or name == "Decimal":
            return self._exact(node, name)
        if name == "deriv":  # deriv(l, k, u): l^(k)(u)
            if len(node.args) != 3 or not isinstance(node.args[0], ast.Name) or node.args[0].id not in self.functions:
                raise ExprError("deriv(l, k, u) needs a declared generic function l")
            if self.opaque:
                return self._opaque(node)
            k = _int_arg(self._node(node.args[1], depth + 1), "deriv")
            return self.functions[node.args[0].id](k)(self._node(node.args[2], depth + 1))
        if name in self.functions:
            if len(node.args) != 1:
                raise ExprError(f"{name} takes one argument")
            if self.opaque:
                return self._opaque(node)
            return self.functions[name](0)(self._node(node.args[0], depth + 1))
        args = [self._node(a, depth + 1) for a in node.args]
        if name == "matrix":
            if len(args) != 1 or not isinstance(args[0], list):
                raise ExprError("matrix([[...], ...]) takes one list of rows")
            rows = [r if isinstance(r, list) else [r] for r in args[0]]
            return sp.Matrix(rows)
        if name in OPERATORS:
            if self.opaque:
                return self._opaque(node)
            try:
                return OPERATORS[name](*args)
            except ExprError:
                raise
            except (TypeError, ValueError, IndexError, AttributeError, sp.ShapeError) as exc:
                raise ExprError(f"{name}: {exc}") from None
        if name in FUNCTIONS:
            try:
                return FUNCTIONS[name](*args)
            except TypeError as exc:
                raise ExprError(f"{name}: {exc}") from None
        raise ExprError(f"unknown function {name!r}")

    def _exact(self, node: ast.Call, name: str) -> sp.Expr:
        """``Rational(p, q)`` or ``Decimal("1.25e-3")``: exact numbers without float literals."""
        if name == "Decimal":
            if (
                len(node.args) != 1
                or not isinstance(node.args[0], ast.Constant)
                or not isinstance(node.args[0].value, str)
            ):
                raise ExprError('Decimal("...") takes one string')
            return sp.Rational(exact_decimal(node.args[0].value))
        args = [self._node(a, 0) for a in node.args]
        if len(args) != 2 or not all(isinstance(a, sp.Integer) for a in args) or args[1] == 0:
            raise ExprError("Rational(p, q) takes two integers, q != 0")
        return sp.Rational(args[0], args[1])


def exact_decimal(text: Any) -> Fraction:
    """A stored decimal string as the exact rational it denotes; bounded exponent, nothing rounded."""
    if not isinstance(text, str) or len(text) > 400:
        raise ExprError(f"{str(text)[:40]!r} is not a decimal string")
    s = text.strip()
    mantissa, _, exponent = s.lower().partition("e")
    body = mantissa.lstrip("+-")
    if not body or body.count(".") > 1 or not body.replace(".", "").isdigit() or body == ".":
        raise ExprError(f"{text[:40]!r} is not a finite decimal number")
    if exponent:
        e = exponent.lstrip("+-")
        if not e.isdigit() or len(e) > 4:
            raise ExprError(f"{text[:40]!r}: exponent out of range")
    value = Fraction(s)
    if value != 0 and not Fraction(1, 10**400) < abs(value) < 10**400:
        raise ExprError(f"{text[:40]!r} is out of range")
    return value


def read_number_text(text: Any) -> sp.Rational:
    """An exact rational from '3/2', '-7', '1.25e-3' (loss parameters are stored so)."""
    if isinstance(text, str) and "/" in text:
        p, _, q = text.partition("/")
        num, den = exact_decimal(p), exact_decimal(q)
        if den == 0:
            raise ExprError(f"{text!r} divides by zero")
        return sp.Rational(num / den)
    return sp.Rational(exact_decimal(text))
