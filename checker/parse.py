"""Safe parsing of loss expressions as papers write them: ``"log(1+exp(z)) - p*z"``.

Why not ``sympy.sympify``: it calls ``eval`` on the string, so ``__import__('os')`` would run. Here the
string goes through Python's *parser* only (``ast.parse`` builds a tree and executes nothing); we then walk
the tree with a whitelist and build the sympy expression ourselves. Anything not on the whitelist is an
error that names the offending piece.
"""

from __future__ import annotations

import ast
import math
import sys
import unicodedata
from collections.abc import Callable, Mapping

import sympy as sp

from checker.errors import UserInputError

Z = sp.Symbol("z", real=True)

MAX_SOURCE_CHARS = 2_000
MAX_NODES = 400
MAX_CERTIFICATE_NODES = 50 * MAX_NODES  # sympy's printed derivatives are longer than what users type
MAX_DEPTH = 1000  # nesting levels; the builder recurses ~2 Python frames per level (see _build)
MAX_ABS_EXPONENT = 64  # z**64 is already extreme for a loss; z**10**10 is an attack
MAX_INT_DIGITS = 40
MAX_POWER_BITS = 20_000  # an exact number**number larger than this is an attack ((2**64)**64)**64..., not a loss
# Degree of a polynomial in z (counted on the expression as written, before any expansion): the derivatives
# of a product of many factors grow combinatorially (a product of 60 linear factors took minutes to be refused
# by the derivative-size limit); losses in the literature have degree <= 8.
MAX_POLY_DEGREE = 24
# Numbers a loss is written with: 0, or a magnitude in [1e-100, 1e100]. A coefficient of 1e-200 vanishes in
# every float the simulations use (and sizes like 1e-400 are not even doubles), so it is refused up front.
MAX_DECIMAL_EXPONENT = 100
_TINY = sp.Rational(1, 10**MAX_DECIMAL_EXPONENT)
_HUGE = sp.Integer(10**MAX_DECIMAL_EXPONENT)


def check_magnitude(value: sp.Expr, what: str) -> None:
    """Refuse an exact number outside [1e-100, 1e100] in magnitude (0 is fine): see MAX_DECIMAL_EXPONENT."""
    if value.is_Rational and value != 0 and not _TINY <= abs(value) <= _HUGE:
        raise UserInputError(
            f"{what} is out of range: numbers in a loss must be 0 or between 1e-{MAX_DECIMAL_EXPONENT} and "
            f"1e{MAX_DECIMAL_EXPONENT} in magnitude; rescale the loss"
        )


def check_ascii(text: str, what: str) -> None:
    """Refuse non-ASCII characters, naming the first one.

    Why: Python's parser normalises identifiers (NFKC), so a fullwidth or mathematical-italic z would be
    read silently as z, and a Cyrillic a as an unknown name; what the user typed must be what is checked.
    """
    for col, ch in enumerate(text, 1):
        if ord(ch) > 127:
            name = unicodedata.name(ch, "unnamed character")
            plain = unicodedata.normalize("NFKC", ch)
            hint = f"; type the plain ASCII {plain!r}" if plain.isascii() and plain.isprintable() else ""
            raise UserInputError(
                f"{what} contains the non-ASCII character {ch!r} (U+{ord(ch):04X} {name}) at column {col}; "
                f"only plain ASCII is accepted{hint}"
            )


def _sigmoid(x: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-x))


def _softplus(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(x))


FUNCTIONS: Mapping[str, Callable[[sp.Expr], sp.Expr]] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "log1p": lambda x: sp.log(1 + x),
    "sqrt": sp.sqrt,
    "cosh": sp.cosh,
    "sinh": sp.sinh,
    "tanh": sp.tanh,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "abs": sp.Abs,
}
CONSTANTS: Mapping[str, sp.Expr] = {"pi": sp.pi, "E": sp.E}
VARIABLE = "z"


def allowed_names() -> str:
    return ", ".join(sorted(FUNCTIONS))


def parse_symbolic(text: str, symbols: Mapping[str, sp.Symbol]) -> sp.Expr:
    """Parse sympy's own ``str()`` output back, safely, with the given free symbols.

    Used by certificates: a report stores expressions as text, and a tampered report must not be able
    to run code when it is verified (``sympify`` would ``eval`` it). Accepts the function names sympy
    prints (``Abs``, ``sign``, ``LambertW(x, k)``) as well as the user-facing ones.
    """
    if not isinstance(text, str) or not text.strip():
        raise UserInputError("empty expression in certificate")
    if len(text) > 50 * MAX_SOURCE_CHARS:
        raise UserInputError("certificate expression too large")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise UserInputError(f"syntax error in certificate expression {text[:60]!r}") from None
    except (RecursionError, MemoryError):  # a tampered report: 'exp(' * 10000 ...
        raise UserInputError("certificate expression nested too deeply") from None
    _check_size(tree, MAX_CERTIFICATE_NODES, "certificate expression")
    builder = _Builder(dict(symbols), set(), extra_functions=CERTIFICATE_FUNCTIONS, variable=None)
    return _build(builder, tree.body)


