"""Re-check a report's certificates without re-running any search: ``eoscheck verify REPORT.json``.

Kept small and independent on purpose: a reader who doubts a CERTIFIED or PROVED verdict should be able
to read this one file and see what was checked. It uses only sympy (identities) and python-flint
(arb ball arithmetic); it never simulates, searches or uses floats to decide anything. Expressions are
read back with :func:`checker.parse.parse_symbolic` (an AST whitelist), never ``sympify``/``eval``: a
tampered report cannot run code here.

What is checked, per claim:

* a PROVED or CERTIFIED claim must rest on symbolic or ball evidence and store at least one certificate;
* ``symbolic-zero``: ``simplify(expr) == 0`` with the stored symbol assumptions;
* ``ball-sign``: expr evaluated in arb over the box ``at`` is certainly > 0 (or < 0);
* ``ball-enclosure``: expr over ``at`` lies inside the claimed ``value``;
* ``krawczyk``: with X the stored box, m its midpoint and the checker's OWN point preconditioner
  Y ~ 1/f'(m) (any nonzero point Y is valid), K(X) = m - Y f(m) + (1 - Y f'(X))(X - m) lies in the
  interior of X (so f has exactly one zero in X), and f'(X) has the claimed sign if one is claimed.
  The stored image is informative only: the checker recomputes K.

Evaluations start at the stored precision and retry at higher precision (more bits never make a ball
result less rigorous, and a checker with a different evaluation order may need a few more).

What is NOT checked: that a certificate's mathematical statement implies the claim's prose; read each
certificate's ``claim`` text for that. Non-rigorous claims (CORROBORATED, UNDECIDED, REFUTED) need no
certificate, but any supporting certificates they carry are re-checked too.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import sympy as sp
from flint import arb, fmpq

from checker.backends.ball import ball_function, ball_precision
from checker.errors import NonSmoothPointError, UserInputError
from checker.parse import parse_symbolic

RIGOROUS_VERDICTS = {"PROVED", "CERTIFIED"}
RIGOROUS_CLASSES = {"symbolic", "ball"}
ASSUMPTIONS = {"real", "positive", "nonnegative", "negative", "nonzero", "integer"}
MAX_PREC = 4096  # bits: retries stop here
TIME_LIMIT_S = 120.0  # per certificate
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,5})?$")


class CertificateError(Exception):
    """A certificate does not verify; the message says why."""


@dataclass(frozen=True)
class Finding:
    claim: str
    status: str  # "verified" | "supported" (non-rigorous claim, its certificates hold) | "failed" | "skipped"
    message: str


# ---------------------------------------------------------------------------------------------- numbers


def exact_decimal(text: str) -> Fraction:
    """A stored bound as the exact rational it denotes (bounds are decimals; nothing is rounded)."""
    if not isinstance(text, str) or not _DECIMAL.match(text.strip()):
        raise CertificateError(f"bound {text!r} is not a finite decimal number")
    value = Fraction(text.strip())
    if value != 0 and not Fraction(1, 10**400) < abs(value) < 10**400:
        raise CertificateError(f"bound {text!r} is out of range")
    return value


def ball_of(q: Fraction) -> arb:
    """A ball containing the rational q exactly (at the current precision)."""
    return arb(fmpq(q.numerator, q.denominator))


def box_of(enc: dict[str, str]) -> tuple[arb, Fraction, Fraction]:
    """The ball hull of [lo, hi] (it contains every point of the interval) and the exact endpoints."""
    lo, hi = exact_decimal(enc["lo"]), exact_decimal(enc["hi"])
    if lo > hi:
        raise CertificateError(f"box [{enc['lo']}, {enc['hi']}] has lo > hi")
    return ball_of(lo).union(ball_of(hi)), lo, hi


def inside(x: arb, lo: Fraction, hi: Fraction, *, strict: bool) -> bool:
    """Every point of x lies in [lo, hi] (in (lo, hi) when strict), decided rigorously by arb."""
    a, b = ball_of(lo), ball_of(hi)
    if strict:
        return bool(x > a and x < b)
    return bool(x >= a and x <= b)


# ---------------------------------------------------------------------------------------- certificates


def _expr(text: str, symbols: dict[str, sp.Symbol]) -> sp.Expr:
    try:
        return parse_symbolic(text, symbols)
    except UserInputError as exc:  # includes anything that is not plain arithmetic (e.g. __import__)
        raise CertificateError(f"expression rejected: {exc}") from None


def _function(cert: dict[str, Any], key: str):
    name = cert["variable"]
    if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name):
        raise CertificateError(f"variable name {name!r} is not an identifier")
    var = sp.Symbol(name, real=True)
    expr = _expr(cert[key], {name: var})
    extra = expr.free_symbols - {var}
    if extra:
        raise CertificateError(f"{key} has free symbols besides {name}: {sorted(map(str, extra))}")
    try:
        return ball_function(expr, var)
    except Exception as exc:  # a node the ball translator does not know: cannot be checked, so it fails
        raise CertificateError(f"{key} cannot be evaluated in ball arithmetic: {exc}") from None


def _precisions(prec: int) -> list[int]:
    """The stored precision first (whatever it is; the schema caps it), then 4x steps up to MAX_PREC."""
    p = max(int(prec), 53)
    out = [p]
    while p * 4 <= MAX_PREC:
        p *= 4
        out.append(p)
    return out


def _with_retries(prec: int, attempt) -> None:
    """Run ``attempt()`` at the stored precision and higher; the last failure's reason is reported."""
    reason = ""
    for p in _precisions(prec):
        with ball_precision(p):
            try:
                reason = attempt()
            except NonSmoothPointError as exc:
                reason = f"evaluation hit a non-smooth point: {exc}"
            except (ValueError, ArithmeticError, TypeError, NotImplementedError) as exc:
                reason = f"evaluation failed: {exc}"
        if not reason:
            return
    raise CertificateError(reason)


