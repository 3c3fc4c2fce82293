"""Re-check a loss family's certificate (``loss-family``) and the family verdicts that rest on it.

The certificate stores, for every box P of the parameter(s), a cut of the z-domain into pieces (format in the
README, "Parameter families"). Everything is re-derived here from the stored loss TEXT (l', l'', l''', l''''
and alpha = 3 l'''^2 - l'' l'''' are differentiated here; nothing derived is read from the report):

* the boxes tile the parameter interval (rectangle): inside it, interiors disjoint, total length (area) equal;
* a sign piece ('+'/'-'): for every p in P, l'(., p) has that sign on the piece. Tested over the piece and P
  directly, or as "l'' has one sign (l' monotone in z) and l' has the sign at both ends"; where neither holds
  the piece is bisected at exact midpoints, at most SIGN_DEPTH times;
* a root piece ('m'/'M'): one parametric Krawczyk step K = m - C l'(m, P) + (1 - C l''(X, P))(X - m) lands
  strictly inside X (so for every p in P exactly one zero of l'(., p) lies in X), and l''(X, P) has the sign of
  the type;
* for each minimum, the stated tight box lies in X and passes the same step (so it holds z*(p) for every p in
  P), and alpha has the stated sign over it and P: a centred form alpha(m) + alpha_z (X - m_z) + sum alpha_p_i
  (P_i - m_i) on the stated number of equal parts (each bisected further where needed);
* each decided box's status follows from its pieces (stable: every minimum's alpha > 0; not-stable: some < 0;
  no-minimiser: no minimum);
* the document's stretches (one parameter) are exactly the runs of boxes of one status, a crossing is an
  undecided stretch between a stable and a not-stable one; the stated length (area, for two parameters) of
  each status is the exact sum over its boxes; the claim's verdict, numbers and the exit code follow from the
  boxes.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb

from checker.verifier.arbeval import evaluate, exact, hull
from checker.verifier.checks import CertificateError, box, inside, signed, with_retries
from checker.verifier.cover import read_fixed_params
from checker.verifier.expr import ExprError, Reader, exact_decimal

KIND = "loss-family"
Z = sp.Symbol("z", real=True)
MAX_BOXES = 20_000
MAX_PIECES = 100_000
MAX_SPLIT = 64
SIGN_DEPTH = 24
ALPHA_DEPTH = 6
KRAWCZYK_PARTS = 16
STATUSES = ("stable", "not-stable", "no-minimiser", "undecided")
Interval = tuple[Fraction, Fraction]
Fn = Callable[[arb, Sequence[arb]], arb]


class _Family:
    """The loss and the derived ball functions of one certificate (parameters in the stored order)."""

    def __init__(self, cert: Mapping[str, Any]) -> None:
        self.names, self.ranges = _parameters(cert["parameters"])
        self.syms = [sp.Symbol(n, real=True) for n in self.names]
        fixed = cert.get("params", {})
        if not isinstance(fixed, dict):
            raise CertificateError("params must be an object")
        symbols: dict[str, sp.Symbol] = {"z": Z, **dict(zip(self.names, self.syms, strict=True))}
        values = read_fixed_params(fixed, symbols)
        try:
            expr = Reader(symbols).read(cert["expr"])
        except ExprError as exc:
            raise CertificateError(f"expr: {exc}") from None
        if not isinstance(expr, sp.Expr):
            raise CertificateError("expr must be a scalar loss")
        expr = expr.subs(values) if values else expr
        if expr.free_symbols - {Z, *self.syms}:
            raise CertificateError("expr must be a loss in z and the stated parameters")
        d1 = sp.diff(expr, Z)
        d2, d3 = sp.diff(d1, Z), sp.diff(d1, Z, 2)
        d4 = sp.diff(d3, Z)
        alpha = 3 * d3**2 - d2 * d4
        self.l1, self.l2, self.l3 = self._fn(d1), self._fn(d2), self._fn(d3)
        self.alpha = self._fn(alpha)
        self.alpha_z = self._fn(sp.diff(alpha, Z))
        self.alpha_p = [self._fn(sp.diff(alpha, s)) for s in self.syms]

    def _fn(self, e: sp.Expr) -> Fn:
        syms = self.syms
        return lambda z, ps: evaluate(e, {Z: z, **dict(zip(syms, ps, strict=True))})


def _parameters(raw: Any) -> tuple[list[str], list[Interval]]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 2:
        raise CertificateError("parameters must list one or two {name, lo, hi}")
    names, ranges = [], []
    for item in raw:
        if not isinstance(item, dict):
            raise CertificateError("a parameter must be {name, lo, hi}")
        name = item.get("name")
        if not isinstance(name, str) or not name.isidentifier() or name == "z" or name in names:
            raise CertificateError(f"bad parameter name {str(name)[:30]!r}")
        lo, hi = box(item)
        if not lo < hi:
            raise CertificateError(f"parameter {name}: needs lo < hi")
        names.append(name)
        ranges.append((lo, hi))
    return names, ranges


def _at(raw: Any, n: int) -> tuple[Interval, ...]:
    if not isinstance(raw, list) or len(raw) != n:
        raise CertificateError(f"a box's 'at' must list {n} [lo, hi] pair(s)")
    out = []
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2:
            raise CertificateError("a box side must be [lo, hi]")
        lo, hi = box({"lo": pair[0], "hi": pair[1]})
        if not lo < hi:
            raise CertificateError(f"box side [{pair[0]}, {pair[1]}] needs lo < hi")
        out.append((lo, hi))
    return tuple(out)


def _show(at: Sequence[Interval]) -> str:
    return " x ".join(f"[{float(a):.10g}, {float(b):.10g}]" for a, b in at)


# ---------------------------------------------------------------------------------------------- tiling


def _tiling(ranges: list[Interval], boxes: list[tuple[Interval, ...]]) -> str:
    """'' when the boxes tile the parameter rectangle: each inside it, interiors pairwise disjoint, and their
    measures summing to the rectangle's (closed boxes of full measure with disjoint interiors cover it)."""
    for at in boxes:
        for (a, b), (lo, hi) in zip(at, ranges, strict=True):
            if a < lo or b > hi:
                return f"box {_show(at)} leaves the parameter range"
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0][0])
    active: list[int] = []
    for i in order:
        at = boxes[i]
        active = [j for j in active if boxes[j][0][1] > at[0][0]]
        for j in active:
            if all(max(a[0], b[0]) < min(a[1], b[1]) for a, b in zip(at, boxes[j], strict=True)):
                return f"boxes {_show(boxes[j])} and {_show(at)} overlap"
        active.append(i)
    total = Fraction(0)
    for at in boxes:
        v = Fraction(1)
        for a, b in at:
            v *= b - a
        total += v
    whole = Fraction(1)
    for lo, hi in ranges:
        whole *= hi - lo
    if total != whole:
        return "the boxes do not cover the whole parameter range (a gap)"
    return ""


