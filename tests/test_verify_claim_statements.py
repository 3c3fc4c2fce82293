"""ALP-SET, GAN-A-NF, GAN-A-D4.1, LZDZ-L5.1 and LZDZ-R5.3 store identities stated from definitions: the
verifier re-derives each one, and one constant changed in a stored certificate makes it fail."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from checker.models import claim_statements as cs
from checker.models import product_statements as pst
from checker.verifier.document import verify_certificate
from properties import arora2022, gan2026a, liu2025

# (claim id, the records its evidence stores, a definition or side to mutate, old text, new text)
CASES: list[tuple[str, Callable[[], tuple[dict[str, Any], ...]], int, str, str, str]] = [
    ("ALP-SET", cs.alp_set, 0, "define", "/(2*L)", "/(3*L)"),
    ("ALP-SET", cs.alp_set, 2, "rhs", "(2*L)", "(4*L)"),
    ("GAN-A-NF", cs.nf_first_integral, 0, "define", "4*P/k", "5*P/k"),
    ("GAN-A-D4.1", pst.flip, 0, "rhs", "4*zs", "3*zs"),
    ("GAN-A-D4.1", pst.flip, 1, "rhs", "3*a", "2*a"),
    ("GAN-A-D4.1", lambda: (pst.d41(),), 0, "rhs", "(3*a**2)", "(2*a**2)"),
    ("GAN-A-D4.1", lambda: (pst.d41(),), 0, "define", "(3)*deriv(l, 3, zs)", "(2)*deriv(l, 3, zs)"),
    ("LZDZ-L5.1", cs.liu_l51, 0, "define", "a**2 - w1**2", "2*a**2 - w1**2"),
    ("LZDZ-L5.1", cs.liu_l51, 1, "rhs", "eta**2", "eta**3"),
    ("LZDZ-R5.3", cs.liu_r53, 1, "define", "4))/2", "5))/2"),
    ("LZDZ-R5.3", cs.liu_r53, 3, "rhs", "1/a**2", "2/a**2"),
]


def _mutate(cert: dict[str, Any], field: str, old: str, new: str) -> dict[str, Any]:
    bad = copy.deepcopy(cert)
    if field == "define":
        hits = [d for d in bad["define"] if old in d[1]]
        assert hits, f"{old!r} not in any definition"
        hits[0][1] = hits[0][1].replace(old, new, 1)
    else:
        assert old in bad[field], f"{old!r} not in {field}"
        bad[field] = bad[field].replace(old, new, 1)
    return bad


@pytest.mark.parametrize(("claim", "records", "index", "field", "old", "new"), CASES)
def test_true_record_verifies_and_mutated_constant_fails(
    claim: str, records: Callable[[], tuple[dict[str, Any], ...]], index: int, field: str, old: str, new: str
) -> None:
    cert = records()[index]
    assert cert["kind"] == "identity", claim
    verify_certificate(dict(cert))
    with pytest.raises(Exception, match="does not hold"):
        verify_certificate(_mutate(cert, field, old, new))


def _stored(prop: Any) -> list[dict[str, Any]]:
    from hypothesis import Phase, find, settings

    holder: list[list[dict[str, Any]]] = []

    def stores(kwargs: dict[str, Any]) -> bool:
        ev = prop.check(**kwargs)
        if ev.certificates:
            holder.append(list(ev.certificates))
            return True
        return False

    # Any storing example will do: without the shrink phase, find() stops at the first one instead of calling
    # the (seconds-long, under load) check hundreds of times to minimise an example nobody looks at.
    find(
        prop.strategy,
        stores,
        settings=settings(max_examples=200, database=None, deadline=None, phases=[Phase.explicit, Phase.generate]),
    )
    return holder[0]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: arora2022.make_set(), cs.alp_set()),
        (lambda: gan2026a.make_d41(), (*pst.flip()[:2], pst.d41())),
        (lambda: liu2025.make_l51(), cs.liu_l51()),
    ],
)
def test_claims_store_identities_not_residues(make: Callable[[], Any], expected: tuple[dict[str, Any], ...]) -> None:
    """The evidence itself carries the stated identities (no vacuous symbolic-zero records)."""
    certs = _stored(make())
    assert certs == list(expected)
    assert all(c["kind"] == "identity" for c in certs)


def test_mutant_statements_do_not_verify() -> None:
    """The producers' mutation knobs give false statements (so a mutant cannot carry a verifying record)."""
    with pytest.raises(Exception, match="does not hold"):
        verify_certificate(dict(cs.liu_l51(power=1)[1]))
    with pytest.raises(Exception, match="does not hold"):
        verify_certificate(dict(cs.liu_r53(w2_term=False)[3]))
    with pytest.raises(Exception, match="does not hold"):
        verify_certificate(dict(pst.d41(2)))


def test_d41_is_proved_for_the_class_and_a_wrong_constant_is_not() -> None:
    """GAN-A-D4.1's verdict comes from its class identity: PROVED with the true constant; with 2 the identity
    fails, so drawn instances decide alone (CERTIFIED where they happen to agree, never PROVED)."""
    from checker.verdict import Verdict

    true, wrong = gan2026a.make_d41(), gan2026a.make_d41(alpha_coefficient=2)
    example = {"zstar": 0, "a": 1, "b": 1, "c": 1}  # alpha = 3 - 1 > 0 and 2 - 1 > 0: both constants agree
    assert true.check(**example).verdict is Verdict.PROVED
    ev = wrong.check(**example)
    assert ev.verdict is Verdict.CERTIFIED and "no class proof" in ev.summary