def _build(builder: _Builder, node: ast.AST) -> sp.Expr:
    """Run the recursive builder with room for MAX_DEPTH levels (the tree's depth was checked already)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 3 * MAX_DEPTH + 500))
    try:
        return builder.build(node)
    except RecursionError:  # pragma: no cover - sympy's own recursion on a pathological tree
        raise UserInputError("expression nested too deeply") from None
    finally:
        sys.setrecursionlimit(old)


def _check_size(tree: ast.AST, max_nodes: int, what: str) -> None:
    """Refuse trees too large or too deep *before* building: the builder recurses once per level."""
    nodes, deepest = 0, 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if nodes > max_nodes:
        raise UserInputError(f"{what} too large ({nodes} syntax nodes; the limit is {max_nodes})")
    if deepest > MAX_DEPTH:
        raise UserInputError(f"{what} nested too deeply ({deepest} levels; the limit is {MAX_DEPTH})")


def parse_expression(text: str, params: Mapping[str, sp.Expr] | None = None) -> sp.Expr:
    """Parse ``text`` into a sympy expression in the real symbol ``z``.

    ``params`` maps parameter names to exact sympy numbers; names used in the text but absent from
    ``params`` raise a :class:`UserInputError` asking for ``NAME=VALUE``.
    """
    params = dict(params or {})
    if not isinstance(text, str) or not text.strip():
        raise UserInputError("empty loss expression: write a function of z, e.g. 'log(1+exp(z)) - 0.8*z'")
    if len(text) > MAX_SOURCE_CHARS:
        raise UserInputError(f"expression too large ({len(text)} characters; the limit is {MAX_SOURCE_CHARS})")
    check_ascii(text, "the loss expression")
    # Papers write powers as z^2; Python's ^ is xor, which has no meaning for a loss.
    source = text.replace("^", "**")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        col = f" at column {exc.offset}" if exc.offset else ""
        raise UserInputError(f"syntax error in loss expression{col}: {text.strip()!r}") from None
    except (RecursionError, MemoryError):
        raise UserInputError("expression too large (nested too deeply)") from None
    _check_size(tree, MAX_NODES, "expression")
    used_params: set[str] = set()
    expr = _build(_Builder(params, used_params, source=source.strip()), tree.body)
    unused = set(params) - used_params
    if unused:
        raise UserInputError(f"parameter(s) {', '.join(sorted(unused))} given but not used in the expression")
    if not isinstance(expr, sp.Expr):
        raise UserInputError("the loss must be a real-valued expression in z")
    # e.g. z*0**-1 is zoo*z, z + log(-1) is z + I*pi: no backend can evaluate these as a real loss.
    if expr.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        raise UserInputError(f"the loss {text.strip()!r} is infinite or undefined (a division by zero or log(0))")
    if expr.has(sp.I):
        raise UserInputError(f"the loss {text.strip()!r} is not real-valued (e.g. sqrt or log of a negative number)")
    if Z not in expr.free_symbols:
        raise UserInputError(f"the loss {text.strip()!r} is constant: it must depend on z")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 3 * MAX_DEPTH + 500))  # one frame per level, as in _build
    try:
        degree = _degree_bound(expr)
    finally:
        sys.setrecursionlimit(old)
    if degree > MAX_POLY_DEGREE:
        raise UserInputError(
            f"the loss has degree {degree} in z; the limit is {MAX_POLY_DEGREE} (its derivatives would be too large)"
        )
    return expr


def _degree_bound(expr: sp.Expr) -> int:
    """The degree in z of the polynomial parts of ``expr``, read off its tree without expanding anything.

    A sum takes the largest degree of its terms, a product the sum of its factors', a power with a whole
    exponent the multiple; a function's argument counts with its own degree (exp(z**30) is refused too).
    Each subtree is visited once, so this is linear in the (already bounded) size of the expression.
    """
    if expr == Z:
        return 1
    if not expr.has(Z):
        return 0
    if isinstance(expr, sp.Pow):
        base, exp_ = expr.args
        if exp_.is_Integer:
            return _degree_bound(base) * abs(int(exp_))
        return _degree_bound(base) + _degree_bound(exp_)
    if isinstance(expr, sp.Mul):
        return sum(_degree_bound(a) for a in expr.args)
    return max((_degree_bound(a) for a in expr.args), default=0)


CERTIFICATE_FUNCTIONS: Mapping[str, Callable[..., sp.Expr]] = {
    "Abs": sp.Abs,
    "sign": sp.sign,
    "LambertW": sp.LambertW,
}


class _Builder:
    def __init__(
        self,
        params: Mapping[str, sp.Expr],
        used: set[str],
        extra_functions: Mapping[str, Callable[..., sp.Expr]] | None = None,
        variable: str | None = VARIABLE,
        source: str | None = None,
    ) -> None:
        self.source = source  # the text parsed, to quote literals as typed
        self.params = params
        self.used = used
        self.functions = {**FUNCTIONS, **(extra_functions or {})}
        self.variable = variable

    def build(self, node: ast.AST) -> sp.Expr:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise UserInputError(f"'{_snippet(node)}' is not allowed in a loss expression ({_describe(node)})")
        return method(node)

    def _Constant(self, node: ast.Constant) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserInputError(f"only numbers may appear as literals, not {value!r}")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INT_DIGITS:
                raise UserInputError(f"number too large: {value} (at most {MAX_INT_DIGITS} digits)")
            return sp.Integer(value)
        if not math.isfinite(value):
            raise UserInputError(f"number out of range: {value}")
        # The literal as typed (ast gives the double: 1e-400 arrives as 0.0, which must not pass as zero).
        typed = ast.get_source_segment(self.source, node) if self.source is not None else None
        if typed is not None and value == 0 and any(c in "123456789" for c in typed.lower().split("e")[0]):
            raise UserInputError(f"the number {typed} is out of range: it is not zero but below every double")
        # Exact rational of the *decimal the user typed*: 0.8 means 4/5, not the nearest double.
        number = sp.Rational(repr(value))
        check_magnitude(number, f"the number {typed or repr(value)}")
        return number

    def _Name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if self.variable is not None and name == self.variable:
            return Z
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in self.functions:
            raise UserInputError(f"'{name}' is a function: call it, e.g. {name}(z)")
        if name.startswith("_"):
            raise UserInputError(f"name {name!r} is not allowed in a loss expression")
        if name in self.params:
            self.used.add(name)
            return self.params[name]
        raise UserInputError(
            f"unknown name {name!r}: the variable is z; give parameters as {name}=VALUE "
            f"(functions allowed: {allowed_names()}; constants: pi, E)"
        )

    def _UnaryOp(self, node: ast.UnaryOp) -> sp.Expr:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise UserInputError(f"operator '{_snippet(node)}' is not allowed; use + - * / ** (or ^)")

    def _BinOp(self, node: ast.BinOp) -> sp.Expr:
        left = self.build(node.left)
        right = self.build(node.right)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right == 0:
                raise UserInputError("division by zero in the loss expression")
            return left / right
        if isinstance(op, ast.Pow):
            return _safe_power(left, right)
        raise UserInputError(f"operator in '{_snippet(node)}' is not allowed; use + - * / ** (or ^)")

    def _Call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise UserInputError(f"'{_snippet(node)}' is not a call of an allowed function ({allowed_names()})")
        name = node.func.id
        if name not in self.functions:
            raise UserInputError(f"unknown function {name!r}; allowed: {allowed_names()}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise UserInputError(f"{name}() takes plain arguments, e.g. {name}(z)")
        if name == "LambertW" and len(node.args) == 2:
            branch = self.build(node.args[1])
            if branch not in (0, -1):
                raise UserInputError("LambertW branch must be 0 or -1")
            return sp.LambertW(self.build(node.args[0]), branch)
        if len(node.args) != 1:
            raise UserInputError(f"{name}() takes exactly one argument, e.g. {name}(z)")
        return self.functions[name](self.build(node.args[0]))


def _safe_power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    """Build base**exponent, refusing powers whose evaluation could exhaust memory or time."""
    if exponent.is_number:
        if not exponent.is_real:
            raise UserInputError("complex exponents are not allowed")
        if abs(float(exponent)) > MAX_ABS_EXPONENT:
            raise UserInputError(f"exponent {exponent} too large (|exponent| <= {MAX_ABS_EXPONENT}); rescale the loss")
        # sympy evaluates rational**rational exactly at once: nested powers of a number grow its size
        # geometrically, (((2**64)**64)**64)**64 already has 2**24 bits, so bound the size up front.
        if base.is_Rational and exponent.is_Rational and base != 0:
            bits = (int(base.p).bit_length() + int(base.q).bit_length()) * abs(float(exponent))
            if bits > MAX_POWER_BITS:
                raise UserInputError(f"number too large: a power of {str(base)[:20]}... exceeds {MAX_POWER_BITS} bits")
    elif Z in exponent.free_symbols and base.is_number and not (base.is_positive):
        raise UserInputError("a power with z in the exponent needs a positive base, e.g. 2**z or exp(z)")
    return sp.Pow(base, exponent)


def _snippet(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:60]
    except Exception:  # pragma: no cover - unparse handles every node parse() produces
        return type(node).__name__


def _describe(node: ast.AST) -> str:
    kind = type(node).__name__
    hints = {
        "Attribute": "attribute access",
        "Subscript": "indexing",
        "Compare": "comparison",
        "BoolOp": "boolean logic",
        "Lambda": "lambda",
        "Tuple": "tuple",
        "List": "list",
        "IfExp": "conditional",
        "JoinedStr": "f-string",
    }
    return hints.get(kind, f"{kind} syntax") + "; only numbers, z, parameters, + - * / ** and functions"
