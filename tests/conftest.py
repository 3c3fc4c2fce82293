"""Test-suite configuration: Hypothesis profiles for the project's OWN tests (not the checker's runs).

Why derandomize in "ci": a property test that fails on one CI run and passes on the next teaches nothing;
with a fixed derivation of examples from the test's source, a failure reproduces everywhere. "thorough"
draws many more random examples for a manual hunt (``EOS_HYPOTHESIS_PROFILE=thorough pytest``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("EOS_HYPOTHESIS_PROFILE", "ci"))