# ----------------------------------------------------------------------------------------- one box


def _split(p: Sequence[arb], at: Sequence[Interval]) -> list[tuple[list[arb], list[Interval]]]:
    """P cut in half along every side."""
    halves: list[list[Interval]] = [[]]
    for lo, hi in at:
        m = (lo + hi) / 2
        halves = [[*h, s] for h in halves for s in ((lo, m), (m, hi))]
    return [([hull(a, b) for a, b in h], h) for h in halves]


def _one_sign(f: _Family, lo: Fraction, hi: Fraction, p: Sequence[arb]) -> str | None:
    """'+'/'-' when l'(., q) has that sign on [lo, hi] for every q in P (directly, or monotone + both ends)."""
    v = f.l1(hull(lo, hi), p)
    if v > 0 or v < 0:
        return "+" if v > 0 else "-"
    d = f.l2(hull(lo, hi), p)
    if d > 0 or d < 0:
        a, b = f.l1(exact(lo), p), f.l1(exact(hi), p)
        if a > 0 and b > 0:
            return "+"
        if a < 0 and b < 0:
            return "-"
    return None


def _sign_piece(f: _Family, lo: Fraction, hi: Fraction, p: Sequence[arb], sign: str) -> str:
    """'' when l' has ``sign`` on the piece for every p in P: bisection at exact midpoints to SIGN_DEPTH; a
    sub-piece with the other sign ends the search at once (a forged sign costs little)."""
    stack = [(lo, hi, 0)]
    budget = MAX_PIECES
    while stack:
        a, b, depth = stack.pop()
        budget -= 1
        got = _one_sign(f, a, b, p)
        if got == sign:
            continue
        if got is not None:
            return f"l' is {'positive' if got == '+' else 'negative'} on [{float(a):.17g}, {float(b):.17g}]"
        if depth >= SIGN_DEPTH or budget <= 0:
            want = "positive" if sign == "+" else "negative"
            return f"l' over [{float(a):.17g}, {float(b):.17g}] is not certainly {want}"
        m = (a + b) / 2
        stack.extend([(m, b, depth + 1), (a, m, depth + 1)])
    return ""