def check_symbolic_zero(cert: dict[str, Any]) -> None:
    symbols = {}
    for name, flags in cert["symbols"].items():
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name) or not set(flags) <= ASSUMPTIONS:
            raise CertificateError(f"bad symbol declaration {name!r}: {flags!r}")
        symbols[name] = sp.Symbol(name, **{k: True for k in flags})
    expr = _expr(cert["expr"], symbols)
    try:
        simplified = sp.simplify(expr)
    except Exception as exc:  # sympy failing on a (tampered) expression is a failure to verify, not a crash
        raise CertificateError(f"simplify failed: {type(exc).__name__}: {exc}") from None
    if simplified != 0:
        raise CertificateError(f"{cert['expr']} does not simplify to 0")


def check_ball_sign(cert: dict[str, Any]) -> None:
    f = _function(cert, "expr")

    def attempt() -> str:
        box, _, _ = box_of(cert["at"])
        value = f(box)
        ok = value > 0 if cert["sign"] == "positive" else value < 0
        return "" if ok else f"expr over {_show(cert['at'])} is {_ball(value)}, not certainly {cert['sign']}"

    _with_retries(cert["prec"], attempt)


def check_ball_enclosure(cert: dict[str, Any]) -> None:
    f = _function(cert, "expr")
    lo, hi = exact_decimal(cert["value"]["lo"]), exact_decimal(cert["value"]["hi"])

    def attempt() -> str:
        box, _, _ = box_of(cert["at"])
        value = f(box)
        ok = inside(value, lo, hi, strict=False)
        return "" if ok else f"expr over {_show(cert['at'])} is {_ball(value)}, not inside {_show(cert['value'])}"

    _with_retries(cert["prec"], attempt)


def check_krawczyk(cert: dict[str, Any]) -> None:
    f, df = _function(cert, "f"), _function(cert, "df")

    def attempt() -> str:
        box, lo, hi = box_of(cert["box"])
        if lo == hi:
            return "the box is a single point: a zero needs a box with an interior"
        m = ball_of((lo + hi) / 2)
        dm = df(m)
        if not dm.is_finite() or dm.mid() == 0:
            return f"f'(mid X) = {dm.str(10)} gives no preconditioner"
        y = arb(arb(1 / arb(dm.mid())).mid())  # an exact point: any nonzero Y keeps the test valid
        image = m - y * f(m) + (1 - y * df(box)) * (box - m)
        if not inside(image, lo, hi, strict=True):
            return f"K(X) = {_ball(image)} is not inside the interior of X = {_show(cert['box'])}"
        sign = cert.get("sign_df")
        if sign is not None:
            d = df(box)
            if not (d > 0 if sign == "positive" else d < 0):
                return f"f'(X) = {_ball(d)} is not certainly {sign}"
        return ""

    _with_retries(cert["prec"], attempt)


