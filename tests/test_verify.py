"""The independent certificate checker: passes on genuine certificates, fails on every tampering."""

from __future__ import annotations

import contextlib
import copy
import json

import pytest
import report_samples as samples
from flint import arb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.backends.ball import ball_function, ball_precision
from checker.certify.krawczyk import krawczyk_1d, krawczyk_certificate
from checker.cli.main import main
from checker.parse import Z
from checker.report.document import build_document
from checker.verify import CertificateError, verify_certificate, verify_document

ENV = samples.ENV


@pytest.fixture(scope="module")
def doc():
    return build_document(samples.record(), env=ENV)


def _status(doc):
    return {f.claim: f.status for f in verify_document(doc)}


def _cert(doc, claim_index, cert_index):
    return doc["claims"][claim_index]["evidence"]["certificates"][cert_index]


def test_genuine_certificates_verify(doc):
    assert _status(doc) == {
        "T-PROVED": "verified",
        "T-CERT": "verified",
        "T-CORR": "skipped",
        "T-UND": "skipped",
        "T-REF": "skipped",
    }


@pytest.mark.parametrize("prec", [53, 128, 256])
def test_the_projects_own_krawczyk_certificates_verify(prec):
    """Certificates from checker.certify (tight refined boxes) re-check with the verifier's own Y."""
    with ball_precision(prec):
        f, df = ball_function(samples.F, Z), ball_function(samples.DF, Z)
        res = krawczyk_1d(f, df, arb("1.38").union(arb("1.39")))
    cert = krawczyk_certificate(samples.F, samples.DF, Z, res, "unique zero", sign_df="positive")
    verify_certificate(cert)


TAMPERINGS = {
    "symbolic expression edited": (0, 0, lambda c: c.__setitem__("expr", c["expr"] + " + 1/10**30")),
    "symbolic wrong power": (0, 0, lambda c: c.__setitem__("expr", c["expr"].replace("**2", "**3", 1))),
    "sign claim flipped": (1, 0, lambda c: c.__setitem__("sign", "negative")),
    "sign box moved across a zero": (1, 0, lambda c: c.__setitem__("expr", "z - 1/7")),
    "enclosure bound changed": (1, 1, lambda c: c["value"].__setitem__("hi", "2.71828")),
    "enclosure point moved": (1, 1, lambda c: c["at"].__setitem__("hi", "1.0001")),
    "krawczyk box moved off the zero": (1, 2, lambda c: c.__setitem__("box", {"lo": "1.40", "hi": "1.41"})),
    "krawczyk box too wide": (1, 2, lambda c: c.__setitem__("box", {"lo": "-5", "hi": "8"})),
    "krawczyk derivative sign flipped": (1, 2, lambda c: c.__setitem__("sign_df", "negative")),
    "krawczyk wrong constant": (1, 2, lambda c: c.__setitem__("f", c["f"].replace("4/5", "3/5"))),
    "krawczyk lo > hi": (1, 2, lambda c: c.__setitem__("box", {"lo": "1.39", "hi": "1.38"})),
    "bound not a number": (1, 1, lambda c: c["value"].__setitem__("lo", "nan")),
}


@pytest.mark.parametrize("name", sorted(TAMPERINGS))
def test_tampered_certificate_fails(doc, name):
    claim_index, cert_index, mutate = TAMPERINGS[name]
    bad = copy.deepcopy(doc)
    mutate(_cert(bad, claim_index, cert_index))
    findings = {f.claim: f for f in verify_document(bad)}
    cid = bad["claims"][claim_index]["id"]
    assert findings[cid].status == "failed", findings[cid]
    assert f"certificate {cert_index + 1}" in findings[cid].message


def test_removed_certificate_fails(doc):
    bad = copy.deepcopy(doc)
    bad["claims"][0]["evidence"]["certificates"] = []
    f = verify_document(bad)[0]
    assert f.status == "failed" and "no certificate" in f.message


def test_verdict_stronger_than_evidence_fails(doc):
    bad = copy.deepcopy(doc)
    bad["claims"][2]["verdict"] = "CERTIFIED"  # float evidence promoted by hand
    bad["claims"][2]["evidence"]["certificates"] = copy.deepcopy(doc["claims"][1]["evidence"]["certificates"])
    f = verify_document(bad)[2]
    assert f.status == "failed" and "float evidence" in f.message