def _alpha_sign(f: _Family, lo: Fraction, hi: Fraction, at: Sequence[Interval], sign: str, depth: int = 0) -> bool:
    """alpha has ``sign`` on [lo, hi] x P: the centred form intersected with the plain ball, bisected (z and
    P) up to ALPHA_DEPTH where neither decides."""
    p = [hull(a, b) for a, b in at]
    x = hull(lo, hi)
    zm = exact((lo + hi) / 2)
    pm = [exact((a + b) / 2) for a, b in at]
    c = f.alpha(zm, pm) + f.alpha_z(x, p) * (x - zm)
    for fp, q, qm in zip(f.alpha_p, p, pm, strict=True):
        c = c + fp(x, p) * (q - qm)
    plain = f.alpha(x, p)
    if signed(c, sign) or signed(plain, sign):
        return True
    other = "negative" if sign == "positive" else "positive"
    if depth >= ALPHA_DEPTH or signed(c, other) or signed(plain, other):
        return False  # certainly the other sign here: a forged sign costs little
    m = (lo + hi) / 2
    return all(_alpha_sign(f, a, b, half, sign, depth + 1) for a, b in ((lo, m), (m, hi)) for _, half in _split(p, at))


def l2_range(f: _Family, lo: Fraction, hi: Fraction, p: Sequence[arb]) -> arb:
    """An enclosure of l'' over [lo, hi] x P: the union over KRAWCZYK_PARTS equal parts of the plain ball
    intersected with the centred form l''(m) + l'''(X, P)(X - m) (each contains the range, so does their
    intersection)."""
    step = (hi - lo) / KRAWCZYK_PARTS
    out: arb | None = None
    for k in range(KRAWCZYK_PARTS):
        a, b = lo + k * step, lo + (k + 1) * step
        x, m = hull(a, b), exact((a + b) / 2)
        v, c = f.l2(x, p), f.l2(m, p) + f.l3(x, p) * (x - m)
        if c.is_finite() and v.is_finite() and c.overlaps(v):
            v = c.intersection(v)
        out = v if out is None else out.union(v)
    assert out is not None
    return out


def _krawczyk(f: _Family, lo: Fraction, hi: Fraction, p: Sequence[arb]) -> str:
    """'' when one parametric Krawczyk step on l' lands strictly inside (lo, hi), for the whole box P.

    K = m - C l'(m, P) + (1 - C L)(X - m) with L any enclosure of l'' over X x P: here the union of l'' over
    KRAWCZYK_PARTS equal parts of X (tighter than one evaluation over X; this evaluator's overestimate differs
    from the producer's, and a tight root box must not fail on that alone)."""
    if lo >= hi:
        return "the box has no interior"
    ell = l2_range(f, lo, hi, p)
    m = exact((lo + hi) / 2)
    dm = f.l2(m, [arb(q.mid()) for q in p])
    if not dm.is_finite() or dm.mid() == 0:
        return "l''(mid X) gives no preconditioner"
    c = arb(arb(1 / arb(dm.mid())).mid())
    x = hull(lo, hi)
    image = m - c * f.l1(m, p) + (1 - c * ell) * (x - m)
    if not inside(image, lo, hi, strict=True):
        where = f"[{float(lo):.17g}, {float(hi):.17g}]"
        return f"K(X) = {image.str(12, radius=True)} is not inside the interior of X = {where}"
    return ""


