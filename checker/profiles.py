"""Named settings profiles for the runner: how hard to look for counterexamples.

* ``quick`` (default): the whole catalogue in about a minute on 2 cores. Few examples per property;
  enough for a smoke check and for targeting to find a bad margin if one is near.
* ``ci``: deterministic (seed 0 unless ``--seed``), more examples; what CI and the "true statement is not
  refuted" tests use.
* ``thorough``: many examples; minutes to hours, for a release or a paper.

Why deadlines are off for JAX properties: the first call compiles (seconds), which Hypothesis would
otherwise report as a flaky deadline failure. Non-JAX properties get a generous deadline only to catch a
check that hangs; a deadline miss is reported as an error of the check (UNDECIDED), never as REFUTED.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    ExampleDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)

from checker.errors import UserInputError
from checker.property import Property


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int  # default per property; Property.max_examples[name] overrides
    deadline_s: float | None  # for properties that do not use JAX
    default_seed: int | None  # None: a fresh random seed each run (recorded, so the run replays)
    description: str


PROFILES: dict[str, Profile] = {
    "quick": Profile("quick", 6, 60.0, None, "the whole catalogue in about a minute on 2 cores"),
    "ci": Profile("ci", 20, 120.0, 0, "deterministic (seed 0 unless --seed), more examples"),
    "thorough": Profile("thorough", 150, None, None, "many examples per property; slow"),
}

DEFAULT_PROFILE = "quick"
DATABASE_DIR = Path(".hypothesis") / "eoscheck"
DATABASE_ENV = "EOSCHECK_EXAMPLE_DB"  # where the database is written (a shared directory: one for all workers)
READONLY_DATABASE_ENV = "EOSCHECK_EXAMPLE_DB_READONLY"  # also read, never written (e.g. CI's, on a shared path)

# Property checks are slow compared with unit tests and draw large floats; those health checks would only
# add noise. filter_too_much stays on: a strategy that rejects most draws is a bug in the property.
_SUPPRESSED = (HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example)

# No ``explain`` phase: it traces every executed line while shrinking, which made one refutation take 46 s
# instead of 6.5 s (93 checks instead of 3); the shrunk example and replay blob are what reports use.
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UserInputError(f"unknown profile {name!r}; use one of {', '.join(PROFILES)}") from None


def examples_for(prop: Property, profile: Profile) -> int:
    return int(prop.max_examples.get(profile.name, profile.max_examples))


def example_database(prop_id: str) -> ExampleDatabase:
    """The property's example database: ``$EOSCHECK_EXAMPLE_DB`` (default ``.hypothesis/eoscheck``), plus,
    read-only, ``$EOSCHECK_EXAMPLE_DB_READONLY`` when set.

    Why both: distributed workers (``--workers``, ``--scheduler``) and CI machines can share one database
    directory on a shared path; developers point the read-only one at CI's, so failures CI found replay
    first on their machines without their own runs writing into CI's database.
    """
    own = DirectoryBasedExampleDatabase(str(Path(os.environ.get(DATABASE_ENV) or DATABASE_DIR) / _safe(prop_id)))
    shared = os.environ.get(READONLY_DATABASE_ENV)
    if not shared:
        return own
    return MultiplexedDatabase(own, ReadOnlyDatabase(DirectoryBasedExampleDatabase(str(Path(shared) / _safe(prop_id)))))


def settings_for(prop: Property, profile: Profile, *, database: bool) -> settings:
    """Hypothesis settings for one property under one profile.

    Each property gets its own directory in the example database, so a failure found for one property is
    replayed first next time for that property only (the runner's test function is shared code, so the
    default key, a digest of the source, would not tell properties apart).
    """
    deadline = None if (prop.uses_jax or profile.deadline_s is None) else timedelta(seconds=profile.deadline_s)
    return settings(
        max_examples=examples_for(prop, profile),
        deadline=deadline,
        database=example_database(prop.id) if database else None,
        print_blob=True,
        report_multiple_bugs=False,
        suppress_health_check=_SUPPRESSED,
        phases=_PHASES,
        verbosity=Verbosity.normal,
    )


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)
