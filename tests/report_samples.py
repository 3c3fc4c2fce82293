"""Hand-built RunRecords for the report tests: every verdict, every certificate kind, every series kind.

The certificates are real (computed here with sympy and python-flint), so verify must pass on them and
fail on any tampered copy.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from flint import arb
from hypothesis import strategies as st

from checker import certificate, series
from checker.backends.ball import ball_function, ball_precision
from checker.claim import ClaimResult, HypothesisStats, RunRecord
from checker.parse import Z
from checker.property import Property, Source
from checker.verdict import Enclosure, Evidence, EvidenceClass, Verdict

P = sp.Rational(4, 5)
SIGMOID = sp.exp(Z) / (1 + sp.exp(Z))
F = SIGMOID - P  # l'(z) for the logistic loss with p = 4/5; zero at log 4
DF = sp.diff(F, Z)
ETAS = [0.01, 0.02, 0.04, 0.08]
ERRORS = [1e-4, 3.2e-4, 1.1e-3, 3.5e-3]
FIT = tuple(float(c) for c in np.polyfit(np.log(ETAS), np.log(ERRORS), 1))  # natural logs: (slope, intercept)


def _noop(**_: object) -> Evidence:
    raise AssertionError("reports never call checks")


def prop(pid: str, *, provenance: tuple[str, ...] = ("SOURCED",), open_points: tuple[str, ...] = ()) -> Property:
    return Property(
        id=pid,
        title=f"title of {pid}",
        source=Source("gan2026a", "2601.00001", "Lemma 3.1"),
        statement=f"statement of {pid}: sharpness <= 2/eta",
        provenance=provenance,
        check=_noop,
        strategy=st.fixed_dictionaries({}),
        hypotheses="0 < eta < 1",
        open_points=open_points,
    )


def krawczyk_cert(lo: str = "1.38", hi: str = "1.39", prec: int = 128) -> dict:
    """A genuine Krawczyk certificate for the zero log 4 of F in [lo, hi]."""
    with ball_precision(prec):
        f, df = ball_function(F, Z), ball_function(DF, Z)
        box = arb(lo).union(arb(hi))
        m = arb(box.mid())
        y = 1 / df(m).mid()
        image = m - y * f(m) + (1 - y * df(box)) * (box - m)
        assert image.lower() > box.lower() and image.upper() < box.upper()
        return certificate.krawczyk(F, DF, Z, Enclosure(lo, hi), Enclosure.from_arb(image), prec, "one zero of l'")


def claims() -> list[ClaimResult]:
    ident = (Z + 1) ** 2 - Z**2 - 2 * Z - 1
    proved = Evidence(
        Verdict.PROVED,
        EvidenceClass.SYMBOLIC,
        "(z+1)^2 - z^2 - 2z - 1 simplifies to 0",
        certificates=[certificate.symbolic_zero(ident, "binomial identity")],
        precision="exact",
    )
    with ball_precision(128):
        val = ball_function(sp.exp(Z), Z)(arb(1))
    certified = Evidence(
        Verdict.CERTIFIED,
        EvidenceClass.BALL,
        "l'' > 0 on the box and the zero of l' is isolated",
        numbers={"minimiser": Enclosure("1.38", "1.39"), "e": Enclosure.from_arb(val), "margin": 0.0123},
        certificates=[
            certificate.ball_sign(DF, Z, Enclosure("0.1", "0.2"), "positive", 128, "l'' > 0 on [0.1, 0.2]"),
            certificate.ball_enclosure(sp.exp(Z), Z, Enclosure("1", "1"), Enclosure.from_arb(val), 128, "e"),
            krawczyk_cert(),
        ],
        series={
            "bif": series.bifurcation(
                "period-2 orbits",
                [0.01, 0.02, 0.04],
                [0.1, 0.14, 0.2],
                stable=[True, True, False],
                certified=[True, False, False],
                predicted_sigma=[0.0, 0.02, 0.04],
                predicted_u=[0.0, 0.1414, 0.2],
            )
        },
        precision="arb 128 bits",
    )
    corroborated = Evidence(
        Verdict.CORROBORATED,
        EvidenceClass.FLOAT,
        "sharpness settles below 2/eta",
        numbers={"final_sharpness": 19.98, "two_over_eta": 20.0},
        series={
            "sharp": series.line(
                "sharpness over a run",
                [0, 1, 2, 3],
                {"sharpness": [10.0, 18.0, 20.5, 19.98]},
                x_label="step",
                y_label="sharpness",
                hlines={"2/eta": 20.0},
            ),
            "hist": series.histogram("final sharpness", [19.9, 19.95, 20.01, 19.98], x_label="S", predicted=20.0),
        },
        margin=0.02,
        precision="float64",
    )
    undecided = Evidence(
        Verdict.UNDECIDED,
        EvidenceClass.MPMATH,
        "fitted order 1.7 vs expected 2: more eta values would decide",
        series={
            "order": series.fit(
                "error vs eta",
                ETAS,
                ERRORS,
                slope=FIT[0],
                intercept=FIT[1],
                expected_slope=2.0,
                x_label="eta",
                y_label="error",
            )
        },
        margin=float("nan"),
        precision="mpmath 50 digits",
    )
    refuted = Evidence(
        Verdict.REFUTED,
        EvidenceClass.MPMATH,
        "sharpness 2.3/eta exceeds 2/eta",
        counterexample={"eta": 0.1, "x0": 1.5},
        margin=-0.3,
        precision="mpmath 50 digits",
    )
    stats = HypothesisStats(examples=20, invalid=1, best_target=0.02, seed=7, replay=None)
    return [
        ClaimResult(prop("T-PROVED"), Verdict.PROVED, proved, HypothesisStats(examples=1, seed=7), 0.5),
        ClaimResult(prop("T-CERT"), Verdict.CERTIFIED, certified, HypothesisStats(examples=1, seed=7), 1.25),
        ClaimResult(prop("T-CORR", provenance=("SOURCED", "DERIVED")), Verdict.CORROBORATED, corroborated, stats, 2.0),
        ClaimResult(
            prop("T-UND", provenance=("RECONSTRUCTED",), open_points=("O-1",)),
            Verdict.UNDECIDED,
            undecided,
            stats,
            3.0,
            notes=["order fit on 3 points"],
        ),
        ClaimResult(prop("T-REF"), Verdict.REFUTED, refuted, HypothesisStats(20, 0, -0.3, 7, "AXicY2BgAAAABAAB"), 0.1),
    ]


def record(seconds: float = 6.85, started: str = "2026-11-23T12:00:00+00:00") -> RunRecord:
    return RunRecord(
        kind="run",
        command=["eoscheck", "run", "my_props.py", "--profile", "quick", "--seed", "7"],
        profile="quick",
        seed=7,
        started=started,
        seconds=seconds,
        claims=claims(),
        code_hash="0" * 64,
        extra={"jobs": 1},
    )


def loss_record() -> RunRecord:
    return RunRecord(
        kind="loss",
        command=["eoscheck", "loss", "log(1+exp(z)) - p*z", "p=0.8", "--report"],
        profile="loss",
        seed=None,
        started="2026-11-23T12:00:00+00:00",
        seconds=1.5,
        claims=claims()[1:2],
        extra={
            "loss": {
                "expression": "log(1+exp(z)) - p*z",
                "settings": {"eta": 0.1, "runs": 64},
                "critical_points": [
                    {"kind": "minimum", "z": Enclosure("1.38", "1.39")},
                    {"kind": "maximum", "z": Enclosure("-2.1", "-2.0")},
                ],
                "verdict": "CERTIFIED",
                "minimisers": [
                    {
                        "z": Enclosure("1.38", "1.39"),
                        "l2": 0.16,
                        "product_stable": True,
                        "bifurcation": series.bifurcation(
                            "period-2 orbits", [0.01, 0.02], [0.1, 0.14], stable=[True, True], certified=[True, True]
                        ),
                    },
                    {"z": Enclosure("-2.1", "-2.0"), "l2": 0.09, "product_stable": False},
                ],
                "series": {"loss": series.line("l(z)", [0, 1, 2], {"l": [0.69, 0.51, 0.53]}, x_label="z", y_label="l")},
            }
        },
    )


# A fixed environment: documents built with it are byte-identical across machines and fast (no JAX import).
ENV = {
    "python": "3.11.0",
    "implementation": "CPython",
    "platform": "test",
    "machine": "x86_64",
    "packages": dict.fromkeys(("numpy", "sympy", "mpmath", "python-flint", "hypothesis", "jax", "jaxlib"), "0"),
    "jax": None,
}
