"""Irritability from the data (pain level, rest or night pain, settling time), overridable
by the clinician, with a reason that says how it was reached."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.assessment.profile import build_profile
from upperback.model.common import Sex
from upperback.model.intake import Intake
from upperback.model.profile import Irritability
from upperback.sim.profiles import make_profile

DAY = dt.date(2025, 3, 3)


def _intake(**kw: object) -> Intake:
    return Intake.model_validate({"date": DAY, **kw})


@pytest.mark.parametrize(
    ("pain", "rest", "settle", "level"),
    [
        (2, "none", 5, Irritability.low),
        (8, "none", 5, Irritability.low),  # severe but settles fast and no rest pain
        (5, "intermittent", 45, Irritability.moderate),
        (6, "constant", 180, Irritability.high),
        (3, "constant", 240, Irritability.high),  # provoked easily and slow to settle
        (7, "unknown", None, Irritability.high),  # pain level alone
        (2, "constant", None, Irritability.high),  # two criteria: the higher
    ],
)
def test_irritability_is_the_median_of_the_criteria_known(
    score, pain: float, rest: str, settle: int | None, level: Irritability
) -> None:
    intake = _intake(pain_now=pain, rest_or_night_pain=rest, settle_minutes=settle)
    scored = score({"test_id": "emg_ratio_ut_lt", "value": 1.2, "condition": "elevation"})
    p = build_profile(scored, sex=Sex.female, intake=intake)
    assert p.irritability == level
    assert p.irritability_reason.startswith("derived from pain ")
    if settle is not None:
        assert f"settles in {settle} min" in p.irritability_reason
    assert p.irritability_reason.endswith(f"the higher of two [design]: {level.value}")


def test_the_assessment_pain_rating_beats_the_intake_one(score) -> None:
    intake = _intake(pain_now=2, rest_or_night_pain="none")
    p = build_profile(score({"test_id": "nprs", "value": 8}), sex=Sex.male, intake=intake)
    assert "pain 8/10 (high)" in p.irritability_reason and p.irritability == Irritability.high


def test_the_clinician_sets_it_and_the_reason_keeps_what_the_data_said(score) -> None:
    intake = _intake(pain_now=8, rest_or_night_pain="constant", settle_minutes=200)
    scored = score({"test_id": "nprs", "value": 8})
    p = build_profile(scored, sex=Sex.male, intake=intake, irritability=Irritability.moderate)
    assert p.irritability == Irritability.moderate
    assert p.irritability_reason.startswith("set by the clinician (derived would be high:")


def test_explicit_values_of_virtual_clients_are_clinician_settings() -> None:
    p = make_profile({}, irritability=Irritability.high, pain_now=2)
    assert p.irritability == Irritability.high and p.irritability_reason.startswith("set by")
    q = make_profile(
        {}, irritability=None, pain_now=2, intake=_intake(rest_or_night_pain="constant")
    )
    assert q.irritability == Irritability.high and q.irritability_reason.startswith("derived")


def test_out_of_range_settling_time_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="settle_minutes"):
        _intake(settle_minutes=-5)
    with pytest.raises(ValueError, match="rest_or_night_pain"):
        _intake(rest_or_night_pain="sometimes")
