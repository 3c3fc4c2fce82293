"""A theorem statement as data plus code.

A :class:`Property` names where the statement comes from and how sure we are of its wording
(:class:`~checker.verdict.Provenance`), says what parameters it quantifies over (a Hypothesis strategy),
and has a ``check`` that returns :class:`~checker.verdict.Evidence`, never a bare bool.

Writing one takes a few lines::

    from hypothesis import strategies as st
    from checker.property import Property, Source
    from checker.verdict import Evidence, EvidenceClass, Verdict

    def check(eta: float) -> Evidence:
        margin = 2 / eta - 1.9 / eta
        verdict = Verdict.CORROBORATED if margin > 0 else Verdict.REFUTED
        return Evidence(verdict, EvidenceClass.FLOAT, f"margin {margin:.3g}", margin=margin,
                        counterexample=None if margin > 0 else {"eta": eta})

    PROPERTIES = [Property(id="MY-1", title="...", source=Source("mine", "", "Claim 1"),
                           statement="...", provenance=("DERIVED",),
                           strategy=st.fixed_dictionaries({"eta": st.floats(0.01, 1)}), check=check)]

``check(**params)`` receives one drawn example. ``recheck(**params)``, if given, re-runs a float
counterexample at high precision; the runner reports REFUTED only if the re-check refutes too.
``examples=[{...}, ...]`` are checked first on every run (like Hypothesis' ``@example``): the statement's
known edge cases, where a near-miss variant fails, so that finding them does not depend on the seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis.strategies import SearchStrategy

from checker.sweep import Sweep
from checker.verdict import Evidence, Provenance


class OutsideHypotheses(Exception):
    """The drawn instance lies outside the statement's hypotheses: not a counterexample, not evidence."""


def require(condition: object) -> None:
    """Use in a check instead of ``hypothesis.assume``.

    Why not ``assume``: checks are also called outside Hypothesis (the high-precision recheck, replays,
    a user calling ``prop.check`` under pytest), where ``assume`` is deprecated and will become an error.
    The runner turns this into ``hypothesis.reject()`` inside its test, and into "not applicable" elsewhere.
    """
    if not condition:
        raise OutsideHypotheses


@dataclass(frozen=True)
class Source:
    """Where a statement is printed: ``paper`` is the short key used by ``--paper`` (e.g. gan2026a)."""

    paper: str
    arxiv: str
    ref: str  # e.g. "Lemma 3.1", "eq. (3)", "Sec. 4.2"

    def cite(self) -> str:
        arxiv = f" (arXiv {self.arxiv})" if self.arxiv else ""
        return f"{self.paper}{arxiv}, {self.ref}"


@dataclass(frozen=True)
class Property:
    """One executable claim. ``id`` is the statement's catalogue id (stable: reports and selections cite it)."""

    id: str
    title: str
    source: Source
    statement: str
    provenance: Sequence[Provenance | str]
    check: Callable[..., Evidence]
    strategy: SearchStrategy[dict[str, Any]] | None = None  # None: a single deterministic check
    hypotheses: str = ""
    recheck: Callable[..., Evidence] | None = None
    # explicit examples (parameter dicts, as ``check`` takes them) run before any drawn one, on every seed: known
    # edge cases and past false alarms, so a near-miss variant that fails there is refuted whatever the seed
    examples: Sequence[dict[str, Any]] = ()
    open_points: Sequence[str] = ()  # open points of the reconstruction, e.g. ("O-1",)
    uses_jax: bool = False  # the runner sets deadline=None for these (compilation time)
    max_examples: dict[str, int] = field(default_factory=dict)  # per-profile overrides
    sweep: Sweep | None = None  # a vectorised margin evaluated on many instances before Hypothesis (sweep.py)
    # a property that simulates but has no meaningful vectorised margin says why here (shown in the report)
    sweep_exempt: str = ""

    def __post_init__(self) -> None:
        prov = tuple(Provenance(p) for p in self.provenance)
        object.__setattr__(self, "provenance", prov)
        if not self.id or any(c.isspace() for c in self.id):
            raise ValueError(f"property id must be a non-empty word, not {self.id!r}")

    @property
    def reconstructed(self) -> bool:
        """True if any part of the statement is RECONSTRUCTED: every output must say so."""
        return Provenance.RECONSTRUCTED in self.provenance

    @property
    def provenance_label(self) -> str:
        return " + ".join(Provenance(p).value for p in self.provenance)


_CLASS_PROOF_ATTR = "__eoscheck_proves_class__"


def proves_class(check: Callable[..., Evidence]) -> Callable[..., Evidence]:
    """Mark a check whose PROVED evidence is a symbolic proof for the whole stated class.

    Without the mark, PROVED evidence on drawn instances is capped at CERTIFIED by the runner. It lives
    beside :class:`Property` (not in the runner) so that a property module never imports the runner.
    """
    setattr(check, _CLASS_PROOF_ATTR, True)
    return check


def is_class_proof(check: Callable[..., Evidence]) -> bool:
    """Whether ``check`` was marked with :func:`proves_class`."""
    return bool(getattr(check, _CLASS_PROOF_ATTR, False))
