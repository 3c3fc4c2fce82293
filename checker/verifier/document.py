"""Check a whole report document: structure, ids, summary, formal statements, certificates, numbers, loss cover.

A report is untrusted input. Every claim's verdict must follow from what is stored:

* the summary is recomputed from the claims (counts, refuted/undecided/reconstructed lists, certificates);
* ids are unique, catalogue ids are known to this tool version, user-defined claims are marked as such
  (``formal.scope == "user"`` with the sha256 of their source) and only appear when the recorded command
  ran a user file, and every catalogue claim the recorded selection implies is present;
* a PROVED/CERTIFIED claim rests on symbolic or ball evidence, carries a formal statement equal to the
  catalogue's own, and every obligation of that statement is met by a certificate that re-checks;
* every certificate of every claim re-checks (a false certificate is wrong whatever the verdict);
* every enclosure in a rigorous claim's ``numbers`` is backed by a certificate (the certified value lies
  inside it, or it is the box a certificate was evaluated over) or listed in ``evidence.informative``;
* a loss document's verdicts follow from its cover of the domain (:mod:`checker.verifier.cover`).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from checker.verifier.checks import CHECKS, CertificateError, VacuousCertificate, box, identity_statement
from checker.verifier.cover import check_cover
from checker.verifier.descent import CLASS_CHECKS
from checker.verifier.descent import KIND as DESCENT_CLASS
from checker.verifier.family import FAMILY_CHECKS, check_family_document
from checker.verifier.limits import CERTIFICATE_SECONDS, Budget, OutOfTime, Unreadable, load_json, time_limit

VERDICTS = ("PROVED", "CERTIFIED", "CORROBORATED", "UNDECIDED", "REFUTED")
RIGOROUS_VERDICTS = frozenset({"PROVED", "CERTIFIED"})
RIGOROUS_CLASSES = frozenset({"symbolic", "ball"})
DOCUMENT = "(document)"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Finding:
    claim: str
    status: str  # "verified" | "supported" | "failed" | "skipped"
    message: str


def catalogue() -> dict[str, Any]:
    """The catalogue's ids, papers and formal statements for this tool version (package data)."""
    text = resources.files("checker.verifier").joinpath("catalogue.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# ---------------------------------------------------------------------------------------------- structure


def _require(cond: bool, what: str) -> None:
    if not cond:
        raise Unreadable(f"not a valid v1 report: {what}")


def check_structure(doc: Any) -> None:
    """Just enough shape for the checks below to read it; anything else is exit 2, not a traceback."""
    _require(isinstance(doc, dict), "the top level is not an object")
    _require(isinstance(doc.get("schema_version"), str) and doc["schema_version"].startswith("1."), "schema_version")
    _require(isinstance(doc.get("tool"), dict) and isinstance(doc["tool"].get("version"), str), "tool.version")
    _require(doc.get("kind") in ("run", "loss", "network"), "kind must be run, loss or network")
    _require(isinstance(doc.get("command"), list) and all(isinstance(c, str) for c in doc["command"]), "command")
    _require(isinstance(doc.get("summary"), dict), "summary")
    _require(isinstance(doc.get("extra"), dict), "extra")
    _require(isinstance(doc.get("claims"), list), "claims")
    for c in doc["claims"]:
        _require(isinstance(c, dict) and isinstance(c.get("id"), str), "a claim without an id")
        _require(c.get("verdict") in VERDICTS, f"claim {c['id'][:40]}: verdict")
        ev = c.get("evidence")
        _require(isinstance(ev, dict), f"claim {c['id'][:40]}: evidence")
        _require(isinstance(ev.get("certificates"), list), f"claim {c['id'][:40]}: certificates")
        _require(all(isinstance(x, dict) for x in ev["certificates"]), f"claim {c['id'][:40]}: certificates")
        _require(isinstance(ev.get("numbers"), dict), f"claim {c['id'][:40]}: numbers")


# ------------------------------------------------------------------------------------------ certificates


_VERIFIED: set[str] = set()  # canonical JSON of certificates already re-checked in this process


def verify_certificate(cert: dict[str, Any], budget: Budget | None = None) -> None:
    """Raise CertificateError unless ``cert`` re-checks within its time limit (and the file's budget).

    A certificate identical (as canonical JSON) to one already re-checked in this process is not checked
    again: the checks are deterministic functions of the record.
    """
    key = json.dumps(cert, sort_keys=True)
    if key in _VERIFIED:
        return
    _check_one(cert, budget)
    _VERIFIED.add(key)


def _check_one(cert: dict[str, Any], budget: Budget | None) -> None:
    check = {**CHECKS, **FAMILY_CHECKS, **CLASS_CHECKS}.get(cert.get("kind"))  # type: ignore[arg-type]
    if check is None:
        raise CertificateError(f"unknown certificate kind {str(cert.get('kind'))[:40]!r}")
    seconds = CERTIFICATE_SECONDS if budget is None else min(CERTIFICATE_SECONDS, budget.left())
    try:
        with time_limit(seconds):
            check(cert)
    except KeyError as exc:
        raise CertificateError(f"{cert['kind']} certificate lacks field {exc}") from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise CertificateError(f"malformed {cert['kind']} certificate: {type(exc).__name__}") from None
    except (RecursionError, MemoryError):
        raise CertificateError("too large to re-check") from None
    except OutOfTime:
        if budget is not None and budget.left() <= 0:
            raise CertificateError("the whole file's time budget is spent: not re-checked") from None
        raise CertificateError(f"not re-checked within {seconds:.0f} s") from None


def _certify_all(certs: list[dict[str, Any]], budget: Budget, *, rigorous: bool) -> tuple[list[bool], list[str], int]:
    """(which re-checked, the failures, how many were vacuous). A vacuous record is false of nothing, so in a
    non-rigorous claim it is only counted (it supports nothing); a rigorous verdict can never rest on one."""
    ok, failures, vacuous = [], [], 0
    for i, cert in enumerate(certs, 1):
        try:
            verify_certificate(cert, budget)
            ok.append(True)
        except CertificateError as exc:
            ok.append(False)
            if isinstance(exc, VacuousCertificate) and not rigorous:
                vacuous += 1
                continue
            failures.append(f"certificate {i} ({cert.get('kind')}: {str(cert.get('claim', ''))[:80]!r}): {exc}")
    return ok, failures, vacuous


# ------------------------------------------------------------------------------------------------ formal


def _formal_failures(
    claim: dict[str, Any], cat: dict[str, Any], certs: list[dict[str, Any]], ok: list[bool]
) -> list[str]:
    """The claim's formal statement is the catalogue's own (or a marked user statement), and is met."""
    cid, formal = claim["id"], claim.get("formal")
    rigorous = claim["verdict"] in RIGOROUS_VERDICTS
    known = cat["claims"].get(cid)
    if not isinstance(formal, dict):
        if known is None:
            return [f"{cid} is not a catalogue id of eos-checker {cat['tool_version']} and is not marked user-defined"]
        return ["a PROVED/CERTIFIED claim needs a formal statement"] if rigorous else []
    scope = formal.get("scope")
    if scope == "user":
        if known is not None:
            return [f"{cid} is a catalogue id: it cannot be re-labelled user-defined"]
        if not _SHA256.match(str(formal.get("source_sha256", ""))):
            return ["a user-defined claim must carry the sha256 of its source"]
    elif scope == "catalogue":
        if known is None:
            return [f"{cid} is not a catalogue id of eos-checker {cat['tool_version']}"]
        if formal != known["formal"]:
            return ["its formal statement differs from the catalogue's own for this id (weakened or swapped?)"]
    else:
        return [f"formal.scope must be 'catalogue' or 'user', not {str(scope)[:20]!r}"]
    obligations = formal.get("obligations")
    if rigorous and not obligations:
        return ["the formal statement has no obligations, so no certificate can prove it rigorously"]
    if not isinstance(obligations, list | type(None)):
        return ["formal.obligations must be a list"]
    missing = []
    for ob in obligations or []:
        if not isinstance(ob, dict):
            return ["an obligation must be an object"]
        if not any(good and _meets(c, ob) for c, good in zip(certs, ok, strict=True)):
            label = ob.get("claim") or f"{ob.get('lhs')} = {ob.get('rhs')}"
            missing.append(f"no verified certificate proves the obligation {ob.get('kind')}: {str(label)[:100]!r}")
    return missing


def certificate_sha256(cert: Any) -> str:
    """The sha256 of a certificate's canonical JSON (sorted keys, no spaces): what binds an instance
    obligation to the one record that meets it. The producer computes it with this same function."""
    text = json.dumps(cert, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _meets(cert: dict[str, Any], ob: dict[str, Any]) -> bool:
    """Identity: the same statement (the verifier re-derives it). Symbolic zero: the same expression. Any
    instance record (a root, a sign, a descent step): the same kind and label AND the hash of the whole record,
    so two instances' records cannot be swapped or one copied over another."""
    if cert.get("kind") != ob.get("kind"):
        return False
    if ob.get("kind") == "identity":
        return identity_statement(cert) == identity_statement(ob)
    if ob.get("kind") == "symbolic-zero":
        return all(cert.get(k) == ob.get(k) for k in ("claim", "expr", "symbols"))
    if ob.get("kind") == DESCENT_CLASS:  # a class statement: the whole record, constant and hypotheses in clear
        return cert == ob
    if "claim" not in ob or cert.get("claim") != ob["claim"] or not _SHA256.match(str(ob.get("sha256", ""))):
        return False
    try:
        return certificate_sha256(cert) == str(ob["sha256"])
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------- numbers


def _interval(enc: Any) -> tuple[Fraction, Fraction] | None:
    if isinstance(enc, dict) and set(enc) == {"lo", "hi"}:
        try:
            return box(enc)
        except CertificateError:
            return None
    return None


def _certified_sets(cert: dict[str, Any]) -> list[tuple[Fraction, Fraction]]:
    """Intervals a verified certificate vouches for: a certified value, a root box, a box evaluated over."""
    out = []
    for key in ("value", "box", "at"):
        iv = _interval(cert.get(key))
        if iv is not None:
            out.append(iv)
    return out


def backed_number_names(claim: dict[str, Any]) -> set[str]:
    """The names of a claim's numbers that are enclosures holding an interval one of its certificates vouches
    for (by their stored fields only: whether the certificates hold is what :func:`verify_claim` checks). The
    report renderers label every other number of a PROVED/CERTIFIED claim informative."""
    ev = claim.get("evidence", {})
    sets = [s for c in ev.get("certificates", []) if isinstance(c, dict) for s in _certified_sets(c)]
    out = set()
    for name, value in ev.get("numbers", {}).items():
        iv = _interval(value)
        if iv is not None and any(iv[0] <= lo and hi <= iv[1] for lo, hi in sets):  # as _unbacked_numbers
            out.add(name)
    return out


def _unbacked_numbers(claim: dict[str, Any], certs: list[dict[str, Any]], ok: list[bool]) -> list[str]:
    ev = claim["evidence"]
    informative = ev.get("informative", [])
    formal = claim.get("formal")
    if isinstance(formal, dict) and formal.get("scope") == "catalogue":
        informative = formal.get("informative", [])  # the catalogue's own list (formal is checked against it)
    if not isinstance(informative, list):
        return ["evidence.informative must be a list of number names"]
    sets = [s for c, good in zip(certs, ok, strict=True) if good for s in _certified_sets(c)]
    out = []
    for name, value in ev["numbers"].items():
        if name in informative:
            continue
        if isinstance(value, dict) and set(value) == {"lo", "hi"}:
            iv = _interval(value)
            if iv is None:
                out.append(f"number {name}: not an interval")
            elif not any(iv[0] <= lo and hi <= iv[1] for lo, hi in sets):
                out.append(f"number {name} [{value['lo']}, {value['hi']}] is not backed by any certificate")
    return out


# ------------------------------------------------------------------------------------------------ claims


def _loss_claim_failures(claim: dict[str, Any]) -> list[str]:
    """A loss document's claims are about the user's loss, not the catalogue: marked so, named LOSS-*."""
    formal = claim.get("formal")
    if not claim["id"].startswith("LOSS-") or (formal is not None and formal != {"scope": "loss"}):
        return ["a loss document holds only LOSS-* claims with formal scope 'loss'"]
    return []


def verify_claim(claim: dict[str, Any], cat: dict[str, Any], budget: Budget, *, loss_doc: bool = False) -> Finding:
    cid, verdict = claim["id"], claim["verdict"]
    ev = claim["evidence"]
    certs = ev["certificates"]
    rigorous = verdict in RIGOROUS_VERDICTS
    ok, failures, vacuous = _certify_all(certs, budget, rigorous=rigorous)
    if rigorous:
        if ev.get("class") not in RIGOROUS_CLASSES:
            failures.insert(0, f"{verdict} rests on {ev.get('class')} evidence (needs symbolic or ball)")
        if not certs:
            failures.insert(0, f"{verdict} but no certificate is stored")
        failures += _unbacked_numbers(claim, certs, ok)
    failures += _loss_claim_failures(claim) if loss_doc else _formal_failures(claim, cat, certs, ok)
    if failures:
        return Finding(cid, "failed", f"{verdict}: " + "; ".join(failures))
    kinds = ", ".join(sorted({str(c.get("kind")) for c in certs}))
    if rigorous:
        return Finding(cid, "verified", f"{verdict}: {len(certs)} certificate(s) re-checked ({kinds})")
    if vacuous:
        return Finding(
            cid,
            "supported",
            f"{verdict}: {len(certs) - vacuous} supporting certificate(s) re-checked, {vacuous} "
            "vacuous (a constant residue: it supports nothing)",
        )
    if certs:
        return Finding(cid, "supported", f"{verdict}: {len(certs)} supporting certificate(s) re-checked ({kinds})")
    return Finding(cid, "skipped", f"{verdict}: not a rigorous verdict, no certificate to check")


# ---------------------------------------------------------------------------------------------- document


def _summary_failures(doc: dict[str, Any]) -> list[str]:
    claims = doc["claims"]
    counts = Counter(c["verdict"] for c in claims)
    expect = {
        "total": len(claims),
        "counts": {v: counts.get(v, 0) for v in VERDICTS},
        "passed": counts.get("REFUTED", 0) == 0,
        "refuted": [c["id"] for c in claims if c["verdict"] == "REFUTED"],
        "undecided": [c["id"] for c in claims if c["verdict"] == "UNDECIDED"],
        "reconstructed": [
            {"id": c["id"], "open_points": list(c.get("open_points", []))} for c in claims if c.get("reconstructed")
        ],
        "certificates": sum(len(c["evidence"]["certificates"]) for c in claims if c["verdict"] in RIGOROUS_VERDICTS),
    }
    summary = doc["summary"]
    return [
        f"summary.{k} is {summary.get(k)!r}, the claims give {v!r}" for k, v in expect.items() if summary.get(k) != v
    ]


def _selection(doc: dict[str, Any]) -> tuple[list[str], str | None, bool] | None:
    """(id patterns, paper, ran a user file) from the recorded command line; None when not a run command."""
    cmd = doc["command"]
    if doc["kind"] != "run" or cmd[:2] != ["eoscheck", "run"]:
        return None
    targets, paper, i = [], None, 2
    with_value = {"--profile", "--seed", "--paper", "--jobs", "--report-dir", "--junit"}
    while i < len(cmd):
        arg = cmd[i]
        if arg in with_value:
            if arg == "--paper" and i + 1 < len(cmd):
                paper = cmd[i + 1]
            i += 2
            continue
        if not arg.startswith("-"):
            targets.append(arg)
        i += 1
    files = [t for t in targets if t.endswith(".py") or "/" in t]
    ids = [t for t in targets if t not in files]
    return ids, paper, bool(files)


def _document_failures(doc: dict[str, Any], cat: dict[str, Any], budget: Budget) -> list[str]:
    out = []
    version = doc["tool"]["version"]
    if version != cat["tool_version"]:
        out.append(f"made by eos-checker {version}; this verifier holds the catalogue of {cat['tool_version']}")
    ids = [c["id"] for c in doc["claims"]]
    dups = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dups:
        out.append(f"duplicated claim id(s): {', '.join(dups)}")
    out += _summary_failures(doc)
    sel = _selection(doc)
    if sel is not None:
        patterns, paper, user_file = sel
        expected = [
            cid
            for cid, entry in cat["claims"].items()
            if (paper is None or entry["paper"] == paper)
            and (not patterns or any(fnmatch.fnmatchcase(cid.upper(), p.upper()) for p in patterns))
        ]
        if user_file and not patterns:
            expected = []
        missing = [cid for cid in expected if cid not in ids]
        if missing:
            out.append(f"claims missing for the recorded selection: {', '.join(missing)}")
        if not user_file:
            strays = [c["id"] for c in doc["claims"] if c["id"] not in expected and c["id"] in cat["claims"]]
            if strays:
                out.append(f"claims outside the recorded selection: {', '.join(strays)}")
            users = [
                c["id"]
                for c in doc["claims"]
                if isinstance(c.get("formal"), dict) and c["formal"].get("scope") == "user"
            ]
            if users:
                out.append(f"user-defined claims but the recorded command ran no user file: {', '.join(users)}")
    if doc["kind"] == "loss":
        loss = doc["extra"].get("loss")
        if not isinstance(loss, dict):
            out.append("a loss document without extra.loss")
        else:
            family = loss.get("family") is not None  # a family's boxes: checker.verifier.family
            try:
                with time_limit(max(budget.left(), 0.001)):
                    out += [f"loss family: {m}" for m in check_family_document(doc)] if family else []
                    out += [] if family else [f"loss cover: {m}" for m in check_cover(loss)]
            except OutOfTime:
                out.append(f"loss {'family' if family else 'cover'}: not re-checked within the file's time budget")
    return out


def verify_document(doc: Any, budget: Budget | None = None) -> list[Finding]:
    """Findings for every claim, then one per document-level failure (claim ``(document)``)."""
    check_structure(doc)
    cat = catalogue()
    budget = budget or Budget()
    findings = [verify_claim(c, cat, budget, loss_doc=doc["kind"] == "loss") for c in doc["claims"]]
    findings += [Finding(DOCUMENT, "failed", m) for m in _document_failures(doc, cat, budget)]
    return findings


def verify_file(path: Path, budget: Budget | None = None) -> list[Finding]:
    """Read (Unreadable: exit 2) and verify a report file."""
    return verify_document(load_json(Path(path)), budget)
