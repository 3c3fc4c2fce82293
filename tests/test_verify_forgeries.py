"""Forged reports: each is rejected by `eoscheck verify` with exit 1 and the forged claim named.

The run report is genuine (made here by `eoscheck run` on a few catalogue claims); the loss documents
carry hand-built covers of the agreed format (reports/README.md, "Loss covers"). Each forgery is what a
forger would try: a vacuous or edited identity, a weakened formal statement, a moved box, a shifted
decisive number, a renamed/duplicated/deleted claim, an inflated summary, an upgraded verdict, a cover
with a gap or a flipped sign, a headline that does not follow from the cover.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from checker.cli.main import main

IDS = ["GAN-A-L3.1", "GAN-A-FIX", "GAN-A-FLIP", "DNL-TOY", "DNL-C1", "DNL-ODE", "CLS-DESCENT", "CLS-DESCENT-PRODUCT"]
Doc = dict[str, Any]


@pytest.fixture(scope="module")
def run_doc(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    out = tmp_path_factory.mktemp("forge")
    assert main(["run", *IDS, "--seed", "1", "--report-dir", str(out)]) == 0
    (path,) = out.glob("eoscheck-run-*.json")
    doc: Doc = json.loads(path.read_text())
    return doc


def _claim(doc: Doc, cid: str) -> dict[str, Any]:
    return next(c for c in doc["claims"] if c["id"] == cid)


def _certs(doc: Doc, cid: str) -> list[dict[str, Any]]:
    certs: list[dict[str, Any]] = _claim(doc, cid)["evidence"]["certificates"]
    return certs


def _cert(doc: Doc, cid: str, kind: str, n: int = 0) -> dict[str, Any]:
    return [c for c in _certs(doc, cid) if c["kind"] == kind][n]


def _verify(doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(doc))
    capsys.readouterr()
    code = main(["verify", str(path)])
    return code, capsys.readouterr().out


def test_the_genuine_run_report_verifies(run_doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _verify(run_doc, tmp_path, capsys)
    assert code == 0, out
    assert not [line for line in out.splitlines() if line.startswith("FAIL")]  # the legend names FAIL too


# ---- run-report forgeries: (claim named in the failure, mutation) ---------------------------------------


def _vacuous_zero(d: Doc) -> None:
    _certs(d, "GAN-A-L3.1")[0] = {"kind": "symbolic-zero", "claim": "tr Hess", "expr": "0", "symbols": {}}


def _rhs_constant(d: Doc) -> None:
    c = _cert(d, "GAN-A-L3.1", "identity", 3)
    c["rhs"] = c["rhs"].replace("Rational(1, 1)", "2").replace("(1)*", "2*", 1)


def _lhs_equals_rhs(d: Doc) -> None:
    c = _cert(d, "GAN-A-FIX", "identity", 0)
    c["lhs"] = c["rhs"]


def _formal_constant(d: Doc) -> None:
    ob = _claim(d, "GAN-A-FIX")["formal"]["obligations"][1]
    ob["lhs"] = ob["lhs"].replace("(2)", "(3)")


def _formal_and_cert_weakened(d: Doc) -> None:
    """Both the statement and its certificate weakened consistently: true, but not the catalogue's theorem."""
    for target in (_claim(d, "GAN-A-L3.1")["formal"]["obligations"][0], _cert(d, "GAN-A-L3.1", "identity", 0)):
        target["lhs"], target["rhs"] = "trace(H) - trace(H) + 1", "1 + 0*x"


def _certificate_removed(d: Doc) -> None:
    del _certs(d, "GAN-A-L3.1")[2]


def _renamed(d: Doc) -> None:
    _claim(d, "DNL-TOY")["id"] = "DNL-TOY2"


def _duplicated(d: Doc) -> None:
    d["claims"].append(copy.deepcopy(_claim(d, "DNL-TOY")))
    d["summary"]["total"] += 1
    d["summary"]["counts"]["PROVED"] += 1
    d["summary"]["certificates"] += len(_certs(d, "DNL-TOY"))
    d["summary"]["reconstructed"].append(d["summary"]["reconstructed"][0])


def _deleted(d: Doc) -> None:
    d["claims"] = [c for c in d["claims"] if c["id"] != "DNL-TOY"]


def _summary_inflated(d: Doc) -> None:
    d["summary"]["counts"]["PROVED"] += 20


def _upgraded_with_zero(d: Doc) -> None:
    c = _claim(d, "DNL-ODE")
    c["verdict"] = "PROVED"
    c["evidence"]["class"] = "symbolic"
    c["evidence"]["certificates"].append({"kind": "symbolic-zero", "claim": "ODE", "expr": "0", "symbols": {}})
    d["summary"]["counts"]["PROVED"] += 1
    d["summary"]["counts"]["CORROBORATED"] -= 1
    d["summary"]["certificates"] += len(c["evidence"]["certificates"])