def _check_box(f: _Family, raw: Mapping[str, Any], at: tuple[Interval, ...], domain: Interval, split: int) -> str:
    """'' when the decided box ``raw`` re-checks (see the module docstring), else why not."""
    cuts = [exact_decimal(c) for c in raw["z"]]
    pieces = raw["pieces"]
    alphas = raw["alpha"]
    if not isinstance(pieces, str) or not isinstance(alphas, list) or not isinstance(raw["z"], list):
        raise CertificateError("z must be a list of cuts, pieces a string, alpha a list")
    if len(cuts) != len(pieces) + 1 or not pieces or len(pieces) > MAX_PIECES:
        return "z must hold one cut more than there are pieces"
    if cuts[0] != domain[0] or cuts[-1] != domain[1]:
        return "the pieces do not run from the domain's lo to its hi"
    if any(a >= b for a, b in itertools.pairwise(cuts)):
        return "the cuts are not increasing"
    if pieces.count("m") != len(alphas):
        return "one alpha entry per minimum ('m' piece) is needed"
    p = [hull(a, b) for a, b in at]
    minima: list[str | None] = []
    for i, kind in enumerate(pieces):
        lo, hi = cuts[i], cuts[i + 1]
        where = f"z in [{raw['z'][i]}, {raw['z'][i + 1]}]"
        if kind in "+-":
            reason = _sign_piece(f, lo, hi, p, kind)
            if reason:
                return f"{where}: {reason}"
        elif kind in "mM":
            reason = _krawczyk(f, lo, hi, p)
            if reason:
                return f"{where}: l' {reason}"
            d2 = l2_range(f, lo, hi, p)
            if not signed(d2, "positive" if kind == "m" else "negative"):
                return f"{where}: l'' over the box is not certainly {'positive' if kind == 'm' else 'negative'}"
            if kind == "m":
                entry = alphas[len(minima)]
                if not isinstance(entry, list) or len(entry) != 3:
                    raise CertificateError("an alpha entry is [sign, lo, hi]")
                sign, a0, a1 = entry[0], exact_decimal(entry[1]), exact_decimal(entry[2])
                if not lo <= a0 < a1 <= hi:
                    return f"{where}: the alpha box [{entry[1]}, {entry[2]}] is not inside the root box"
                reason = _krawczyk(f, a0, a1, p)
                if reason:
                    return f"{where}: the alpha box does not hold z*(p) for every p: {reason}"
                if sign is not None:
                    step = (a1 - a0) / split
                    parts = [(a0 + k * step, a0 + (k + 1) * step) for k in range(split)]
                    if not all(_alpha_sign(f, u, v, at, sign) for u, v in parts):
                        return f"{where}: alpha is not certainly {sign} over [{entry[1]}, {entry[2]}]"
                minima.append(sign)
        else:
            raise CertificateError(f"unknown piece kind {kind!r}")
    status = (
        "not-stable"
        if "negative" in minima
        else "undecided"
        if None in minima
        else "stable"
        if minima
        else "no-minimiser"
    )
    if status != raw["status"]:
        return f"status {raw['status']!r}, but its pieces make it {status!r}"
    return ""


# -------------------------------------------------------------------------------------- certificate


_RESULTS: dict[str, str] = {}  # canonical JSON -> '' or the failure, so the document check reuses the work


def check_family(cert: Mapping[str, Any]) -> None:
    """Raise CertificateError unless every stored box re-checks and the boxes tile the parameter range."""
    key = json.dumps(cert, sort_keys=True)
    if key not in _RESULTS:
        try:
            _check(cert)
            _RESULTS[key] = ""
        except CertificateError as exc:
            _RESULTS[key] = str(exc) or "does not re-check"
    if _RESULTS[key]:
        raise CertificateError(_RESULTS[key])


