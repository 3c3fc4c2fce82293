"""My own property: run it with `eoscheck run my_props.py` (change 1.9 to 2.1 to see REFUTED)."""

from fractions import Fraction

from hypothesis import strategies as st

from checker.property import Property, Source
from checker.verdict import Evidence, EvidenceClass, Verdict

LAMBDA_TIMES_ETA = "1.9"  # claimed: the sharpness 1.9/eta lies below the threshold 2/eta


def check(eta: float) -> Evidence:
    """The margin 2/eta - 1.9/eta in floats: quick, but a float counterexample may be rounding."""
    margin = 2 / eta - float(LAMBDA_TIMES_ETA) / eta
    ok = margin > 0
    verdict = Verdict.CORROBORATED if ok else Verdict.REFUTED
    return Evidence(
        verdict, EvidenceClass.FLOAT, f"margin {margin:.3g}", margin=margin, counterexample=None if ok else {"eta": eta}
    )


def recheck(eta: float) -> Evidence:
    """The same margin in exact rationals: a float counterexample is REFUTED only if this agrees."""
    margin = (2 - Fraction(LAMBDA_TIMES_ETA)) / Fraction(eta)
    ok = margin > 0
    verdict = Verdict.PROVED if ok else Verdict.REFUTED
    return Evidence(
        verdict,
        EvidenceClass.SYMBOLIC,
        f"exact margin {float(margin):.6g}",
        margin=float(margin),
        counterexample=None if ok else {"eta": eta},
    )


PROPERTIES = [
    Property(
        id="MY-1",
        title="below threshold",
        source=Source("mine", "", "Claim 1"),
        statement=f"{LAMBDA_TIMES_ETA}/eta < 2/eta for eta in [0.01, 1]",
        provenance=["DERIVED"],
        strategy=st.fixed_dictionaries({"eta": st.floats(0.01, 1.0)}),
        check=check,
        recheck=recheck,
    ),
]