def _upgraded_with_true_identity(d: Doc) -> None:
    """A CORROBORATED claim turned PROVED with its own (true) supporting identities: it is not the theorem."""
    c = _claim(d, "DNL-ODE")
    c["verdict"] = "PROVED"
    c["evidence"]["class"] = "symbolic"
    d["summary"]["counts"]["PROVED"] += 1
    d["summary"]["counts"]["CORROBORATED"] -= 1
    d["summary"]["certificates"] += len(c["evidence"]["certificates"])


def _shift(enc: dict[str, str], by: str = "1e-6") -> None:
    from fractions import Fraction

    for k in ("lo", "hi"):
        enc[k] = str(float(Fraction(enc[k]) + Fraction(by)))


def _upgrade(d: Doc, cid: str, to: str = "CERTIFIED") -> None:
    """A class statement checked on drawn instances (CORROBORATED, "N of N certified") relabelled rigorous."""
    c = _claim(d, cid)
    d["summary"]["counts"][c["verdict"]] -= 1
    d["summary"]["counts"][to] += 1
    d["summary"]["certificates"] += len(c["evidence"]["certificates"])
    c["verdict"] = to


def _unbacked_number(d: Doc) -> None:
    _claim(d, "GAN-A-FIX")["evidence"]["numbers"]["multiplier"] = {"lo": "-1.5", "hi": "-1.4"}


def _unbacked_number_labelled_informative(d: Doc) -> None:
    ev = _claim(d, "GAN-A-FIX")["evidence"]
    ev["numbers"]["multiplier"] = {"lo": "-1.5", "hi": "-1.4"}
    ev["informative"] = ["multiplier"]


def _krawczyk_box_moved(d: Doc) -> None:
    c = _cert(d, "GAN-A-FLIP", "krawczyk")
    c["box"] = {"lo": "10", "hi": "11"}
    c["df"] = "1"


def _multiplier_shifted(d: Doc) -> None:
    _shift(_cert(d, "GAN-A-FLIP", "ball-enclosure")["value"], "0.01")


def _relabelled_user(d: Doc) -> None:
    _claim(d, "GAN-A-FIX")["formal"] = {"scope": "user", "source_sha256": "0" * 64, "obligations": None}


def _descent_sign_flipped(d: Doc) -> None:
    _cert(d, "CLS-DESCENT", "descent")["change"] = "positive"  # "refuted" where the loss went down


def _descent_hypothesis_box_shrunk(d: Doc) -> None:
    c = _cert(d, "CLS-DESCENT", "descent")
    from fractions import Fraction

    at = repr(float(Fraction(c["point"]["z"])))
    c["box"]["z"] = {"lo": at, "hi": at}  # a point: no longer holds the segment


def _descent_class(d: Doc, cid: str = "CLS-DESCENT") -> list[dict[str, Any]]:
    """The class record of a descent claim and its copy in the formal statement."""
    return [_cert(d, cid, "descent-class"), _claim(d, cid)["formal"]["obligations"][0]]


def _descent_formal_constant(constant: str) -> Callable[[Doc], None]:
    def mutate(d: Doc) -> None:
        _descent_class(d)[1]["constant"] = constant  # the statement only: no longer the catalogue's

    return mutate


def _descent_constant_everywhere(d: Doc) -> None:
    """eta * S < 2.2 claimed consistently in the certificate and the formal statement: 1 - u/2 > 0 fails."""
    for rec in _descent_class(d, "CLS-DESCENT-PRODUCT"):
        rec["constant"] = "11/5"


def _descent_second_without_g2(d: Doc) -> None:
    for rec in _descent_class(d):
        rec["second"] = ["diff(h, t, t)", "K"]  # h''(t) = l''(theta - t g): the g^2 factor dropped


def _descent_remainder(d: Doc) -> None:
    """Taylor applied with remainder eta^2 M (not the Lagrange eta^2 M / 2): it would prove only u < 1."""
    for rec in _descent_class(d):
        rec["remainder"], rec["factor"] = "eta**2*M", "1 - u"


def _descent_class_removed(d: Doc) -> None:
    certs = _certs(d, "CLS-DESCENT")
    certs.remove(_cert(d, "CLS-DESCENT", "descent-class"))
    d["summary"]["certificates"] -= 1