def test_injected_code_is_rejected_without_running(doc, tmp_path):
    target = tmp_path / "pwned"
    bad = copy.deepcopy(doc)
    _cert(bad, 0, 0)["expr"] = f"__import__('os').system('touch {target}')"
    _cert(bad, 1, 0)["expr"] = f"open('{target}', 'w')"
    findings = verify_document(bad)
    assert findings[0].status == "failed" and "expr:" in findings[0].message
    assert findings[1].status == "failed" and "expr:" in findings[1].message
    assert not target.exists()


def test_unknown_kind_fails():
    with pytest.raises(CertificateError, match="unknown certificate kind"):
        verify_certificate({"kind": "trust-me", "claim": "x"})


def test_cli_exit_codes(doc, tmp_path, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc))
    assert main(["verify", str(good)]) == 0
    out = capsys.readouterr().out
    assert (
        "OK   T-CERT" in out and "2 rigorous claim(s) verified, 0 failed, 0 supporting, 3 without certificates" in out
    )

    bad = copy.deepcopy(doc)
    _cert(bad, 1, 1)["value"]["hi"] = "2.7"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bad))
    assert main(["verify", str(tampered)]) == 1
    out = capsys.readouterr().out
    assert "FAIL T-CERT" in out and "certificate 2 (ball-enclosure" in out

    assert main(["verify", str(tmp_path / "missing.json")]) == 2
    garbage = tmp_path / "garbage.json"
    garbage.write_text("[1, 2")
    assert main(["verify", str(garbage)]) == 2
    assert main(["verify", "--json", str(good)]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_supporting_certificates_of_non_rigorous_claims_are_checked(doc):
    good = copy.deepcopy(doc)
    good["claims"][2]["evidence"]["certificates"] = copy.deepcopy(doc["claims"][0]["evidence"]["certificates"])
    assert verify_document(good)[2].status == "supported"
    _cert(good, 2, 0)["expr"] = "z**2 - z"  # a false identity inside a CORROBORATED claim
    f = verify_document(good)[2]
    assert f.status == "failed" and "does not simplify to 0" in f.message


def test_a_certificate_that_takes_too_long_fails(monkeypatch):
    import time

    from checker.verifier import checks
    from checker.verifier.limits import Budget

    monkeypatch.setitem(checks.CHECKS, "symbolic-zero", lambda cert: time.sleep(5))  # type: ignore[index]
    t0 = time.perf_counter()
    with pytest.raises(CertificateError, match="not re-checked"):
        verify_certificate({"kind": "symbolic-zero", "claim": "slow", "expr": "0", "symbols": {}}, Budget(0.2))
    assert time.perf_counter() - t0 < 3


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["expr", "variable", "sign", "at.lo", "at.hi", "prec"]),
    junk=st.one_of(
        st.text(max_size=30),
        st.sampled_from(["1e99999", "inf", "z**z**z", "exp(exp(exp(z)))", "sign(z)", "Abs(z)", "lambda: 1", "0x10"]),
        st.integers(-5, 10**6),
    ),
    index=st.integers(0, 2),
)
def test_garbage_fields_fail_cleanly(field, junk, index):
    """Whatever a tampered field holds, verify answers verified/failed and never crashes or hangs."""
    from checker.verifier.limits import Budget

    cert = copy.deepcopy(samples.record().claims[1].evidence.certificates[index])
    keys = field.split(".")
    target = cert
    for k in keys[:-1]:
        target = target.get(k, {})
    target[keys[-1]] = junk
    with contextlib.suppress(CertificateError):
        verify_certificate(cert, Budget(10))


def test_derivative_at_states_the_vanishing_derivative_from_the_loss() -> None:
    """l^(k)(value) = 0 as an identity from l (a symbolic_zero of the substituted derivative is the literal 0)."""
    import sympy as sp

    from checker.certificate import derivative_at, symbolic_zero

    l = (Z - 1) ** 4
    for k in (1, 2, 3):
        verify_certificate(derivative_at(l, Z, k, sp.Integer(1), sp.Integer(0), f"l^({k})(1) = 0"))
    verify_certificate(derivative_at(l, Z, 4, sp.Integer(1), sp.Integer(24), "l''''(1) = 24"))
    with pytest.raises(CertificateError, match="does not hold"):
        verify_certificate(derivative_at(l, Z, 4, sp.Integer(1), sp.Integer(0), "l''''(1) = 0"))
    with pytest.raises(CertificateError, match="vacuous"):
        verify_certificate(symbolic_zero(sp.diff(l, Z).subs(Z, 1), "l'(1) = 0, as a residue"))
