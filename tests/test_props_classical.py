"""The descent lemma property: CERTIFIED on drawn losses; the false "eta < c/S suffices" (c > 2) is REFUTED."""

from __future__ import annotations

import pytest

from checker.runner import run_property
from checker.verdict import Verdict
from properties import classical


def test_descent_lemma_certified_under_ci():
    result = run_property(classical.PROPERTIES[0], profile="ci", database=False)
    assert result.verdict is Verdict.CERTIFIED, (result.evidence.summary, result.notes)
    assert result.evidence.certificates[0]["kind"] == "ball-sign"


@pytest.mark.parametrize("constant", [4.0, pytest.param(2.2, marks=pytest.mark.slow)])
def test_wrong_constant_is_refuted_with_replayable_counterexample(constant):
    prop = classical.make_descent_1d(constant)
    result = run_property(prop, profile="ci", database=False)
    assert result.verdict is Verdict.REFUTED, (result.evidence.summary, result.notes)
    assert result.evidence.evidence_class.value == "ball"
    cex = result.evidence.counterexample
    assert result.stats.replay
    assert prop.check(**cex).verdict is Verdict.REFUTED