def _descent_path_doubled(d: Doc) -> None:
    """h moved along twice the GD step, its identities adjusted so that each still holds: not the lemma's h."""
    for rec in _descent_class(d):
        rec["define"][2][1] = "at(L, [theta], [theta - 2*t*g])"
        rec["slope"], rec["second"] = ["subs(diff(h, t), t, 0)", "-2*g**2"], ["diff(h, t, t)", "4*g**2*K"]


def _c1_sign_expr(d: Doc) -> None:
    c = _cert(d, "DNL-C1", "ball-sign")
    c["expr"] = "1 - (" + c["expr"] + ")"


def _toy_claimed_alpha(d: Doc) -> None:
    c = _cert(d, "DNL-TOY", "identity", 1)
    c["rhs"] = "2*alpha"
    _claim(d, "DNL-TOY")["formal"]["obligations"][1]["rhs"] = "2*alpha"


def _verdict_stronger_than_evidence(d: Doc) -> None:
    _claim(d, "GAN-A-FIX")["evidence"]["class"] = "float"


def _tool_version(d: Doc) -> None:
    d["tool"]["version"] = "0.0.9"


RUN_FORGERIES: dict[str, tuple[str, Callable[[Doc], None]]] = {
    "vacuous '0' residue instead of the identity": ("GAN-A-L3.1", _vacuous_zero),
    "identity: constant in the rhs changed": ("GAN-A-L3.1", _rhs_constant),
    "identity: lhs made equal to rhs (vacuous)": ("GAN-A-FIX", _lhs_equals_rhs),
    "formal statement: a constant mutated": ("GAN-A-FIX", _formal_constant),
    "formal statement and certificate weakened together": ("GAN-A-L3.1", _formal_and_cert_weakened),
    "one of five certificates removed": ("GAN-A-L3.1", _certificate_removed),
    "claim renamed": ("DNL-TOY2", _renamed),
    "claim duplicated": ("DNL-TOY", _duplicated),
    "claim deleted": ("DNL-TOY", _deleted),
    "summary counts inflated": ("summary", _summary_inflated),
    "CORROBORATED upgraded to PROVED with a '0' certificate": ("DNL-ODE", _upgraded_with_zero),
    "CORROBORATED upgraded to PROVED on its supporting identities": ("DNL-ODE", _upgraded_with_true_identity),
    "instance-checked class statement upgraded to CERTIFIED (flip)": (
        "GAN-A-FLIP",
        lambda d: _upgrade(d, "GAN-A-FLIP"),
    ),
    "instance-checked class statement upgraded to CERTIFIED (C1)": ("DNL-C1", lambda d: _upgrade(d, "DNL-C1")),
    "descent: constant 3 in the formal statement": ("CLS-DESCENT", _descent_formal_constant("3/1")),
    "descent: constant 2.2 in the formal statement": ("CLS-DESCENT", _descent_formal_constant("11/5")),
    "descent: constant 2.2 in the certificate and the statement together": (
        "CLS-DESCENT-PRODUCT",
        _descent_constant_everywhere,
    ),
    "descent: h'' identity without the g^2 factor": ("CLS-DESCENT", _descent_second_without_g2),
    "descent: Taylor rule with the remainder eta^2 M": ("CLS-DESCENT", _descent_remainder),
    "descent: class certificate removed (only instances left)": ("CLS-DESCENT", _descent_class_removed),
    "descent: true identities of another path": ("CLS-DESCENT", _descent_path_doubled),
    "an enclosure no certificate backs, in a PROVED claim": ("GAN-A-FIX", _unbacked_number),
    "an unbacked enclosure labelled informative by the report": ("GAN-A-FIX", _unbacked_number_labelled_informative),
    "Krawczyk box moved to [10, 11] with a stored df of 1": ("GAN-A-FLIP", _krawczyk_box_moved),
    "multiplier enclosure shifted": ("GAN-A-FLIP", _multiplier_shifted),
    "catalogue claim relabelled user-defined": ("GAN-A-FIX", _relabelled_user),
    "descent sign flipped": ("CLS-DESCENT", _descent_sign_flipped),
    "descent hypothesis box shrunk off the segment": ("CLS-DESCENT", _descent_hypothesis_box_shrunk),
    "ball-sign expression replaced": ("DNL-C1", _c1_sign_expr),
    "toy alpha claim and its formal statement changed together": ("DNL-TOY", _toy_claimed_alpha),
    "PROVED on float evidence": ("GAN-A-FIX", _verdict_stronger_than_evidence),
    "tool version changed (another catalogue)": ("eos-checker", _tool_version),
}


