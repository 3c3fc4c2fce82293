"""A user-defined property, as in the README: run it with `eoscheck run examples/my_props.py`.

The claim is deliberately simple: for eta in (0, 1], the step eta * lam with lam = 1.9/eta stays below the
stability threshold 2. Change 1.9 to 2.1 and the runner REFUTES it with a shrunk counterexample.

Why there is a ``recheck``: ``check`` works in floats, and a float counterexample may be a rounding
artefact. The runner only reports REFUTED once ``recheck`` (here exact rational arithmetic) confirms it;
without a recheck a float refutation stays UNDECIDED.
"""

from fractions import Fraction

from hypothesis import strategies as st

from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

LAMBDA_TIMES_ETA = "1.9"  # try "2.1": REFUTED


def check(eta: float) -> Evidence:
    margin = 2 / eta - float(LAMBDA_TIMES_ETA) / eta  # claimed: the sharpness 1.9/eta lies below 2/eta
    ok = margin > 0
    return Evidence(
        Verdict.CORROBORATED if ok else Verdict.REFUTED,
        EvidenceClass.FLOAT,
        f"margin {margin:.3g}",
        margin=margin,
        counterexample=None if ok else {"eta": eta},
    )


def recheck(eta: float) -> Evidence:
    """The same margin in exact rational arithmetic: decides the sign with no rounding at all."""
    exact_eta = Fraction(eta)  # the float's exact binary value
    margin = (2 - Fraction(LAMBDA_TIMES_ETA)) / exact_eta
    ok = margin > 0
    return Evidence(
        Verdict.PROVED if ok else Verdict.REFUTED,
        EvidenceClass.SYMBOLIC,
        f"exact margin {float(margin):.6g}",
        margin=float(margin),
        precision="exact rationals",
        counterexample=None if ok else {"eta": eta},
    )


PROPERTIES = [
    Property(
        id="MY-1",
        title="below threshold",
        source=Source("mine", "", "Claim 1"),
        statement="1.9/eta < 2/eta for eta in [0.01, 1]",
        provenance=["DERIVED"],
        strategy=st.fixed_dictionaries({"eta": st.floats(0.01, 1.0)}),
        check=check,
        recheck=recheck,
    ),
]