CHECKS = {
    "symbolic-zero": check_symbolic_zero,
    "ball-sign": check_ball_sign,
    "ball-enclosure": check_ball_enclosure,
    "krawczyk": check_krawczyk,
}


def _ball(x: arb) -> str:
    return x.str(40, radius=True, more=True)


def _show(enc: dict[str, str]) -> str:
    return f"[{enc['lo']}, {enc['hi']}]"


# --------------------------------------------------------------------------------------------- reports


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Bound one certificate's check (a tampered expression could make sympy simplify for hours).

    Uses SIGALRM, so it only applies in the main thread of a POSIX process (the CLI); elsewhere no limit.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def _raise(signum: int, frame: Any) -> None:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def verify_certificate(cert: dict[str, Any], time_limit: float = TIME_LIMIT_S) -> None:
    """Raise :class:`CertificateError` unless ``cert`` re-checks (within ``time_limit`` seconds)."""
    check = CHECKS.get(str(cert.get("kind")))
    if check is None:
        raise CertificateError(f"unknown certificate kind {cert.get('kind')!r}")
    try:
        with _time_limit(time_limit):
            check(cert)
    except KeyError as exc:
        raise CertificateError(f"{cert['kind']} certificate lacks field {exc}") from None
    except (TypeError, ValueError, AttributeError) as exc:  # a field of the wrong type (schema-invalid input)
        raise CertificateError(f"malformed {cert['kind']} certificate: {exc}") from None
    except _Timeout:
        raise CertificateError(f"not re-checked within {time_limit:g} s") from None


def _check_all(certs: list[dict[str, Any]]) -> list[str]:
    failures = []
    for i, cert in enumerate(certs, 1):
        try:
            verify_certificate(cert)
        except CertificateError as exc:
            failures.append(f"certificate {i} ({cert.get('kind')}: {cert.get('claim', '')!r}): {exc}")
    return failures


def verify_claim(claim: dict[str, Any]) -> Finding:
    """A rigorous verdict needs rigorous evidence and certificates that all re-check.

    Non-rigorous claims may carry supporting certificates (e.g. an identity PROVED inside a CORROBORATED
    claim): those are re-checked too, since a false certificate is wrong whatever the verdict.
    """
    cid, verdict = claim["id"], claim["verdict"]
    evidence = claim["evidence"]
    certs = evidence["certificates"]
    kinds = ", ".join(c.get("kind", "?") for c in certs)
    if verdict in RIGOROUS_VERDICTS:
        if evidence["class"] not in RIGOROUS_CLASSES:
            return Finding(cid, "failed", f"{verdict} rests on {evidence['class']} evidence (needs symbolic or ball)")
        if not certs:
            return Finding(cid, "failed", f"{verdict} but no certificate is stored")
    elif not certs:
        return Finding(cid, "skipped", f"{verdict}: not a rigorous verdict, no certificate to check")
    failures = _check_all(certs)
    if failures:
        return Finding(cid, "failed", f"{len(failures)} of {len(certs)} certificate(s) failed; " + "; ".join(failures))
    if verdict in RIGOROUS_VERDICTS:
        return Finding(cid, "verified", f"{verdict}: {len(certs)} certificate(s) re-checked ({kinds})")
    return Finding(
        cid,
        "supported",
        f"{verdict}: {len(certs)} supporting certificate(s) re-checked ({kinds}); the verdict "
        f"itself rests on {evidence['class']} evidence",
    )


def verify_document(doc: dict[str, Any]) -> list[Finding]:
    return [verify_claim(c) for c in doc["claims"]]


def verify_file(path: Path) -> list[Finding]:
    """Load (schema-validated; UserInputError if unreadable) and verify every claim."""
    from checker.report.document import load_document

    return verify_document(load_document(Path(path)))