@pytest.mark.parametrize("name", sorted(RUN_FORGERIES))
def test_run_forgery_is_rejected(name: str, run_doc: Doc, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    named, mutate = RUN_FORGERIES[name]
    doc = copy.deepcopy(run_doc)
    mutate(doc)
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 1, out
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert failed and any(named in line for line in failed), out


# ---- loss documents with covers ------------------------------------------------------------------------

BCE = "log(1+exp(z)) - p*z"
BCE_PIECES = [
    {"kind": "sign", "lo": "-50", "hi": "0", "sign": "negative"},
    {"kind": "sign", "lo": "0", "hi": "1.3", "sign": "negative"},
    {"kind": "sign", "lo": "1.3", "hi": "1.386", "sign": "negative"},
    {"kind": "root", "lo": "1.386", "hi": "1.3866", "type": "minimum", "alpha_sign": "positive"},
    {"kind": "sign", "lo": "1.3866", "hi": "2", "sign": "positive"},
    {"kind": "sign", "lo": "2", "hi": "50", "sign": "positive"},
]
COSH_PIECES = [
    {"kind": "sign", "lo": "-5", "hi": "0.9", "sign": "negative"},
    {"kind": "root", "lo": "0.9", "hi": "1.1", "type": "minimum", "alpha_sign": "negative"},
    {"kind": "sign", "lo": "1.1", "hi": "5", "sign": "positive"},
]
QUARTIC_PIECES = [  # (z - 1)^4: l' = 4 (z - 1)^3, a degenerate minimum at 1 (order 4)
    {"kind": "sign", "lo": "-2", "hi": "0.5", "sign": "negative"},
    {"kind": "exact-root", "lo": "0.5", "hi": "1.5", "value": "1", "order": 4, "type": "degenerate-minimum"},
    {"kind": "sign", "lo": "1.5", "hi": "3", "sign": "positive"},
]


def loss_doc(
    text: str,
    params: dict[str, str],
    domain: tuple[float, float],
    pieces: list[dict[str, Any]],
    minimizers: list[dict[str, Any]],
    exit_code: int,
    cover_expr: str | None = None,
) -> Doc:
    return {
        "schema_version": "1.0.0",
        "tool": {"name": "eos-checker", "version": "0.1.0"},
        "kind": "loss",
        "command": ["eoscheck", "loss", text],
        "summary": {
            "total": 0,
            "counts": dict.fromkeys(("PROVED", "CERTIFIED", "CORROBORATED", "UNDECIDED", "REFUTED"), 0),
            "passed": True,
            "refuted": [],
            "undecided": [],
            "reconstructed": [],
            "certificates": 0,
        },
        "claims": [],
        "extra": {
            "loss": {
                "loss": {"text": text, "params": dict(params)},
                "domain": list(domain),
                "minimizers": minimizers,
                "exit_code": exit_code,
                "cover": {
                    "domain": {"lo": str(domain[0]), "hi": str(domain[1])},
                    "expr": cover_expr or text,
                    "params": dict(params),
                    "pieces": copy.deepcopy(pieces),
                },
            }
        },
    }


def bce_doc() -> Doc:
    mins = [{"index": 1, "z": {"lo": "1.3862943611", "hi": "1.3862943612"}, "verdict": "product-stable"}]
    return loss_doc(BCE, {"p": "4/5"}, (-50.0, 50.0), BCE_PIECES, mins, 0, cover_expr="-4*z/5 + log(exp(z) + 1)")


def cosh_doc() -> Doc:
    mins = [{"index": 1, "z": {"lo": "0.99", "hi": "1.01"}, "verdict": "not-product-stable"}]
    return loss_doc("cosh(z-1)", {}, (-5.0, 5.0), COSH_PIECES, mins, 1)


def quartic_doc() -> Doc:
    mins = [{"index": 1, "z": {"lo": "1", "hi": "1"}, "verdict": "degenerate"}]
    return loss_doc("(z-1)**4", {}, (-2.0, 3.0), QUARTIC_PIECES, mins, 1)


@pytest.mark.parametrize("make", [bce_doc, cosh_doc, quartic_doc])
def test_genuine_loss_covers_verify(
    make: Callable[[], Doc], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _verify(make(), tmp_path, capsys)
    assert code == 0, out


def _pieces(d: Doc) -> list[dict[str, Any]]:
    pieces: list[dict[str, Any]] = d["extra"]["loss"]["cover"]["pieces"]
    return pieces


LOSS_FORGERIES: dict[str, tuple[Callable[[], Doc], Callable[[Doc], None]]] = {
    "sign piece flipped": (bce_doc, lambda d: _pieces(d)[4].__setitem__("sign", "negative")),
    "root box moved to [10, 11]": (
        bce_doc,
        lambda d: (
            _pieces(d)[3].update(lo="10", hi="11"),
            _pieces(d)[2].update(hi="10"),
            _pieces(d)[4].update(lo="11"),
        ),
    ),
    "alpha sign of cosh(z-1) turned positive, headline product-stable": (
        cosh_doc,
        lambda d: (
            _pieces(d)[1].__setitem__("alpha_sign", "positive"),
            d["extra"]["loss"].__setitem__("exit_code", 0),
            d["extra"]["loss"]["minimizers"][0].__setitem__("verdict", "product-stable"),
        ),
    ),
    "headline product-stable although alpha < 0": (cosh_doc, lambda d: d["extra"]["loss"].__setitem__("exit_code", 0)),
    "minimiser verdict changed": (
        cosh_doc,
        lambda d: d["extra"]["loss"]["minimizers"][0].__setitem__("verdict", "product-stable"),
    ),
    "gap between pieces": (bce_doc, lambda d: _pieces(d)[1].__setitem__("lo", "0.5")),
    "last piece removed (domain not covered)": (bce_doc, lambda d: _pieces(d).pop()),
    "undecided piece with a product-stable headline": (
        bce_doc,
        lambda d: _pieces(d).__setitem__(0, {"kind": "undecided", "lo": "-50", "hi": "0", "reason": "x"}),
    ),
    "root type maximum instead of minimum": (bce_doc, lambda d: _pieces(d)[3].__setitem__("type", "maximum")),
    "exact root at the wrong value": (quartic_doc, lambda d: _pieces(d)[1].__setitem__("value", "11/10")),
    "exact root of the wrong order": (quartic_doc, lambda d: _pieces(d)[1].__setitem__("order", 2)),
    "cover of another loss": (
        bce_doc,
        lambda d: d["extra"]["loss"]["cover"].__setitem__("expr", "log(1 + exp(z)) - 9*z/10"),
    ),
    "cover domain narrower than the document's": (
        bce_doc,
        lambda d: (d["extra"]["loss"]["cover"]["domain"].update(hi="2"), _pieces(d).pop()),
    ),
}


@pytest.mark.parametrize("name", sorted(LOSS_FORGERIES))
def test_loss_forgery_is_rejected(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make, mutate = LOSS_FORGERIES[name]
    doc = make()
    mutate(doc)
    code, out = _verify(doc, tmp_path, capsys)
    assert code == 1, out
    assert "FAIL (document): loss cover:" in out, out


USER_INSTANCES = '''
from hypothesis import strategies as st
import sympy as sp

from checker import certificate
from checker.property import Property, Source
from checker.verdict import Enclosure, Evidence, EvidenceClass, Verdict

Z = sp.Symbol("z", real=True)


def check(k: int) -> Evidence:
    """z**2 - k/2 > 0 near z = k (certified on a small box): one instance record per drawn k."""
    box = Enclosure(str(k - 0.25), str(k + 0.25))
    cert = certificate.ball_sign(Z**2 - sp.Rational(k, 2), Z, box, "positive", 64, "z**2 - k/2 > 0 near k")
    return Evidence(Verdict.CERTIFIED, EvidenceClass.BALL, "positive", margin=1.0, certificates=[cert])


PROPERTIES = [
    Property(
        id="MY-INST",
        title="instances",
        source=Source("mine", "", "instances"),
        statement="z**2 - k/2 > 0 near z = k",
        provenance=["DERIVED"],
        strategy=st.fixed_dictionaries({"k": st.integers(2, 40)}),
        check=check,
    ),
]
'''


def test_instance_records_cannot_be_swapped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Instance obligations carry the hash of their record: with one label for every instance, copying one
    instance's record over another's (a swap of parameters) still fails verification, naming the claim."""
    src = tmp_path / "inst_props.py"
    src.write_text(USER_INSTANCES)
    assert main(["run", str(src), "--seed", "3", "--report-dir", str(tmp_path)]) == 0
    (path,) = tmp_path.glob("eoscheck-run-*.json")
    doc = json.loads(path.read_text())
    capsys.readouterr()
    certs = _certs(doc, "MY-INST")
    assert len({json.dumps(c, sort_keys=True) for c in certs}) >= 2, certs
    assert _verify(doc, tmp_path, capsys)[0] == 0
    forged = copy.deepcopy(doc)
    fc = _certs(forged, "MY-INST")
    first = next(i for i, c in enumerate(fc) if c != fc[0])
    fc[first] = copy.deepcopy(fc[0])
    code, text = _verify(forged, tmp_path, capsys)
    assert code == 1 and "MY-INST" in text and "obligation" in text, text
