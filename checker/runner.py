"""The runner: drive a Property with Hypothesis and turn what it finds into one honest verdict.

How one property runs (``run_property``):

* ``strategy is None``: ``check()`` is called once; its verdict stands (a refutation is re-checked).
* otherwise the property's explicit ``examples`` (its known edge cases) are checked first, on every seed, then
  Hypothesis draws parameter dicts under the profile's settings (checker/profiles.py) and calls
  ``check(**params)`` for each. ``hypothesis.target(-margin)`` steers the search toward the *smallest*
  margin (Hypothesis maximises targets), so the report shows the worst case found, not only a pass. A
  REFUTED example raises inside the test so that Hypothesis shrinks it to a minimal counterexample.
* after shrinking, ``prop.recheck`` (if any) re-runs the shrunk example at high precision; only a
  confirmed refutation is REFUTED, anything else is UNDECIDED ("float counterexample not confirmed").
  Without a recheck, only exact evidence (EvidenceClass SYMBOLIC or BALL) refutes; a float or mpmath
  refutation stays UNDECIDED ("float counterexample not re-checked at high precision").

Aggregation over examples (no refutation): the weakest per-example verdict, PROVED > CERTIFIED >
CORROBORATED > UNDECIDED. A statement quantified over a class and checked rigorously on N drawn instances is
CORROBORATED ("N of N drawn instances certified", with the instances' certificates stored up to a cap);
CERTIFIED is kept for a named instance (every draw the same parameters). PROVED survives only from a check
marked with :func:`proves_class`, whose PROVED evidence is
a symbolic proof for the whole stated class (the drawn instances then only cross-check the backends; records of
their own, such as the descent lemma's ball checks, are stored beside the proof up to the same cap).

A check that raises (a bug, a health-check failure, a deadline) makes the claim UNDECIDED with the error in
the notes: a broken checker is not evidence against a theorem.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import hypothesis.reporting
from hypothesis import given
from hypothesis.errors import UnsatisfiedAssumption

from checker.claim import ClaimResult, HypothesisStats
from checker.determinism import isolated_generation
from checker.guard import CheckAborted, CheckTimeout, example_timeout, guarded_call
from checker.hypothesis_pins import pin_local_constants
from checker.profiles import DEFAULT_PROFILE, Profile, get_profile, settings_for
from checker.property import OutsideHypotheses, Property, is_class_proof, proves_class
from checker.sweep import ChunkMap
from checker.verdict import RIGOROUS_CLASSES, Evidence, EvidenceClass, Verdict

__all__ = [
    "NOT_CONFIRMED",
    "NO_RECHECK",
    "property_seed",
    "proves_class",
    "resolve_seed",
    "run_property",
]

pin_local_constants()  # draws depend on the seed only, whatever this process imported (hypothesis_pins.py)

_RANK = {Verdict.UNDECIDED: 0, Verdict.CORROBORATED: 1, Verdict.CERTIFIED: 2, Verdict.PROVED: 3}
NOT_CONFIRMED = "float counterexample not confirmed at high precision"
NO_RECHECK = "float counterexample not re-checked at high precision (property defines no recheck)"


def property_seed(run_seed: int, prop_id: str) -> int:
    """The Hypothesis seed of one property: independent of which other properties run, and of their order."""
    digest = hashlib.sha256(f"{run_seed}:{prop_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def resolve_seed(seed: int | None, profile: Profile) -> int:
    """The run seed actually used (recorded in the report, so ``--seed`` replays the run)."""
    if seed is not None:
        return int(seed)
    if profile.default_seed is not None:
        return profile.default_seed
    return random.SystemRandom().getrandbits(32)


class _Refuted(Exception):
    """Raised inside the Hypothesis test for a REFUTED example, so that Hypothesis shrinks it."""

    def __init__(self, params: dict[str, Any], evidence: Evidence) -> None:
        super().__init__(evidence.summary)
        self.params = params
        self.evidence = evidence


@dataclass
class _Trace:
    """Everything the test function saw, across all examples Hypothesis ran."""

    evidences: list[tuple[dict[str, Any], Evidence]] = field(default_factory=list)
    invalid: int = 0
    timed_out: tuple[dict[str, Any], CheckTimeout] | None = None  # the first example past the time limit
    worst: tuple[float, dict[str, Any], Evidence] | None = None

    def add(self, params: dict[str, Any], evidence: Evidence) -> None:
        self.evidences.append((params, evidence))
        m = evidence.margin
        if m is not None and not math.isnan(m) and (self.worst is None or m < self.worst[0]):
            self.worst = (float(m), params, evidence)


def run_property(
    prop: Property,
    *,
    profile: str = DEFAULT_PROFILE,
    seed: int | None = None,
    database: bool = True,
    map_chunks: ChunkMap | None = None,
) -> ClaimResult:
    """Run one property under a settings profile; never raises for a failing or broken check.

    ``map_chunks``: where the chunks of the property's sweep run (the Dask engine passes its workers); by
    default here. The result is the same either way (checker/sweep.py)."""
    prof = get_profile(profile)
    run_seed = resolve_seed(seed, prof)
    start = time.perf_counter()
    once = prop.strategy is None
    with isolated_generation():  # the seed and the id decide the draws, not what ran before in this process
        result = _run_once(prop, run_seed) if once else _run_hypothesis(prop, prof, run_seed, database, map_chunks)
    result.seconds = time.perf_counter() - start
    if prop.sweep is None and prop.sweep_exempt:
        result.notes.append(f"sweep: none ({prop.sweep_exempt})")
    if prop.reconstructed:
        opens = f" (open points: {', '.join(prop.open_points)})" if prop.open_points else ""
        result.notes.append(f"statement RECONSTRUCTED{opens}: a plausible form, not the printed one")
    return result


# ---- one deterministic check -----------------------------------------------------------------------
def _run_once(prop: Property, run_seed: int) -> ClaimResult:
    stats = HypothesisStats(examples=1, seed=run_seed)
    try:
        ev = guarded_call(prop.check, example_timeout())
    except Exception as exc:
        return _error_result(prop, exc, stats)
    stats.best_target = ev.margin
    if ev.verdict is Verdict.REFUTED:
        stats.replay = "deterministic check: rerun the property"
        return _confirm(prop, {}, ev, stats)
    return ClaimResult(prop, ev.verdict, ev, stats)


# ---- Hypothesis-driven checks ----------------------------------------------------------------------
def _run_hypothesis(
    prop: Property, prof: Profile, run_seed: int, database: bool, map_chunks: ChunkMap | None = None
) -> ClaimResult:
    strategy = prop.strategy
    assert strategy is not None, "run_property runs a property without a strategy once, not here"
    trace = _Trace()
    stats = HypothesisStats(seed=run_seed)

    limit = example_timeout()

    def test(params: dict[str, Any]) -> None:
        if trace.timed_out is not None:  # one hung example is enough: do not hang again while Hypothesis shrinks
            raise trace.timed_out[1]
        try:
            ev = guarded_call(prop.check, limit, **params)
        except CheckTimeout as exc:
            trace.timed_out = (dict(params), exc)
            raise
        except UnsatisfiedAssumption:
            trace.invalid += 1
            raise
        except OutsideHypotheses:
            trace.invalid += 1
            hypothesis.reject()
        trace.add(params, ev)
        if ev.margin is not None and math.isfinite(ev.margin):
            hypothesis.target(-float(ev.margin), label="-margin")
        if ev.verdict is Verdict.REFUTED:
            raise _Refuted(params, ev)

    # Tell the database keys of different properties apart (the test's source is the same for all).
    test._hypothesis_internal_add_digest = prop.id.encode()  # type: ignore[attr-defined]
    searched = given(strategy)(test)
    swept = None
    from checker.sweep import enabled, run_sweep

    if prop.sweep is not None and enabled():  # the sweep's worst instances run first, as explicit examples
        try:
            swept = run_sweep(prop.sweep, prop.sweep.size(prof.name), property_seed(run_seed, prop.id), map_chunks)
        except Exception as exc:
            return _error_result(prop, exc, stats)
        for params in reversed(swept.examples):
            searched = hypothesis.example(params)(searched)
    for params in reversed(list(prop.examples)):  # the property's own edge cases run first of all
        searched = hypothesis.example(dict(params))(searched)
    wrapped = hypothesis.seed(property_seed(run_seed, prop.id))(settings_for(prop, prof, database=database)(searched))
    refuted: _Refuted | None = None
    error: BaseException | None = None
    reports: list[str] = []
    with hypothesis.reporting.with_reporter(lambda message: reports.append(str(message))):
        try:
            wrapped()
        except Exception as exc:
            refuted = _find_refuted(exc)
            error = None if refuted is not None else exc
            if refuted is not None:
                stats.replay = _replay_blob(exc, reports)
    stats.examples = len(trace.evidences)
    stats.invalid = trace.invalid
    stats.best_target = trace.worst[0] if trace.worst else None
    if refuted is not None:
        result = _confirm(prop, refuted.params, refuted.evidence, stats)
    elif trace.timed_out is not None:
        result = _error_result(prop, trace.timed_out[1], stats, params=trace.timed_out[0])
    elif error is not None:
        result = _error_result(prop, error, stats)
    else:
        result = _aggregate(prop, trace, stats)
    if swept is not None:
        result.notes.append(swept.note())
    if prop.examples:
        result.notes.append(f"{len(prop.examples)} explicit edge case(s) of the statement checked first")
    return result


def _find_refuted(exc: BaseException) -> _Refuted | None:
    if isinstance(exc, _Refuted):
        return exc
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            found = _find_refuted(sub)
            if found is not None:
                return found
    return None


_BLOB = re.compile(r"@reproduce_failure\([^)]*\)")


def _replay_blob(exc: BaseException, reports: Iterable[str]) -> str | None:
    for text in [*getattr(exc, "__notes__", []), *reports]:
        match = _BLOB.search(str(text))
        if match:
            return match.group(0)
    return None


def _confirm(prop: Property, params: dict[str, Any], ev: Evidence, stats: HypothesisStats) -> ClaimResult:
    """A refutation is final only when confirmed: by the high-precision recheck if the property has one."""
    counterexample = ev.counterexample if ev.counterexample is not None else dict(params)
    if prop.recheck is None:
        _fill_replay(stats, params)
        if ev.evidence_class not in RIGOROUS_CLASSES:
            # Float/mpmath evidence alone is not a counterexample: without a recheck it stays open.
            undecided = _undecided_copy(ev, f"{ev.summary}; {NO_RECHECK}", counterexample)
            return ClaimResult(prop, Verdict.UNDECIDED, undecided, stats, notes=[NO_RECHECK])
        return ClaimResult(prop, Verdict.REFUTED, ev, stats, notes=["refuted by exact/ball evidence"])
    try:
        confirmation = guarded_call(prop.recheck, example_timeout(), **params)
    except OutsideHypotheses:
        summary = f"{ev.summary}; the recheck finds the example outside the statement's hypotheses"
        undecided = _undecided_copy(ev, summary, counterexample)
        return ClaimResult(prop, Verdict.UNDECIDED, undecided, stats, notes=[NOT_CONFIRMED])
    except Exception as exc:
        summary = f"{ev.summary}; recheck raised {type(exc).__name__}: {exc}"
        undecided = _undecided_copy(ev, summary, counterexample)
        return ClaimResult(prop, Verdict.UNDECIDED, undecided, stats, notes=[NOT_CONFIRMED])
    if confirmation.verdict is Verdict.REFUTED:
        _fill_replay(stats, params)
        confirmation.numbers.setdefault("float_summary", ev.summary)
        notes = ["counterexample confirmed by the high-precision recheck"]
        return ClaimResult(prop, Verdict.REFUTED, confirmation, stats, notes=notes)
    summary = f"{ev.summary}; recheck: {confirmation.summary}"
    undecided = _undecided_copy(ev, summary, counterexample)
    return ClaimResult(prop, Verdict.UNDECIDED, undecided, stats, notes=[NOT_CONFIRMED])


def _fill_replay(stats: HypothesisStats, params: dict[str, Any]) -> None:
    if stats.replay is None:
        stats.replay = f"shrunk example: {params!r}"


def _undecided_copy(ev: Evidence, summary: str, counterexample: dict[str, Any]) -> Evidence:
    numbers = dict(ev.numbers)
    numbers["unconfirmed_counterexample"] = counterexample
    return Evidence(
        Verdict.UNDECIDED,
        ev.evidence_class,
        summary,
        numbers=numbers,
        series=ev.series,
        margin=ev.margin,
        precision=ev.precision,
    )


def _aggregate(prop: Property, trace: _Trace, stats: HypothesisStats) -> ClaimResult:
    if not trace.evidences:
        ev = Evidence(Verdict.UNDECIDED, EvidenceClass.NONE, "no valid example was drawn")
        return ClaimResult(prop, Verdict.UNDECIDED, ev, stats, notes=["every drawn example was rejected"])
    weakest = min(trace.evidences, key=lambda pe: _RANK.get(pe[1].verdict, 0))
    verdict = weakest[1].verdict
    notes: list[str] = []
    n = len(trace.evidences)
    if verdict is Verdict.PROVED and not is_class_proof(prop.check):
        verdict = Verdict.CERTIFIED
    instances = _distinct_instances(trace)
    if verdict is Verdict.CERTIFIED and instances > 1:
        # rigorous per drawn instance, but the statement quantifies over a class: the instances corroborate it
        verdict = Verdict.CORROBORATED
        notes.append(f"{n} of {n} drawn instances certified ({instances} distinct); not a proof for the class")
    elif verdict is Verdict.CERTIFIED:
        notes.append(f"certified for the named instance ({n} checks)")
    elif verdict is Verdict.CORROBORATED:
        notes.append(f"no counterexample in {n} drawn examples")
    elif verdict is Verdict.PROVED:
        notes.append(f"proved for the whole class; cross-checked on {n} drawn instances")
    decisive = weakest[1] if verdict is Verdict.UNDECIDED else (trace.worst[2] if trace.worst else weakest[1])
    if decisive.verdict is Verdict.PROVED and verdict is not Verdict.PROVED:
        decisive = _relabel(decisive, verdict)
    if decisive.verdict is Verdict.CERTIFIED and verdict is Verdict.CORROBORATED:
        decisive = _relabel(decisive, verdict)
        decisive.certificates, stored = _instance_certificates(trace)
        notes.append(f"certificates of {stored} of the {n} certified instances stored (cap {MAX_STORED_INSTANCES})")
    elif verdict is Verdict.PROVED and instances > 1:
        # a class proof whose instances also carry their own records (the descent lemma's ball checks): keep them
        certs, stored = _instance_certificates(trace)
        if len(certs) > len(decisive.certificates):
            decisive = _relabel(decisive, verdict)
            decisive.certificates = certs
            notes.append(f"instance records of {stored} of the {n} instances stored (cap {MAX_STORED_INSTANCES})")
    return ClaimResult(prop, verdict, decisive, stats, notes=notes)


MAX_STORED_INSTANCES = 20


def _distinct_instances(trace: _Trace) -> int:
    return len({repr(sorted(params.items())) for params, _ in trace.evidences})


def _instance_certificates(trace: _Trace) -> tuple[list[dict[str, Any]], int]:
    """The certificates of the certified instances (the first MAX_STORED_INSTANCES), without repeats."""
    out: list[dict[str, Any]] = []
    stored = 0
    for _, ev in trace.evidences:
        if stored == MAX_STORED_INSTANCES:
            break
        if ev.verdict in (Verdict.CERTIFIED, Verdict.PROVED) and ev.certificates:
            stored += 1
            out.extend(c for c in ev.certificates if c not in out)
    return out, stored


def _relabel(ev: Evidence, verdict: Verdict) -> Evidence:
    """The decisive evidence under the claim's (capped) verdict, so report and verdict agree."""
    return Evidence(
        verdict,
        ev.evidence_class,
        ev.summary,
        numbers=ev.numbers,
        certificates=ev.certificates,
        series=ev.series,
        margin=ev.margin,
        precision=ev.precision,
        informative=ev.informative,
    )


def _error_result(
    prop: Property, exc: BaseException, stats: HypothesisStats, params: dict[str, Any] | None = None
) -> ClaimResult:
    origin = exc.__cause__ if isinstance(exc, CheckAborted) and exc.__cause__ is not None else exc
    # the innermost frame of the check itself (not of the guard that converted a timeout, exit or interrupt)
    frames = [f for f in traceback.extract_tb(origin.__traceback__) if not f.filename.endswith("guard.py")]
    loc = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    on = f" on {params!r}" if params else ""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, CheckTimeout):
        message = f"the check timed out{loc}{on}: {text}"
    elif isinstance(exc, CheckAborted):
        message = f"{text}{loc}{on}"
    else:
        message = f"the check raised {type(exc).__name__}{loc}{on}: {text}"
    ev = Evidence(Verdict.UNDECIDED, EvidenceClass.NONE, message)
    return ClaimResult(prop, Verdict.UNDECIDED, ev, stats, notes=[f"ERROR: {message}"])
