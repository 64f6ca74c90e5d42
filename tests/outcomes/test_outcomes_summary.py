"""Outcome summaries: baseline vs latest judged with MCID/MDC; responder rule."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.assessment.scoring import score_assessment
from upperback.model.assessment import AssessmentIn, ScoredAssessment, TestResult
from upperback.model.common import Sex
from upperback.model.outcome import OutcomeSummary
from upperback.outcomes import responder, summarize

W0, W6, W12 = dt.date(2025, 1, 6), dt.date(2025, 2, 17), dt.date(2025, 3, 31)


def _assess(day: dt.date, *results: dict) -> ScoredAssessment:
    doc = AssessmentIn(date=day, tester="t", results=[TestResult(**r) for r in results])
    return score_assessment(doc, sex=Sex.female, age=45, body_mass_kg=None)


def _by_measure(summaries):
    return {s.measure: s for s in summaries}


def test_baseline_vs_latest_with_thresholds() -> None:
    series = [
        _assess(
            W0,
            {"test_id": "nprs", "value": 6},
            {"test_id": "ndi", "value": 40},
            {"test_id": "shoulder_er", "value": 60, "side": "R"},
            {"test_id": "emg_ratio_ut_lt", "value": 2, "condition": "e"},
        ),
        _assess(W6, {"test_id": "nprs", "value": 5}),
        _assess(
            W12,
            {"test_id": "nprs", "value": 3},
            {"test_id": "ndi", "value": 30},
            {"test_id": "shoulder_er", "value": 70, "side": "R"},
        ),
    ]
    out = _by_measure(summarize(series))
    assert "emg_ratio_ut_lt (e)" not in out  # not an outcome measure
    pain = out["nprs"]
    assert (pain.baseline, pain.latest, pain.change) == (6, 3, -3)
    assert pain.percent_change == pytest.approx(-50.0)
    assert pain.meaningful and pain.improved and pain.threshold == 2 and "Farrar" in pain.source
    assert [p.value for p in pain.points] == [6, 5, 3]
    ndi = out["ndi"]
    assert ndi.change == -10 and ndi.meaningful is False and ndi.improved is False  # < 20 %-points
    er = out["shoulder_er (R)"]
    assert er.change == 10 and er.improved and er.threshold_kind == "MDC90"


def test_order_of_input_does_not_matter() -> None:
    a = _assess(W0, {"test_id": "nprs", "value": 6})
    b = _assess(W12, {"test_id": "nprs", "value": 2})
    assert summarize([b, a]) == summarize([a, b])


def test_single_point_is_reported_but_not_judged() -> None:
    [s] = summarize([_assess(W0, {"test_id": "dnf_endurance", "value": 12})])
    assert s.baseline == s.latest == 12 and s.meaningful is None and s.improved is None


def test_measure_without_threshold_is_not_judged() -> None:
    [s] = summarize(
        [
            _assess(W0, {"test_id": "dnf_endurance", "value": 12}),
            _assess(W12, {"test_id": "dnf_endurance", "value": 30}),
        ]
    )
    assert s.change == 18 and s.threshold is None and s.meaningful is None


def test_worsening_is_not_improvement() -> None:
    [s] = summarize(
        [
            _assess(W0, {"test_id": "nprs", "value": 2}),
            _assess(W12, {"test_id": "nprs", "value": 5}),
        ]
    )
    assert s.meaningful and s.improved is False


def _summary(measure: str, meaningful: bool | None, improved: bool | None) -> OutcomeSummary:
    return OutcomeSummary(
        measure=measure,
        unit="u",
        baseline=1,
        latest=1,
        change=0,
        percent_change=None,
        threshold=1,
        threshold_kind="MCID",
        meaningful=meaningful,
        improved=improved,
    )


def test_responder_needs_a_meaningful_pro_improvement() -> None:
    assert responder([_summary("nprs", True, True)])
    assert not responder([_summary("nprs", False, False), _summary("shoulder_er (R)", True, True)])


def test_responder_fails_when_another_pro_worsens() -> None:
    assert not responder([_summary("nprs", True, True), _summary("ndi", True, False)])


def test_responder_on_a_single_summary() -> None:
    assert responder(_summary("ndi", True, True))
    assert not responder(_summary("ndi", False, False))