def _check(cert: Mapping[str, Any]) -> None:
    f = _Family(cert)
    domain = box(cert["domain"])
    split = cert["alpha_split"]
    if isinstance(split, bool) or not isinstance(split, int) or not 1 <= split <= MAX_SPLIT:
        raise CertificateError(f"alpha_split must be an integer in 1..{MAX_SPLIT}")
    raws = cert["boxes"]
    if not isinstance(raws, list) or not raws or len(raws) > MAX_BOXES:
        raise CertificateError(f"boxes must be a non-empty list of at most {MAX_BOXES}")
    ats = [_at(r["at"], len(f.names)) for r in raws]
    reason = _tiling(f.ranges, ats)
    if reason:
        raise CertificateError(reason)
    for raw, at in zip(raws, ats, strict=True):
        if raw.get("status") not in STATUSES:
            raise CertificateError(f"box {_show(at)}: status must be one of {', '.join(STATUSES)}")
        if raw["status"] == "undecided":
            continue

        def attempt(raw: Mapping[str, Any] = raw, at: tuple[Interval, ...] = at) -> str:
            return _check_box(f, raw, at, domain, split)

        try:
            with_retries(cert["prec"], attempt)
        except (CertificateError, ExprError) as exc:
            raise CertificateError(f"{','.join(f.names)} in {_show(at)} ({raw['status']}): {exc}") from None


FAMILY_CHECKS: Mapping[str, Callable[[Mapping[str, Any]], None]] = {KIND: check_family}


# ----------------------------------------------------------------------------------------- document


def derived_stretches(raws: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Runs of neighbouring boxes of one status (one parameter), with the crossing flag."""
    out: list[dict[str, Any]] = []
    for raw in sorted(raws, key=lambda r: exact_decimal(r["at"][0][0])):
        lo, hi = exact_decimal(raw["at"][0][0]), exact_decimal(raw["at"][0][1])
        if out and out[-1]["status"] == raw["status"] and out[-1]["hi"] == lo:
            out[-1]["hi"] = hi
        else:
            out.append({"lo": lo, "hi": hi, "status": raw["status"]})
    for i, s in enumerate(out):
        sides = {out[j]["status"] for j in (i - 1, i + 1) if 0 <= j < len(out)}
        s["crossing"] = s["status"] == "undecided" and sides == {"stable", "not-stable"}
    return out


def _verdict(raws: list[Mapping[str, Any]]) -> tuple[str, int]:
    statuses = {r["status"] for r in raws}
    if statuses == {"stable"}:
        return "PROVED", 0
    return ("UNDECIDED" if "undecided" in statuses else "PROVED"), 1


def check_family_document(doc: Mapping[str, Any]) -> list[str]:
    """Failures of a family document: its one LOSS-FAMILY claim carries the certificate, which re-checks, is
    of the document's loss and interval, and the stretches, crossings, verdict and exit code follow from it."""
    extra = doc["extra"]["loss"]
    fam = extra.get("family")
    if not isinstance(fam, dict):
        return ["extra.loss.family must be an object"]
    claims = [c for c in doc["claims"] if c["id"] == "LOSS-FAMILY"]
    if len(claims) != 1 or len(doc["claims"]) != 1:
        return ["a family document holds exactly one claim, LOSS-FAMILY"]
    claim = claims[0]
    certs = [c for c in claim["evidence"]["certificates"] if c.get("kind") == KIND]
    if len(certs) != 1:
        return ["LOSS-FAMILY must carry exactly one loss-family certificate"]
    cert = certs[0]
    try:
        check_family(cert)
    except CertificateError as exc:
        return [f"LOSS-FAMILY: its certificate does not re-check: {exc}"]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return [f"LOSS-FAMILY: malformed certificate ({type(exc).__name__})"]
    out = []
    params = cert["parameters"]
    same = {
        "expr": (fam.get("expr"), cert["expr"]),
        "params": (fam.get("params"), cert["params"]),
        "domain": (fam.get("domain"), cert["domain"]),
        "parameters": (fam.get("parameters"), params),
    }
    if len(params) == 1:
        same["parameter"] = (fam.get("parameter"), params[0]["name"])
        same["interval"] = (fam.get("interval"), {"lo": params[0]["lo"], "hi": params[0]["hi"]})
    for key, (stated, certified) in same.items():
        if stated != certified:
            out.append(f"LOSS-FAMILY: extra.loss.family.{key} is {stated!r}, the certificate is about {certified!r}")
    verdict, code = _verdict(cert["boxes"])
    if claim["verdict"] != verdict:
        out.append(f"LOSS-FAMILY: verdict {claim['verdict']}, but the certified boxes give {verdict}")
    if fam.get("verdict") != verdict:
        out.append(f"LOSS-FAMILY: extra.loss.family.verdict is {fam.get('verdict')!r}, the boxes give {verdict}")
    if extra.get("exit_code") != code:
        out.append(f"LOSS-FAMILY: exit code {extra.get('exit_code')!r}, the certified boxes give {code}")
    out += _area_failures(claim, fam, cert["boxes"], len(params) == 2)
    if len(params) == 1:
        out += _stretch_failures(claim, fam, derived_stretches(cert["boxes"]))
    return out


def _area_failures(
    claim: Mapping[str, Any], fam: Mapping[str, Any], raws: list[Mapping[str, Any]], two: bool
) -> list[str]:
    """The stored measure (length or area) of each status is the exact sum over the certified boxes; for two
    parameters these areas are the claim's numbers."""
    areas = dict.fromkeys(STATUSES, Fraction(0))
    for raw in raws:
        v = Fraction(1)
        for lo, hi in raw["at"]:
            v *= exact_decimal(hi) - exact_decimal(lo)
        areas[raw["status"]] += v
    regions = fam.get("regions")
    if not isinstance(regions, dict) or set(regions) != set(STATUSES):
        return ["LOSS-FAMILY: extra.loss.family.regions must give the area of each status"]
    out = []
    for status, area in areas.items():
        entry = regions[status]
        try:
            stated = exact_decimal(entry["area"]) if isinstance(entry, dict) else None
        except ExprError:
            stated = None
        if stated != area:
            out.append(f"LOSS-FAMILY: the {status} area is {entry!r}, the certified boxes give {float(area):.10g}")
    if two and not out:
        numbers = claim["evidence"]["numbers"]
        if numbers != {f"{k} area": regions[k]["area"] for k in STATUSES}:
            out.append("LOSS-FAMILY: the claim's numbers are not the certified areas")
    return out


def _stretch_failures(claim: Mapping[str, Any], fam: Mapping[str, Any], derived: list[dict[str, Any]]) -> list[str]:
    """The stored stretches (and the claim's numbers) are exactly the certified runs of boxes."""
    out = []
    stored = fam.get("stretches")
    if not isinstance(stored, list) or len(stored) != len(derived):
        return [f"LOSS-FAMILY: the stretches are not the {len(derived)} run(s) of boxes of one status"]
    for s, d in zip(stored, derived, strict=True):
        try:
            lo, hi = exact_decimal(s["lo"]), exact_decimal(s["hi"])
        except (ExprError, KeyError, TypeError):
            return ["LOSS-FAMILY: a stretch is not {lo, hi, status}"]
        if (lo, hi, s.get("status")) != (d["lo"], d["hi"], d["status"]):
            out.append(
                f"LOSS-FAMILY: stretch [{s.get('lo')}, {s.get('hi')}] {s.get('status')!r} is not a run of certified "
                f"boxes (the boxes give [{float(d['lo']):.10g}, {float(d['hi']):.10g}] {d['status']!r})"
            )
        elif bool(s.get("crossing")) != d["crossing"]:
            out.append(f"LOSS-FAMILY: stretch [{s['lo']}, {s['hi']}]: crossing {s.get('crossing')!r} does not follow")
    numbers = claim["evidence"]["numbers"]
    certified = {f"{s['lo']}..{s['hi']}": s["status"] for s in stored if isinstance(s, dict)}
    if not out and numbers != certified:
        out.append("LOSS-FAMILY: the claim's numbers are not the certified stretches")
    return out
