"""Clinician alerts fire when a clinician must act and only once per cause while open:
a repeat within the quiet period is a hold naming the open alert; a clinician change or the
end of the quiet period re-opens it."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.feedback import adapt
from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading import generate_program
from upperback.model.adaptation import Action, Adaptation, Override, OverrideField
from upperback.model.common import Equipment
from upperback.model.intake import Intake
from upperback.model.profile import FindingCode as F
from upperback.model.profile import Severity
from upperback.model.program import Program
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.profiles import make_profile

START = dt.date(2025, 1, 6)
QUIET = loading_rules().alerts.quiet_days


@pytest.fixture(scope="module")
def program(lib: ExerciseLibrary) -> Program:
    profile = make_profile({F.lt_underactive: Severity.severe, F.sa_underactive: Severity.moderate})
    intake = Intake(date=dt.date(2025, 1, 1), equipment=list(Equipment), sessions_per_week=3)
    return generate_program(profile, intake, start_date=START, seed=1, library=lib)


def flare(program: Program, week: int, index: int, day: dt.date | None = None) -> SessionLogIn:
    plan = program.session(week, index)
    assert plan is not None
    sets = [
        SetLog(exercise_id=p.exercise_id, set_index=j + 1, reps=p.reps, hold_s=p.hold_s,
               load_kg=p.load_kg, level=p.level, rpe=p.rpe_target, pain_during=8)
        for p in plan.prescriptions for j in range(p.sets)
    ]  # fmt: skip
    return SessionLogIn(
        date=day or program.session_date(week, index), week=week, index=index, sets=sets,
        pain_before=1, pain_next_morning=1,
    )  # fmt: skip


def _alerts(result_adaptations: list[Adaptation], cause: str) -> list[Adaptation]:
    return [a for a in result_adaptations if a.rule_id == cause]


def test_persisting_flares_alert_once_then_hold_while_open(
    program: Program, lib: ExerciseLibrary
) -> None:
    history = [flare(program, 1, 1), flare(program, 1, 2)]
    third = flare(program, 1, 3)
    first = adapt(program, third, history=history, library=lib)
    [alert] = _alerts(first.adaptations, "alert.flares_persist")
    assert alert.action == Action.clinician_alert and "3 pain flares" in alert.reason
    assert "[design]" in alert.source
    fourth = flare(program, 2, 1)
    again = adapt(program, fourth, history=[*history, third], library=lib, earlier_alerts=[alert])
    assert not [a for a in again.adaptations if a.action == Action.clinician_alert]
    [held] = _alerts(again.adaptations, "alert.still_open")
    assert held.action == Action.hold
    assert f"clinician alert of {alert.date.isoformat()} still open" in held.reason
    # without the earlier alert the same log alerts: the suppression comes from the open alert
    assert _alerts(adapt(program, fourth, history=[*history, third], library=lib).adaptations,
                   "alert.flares_persist")  # fmt: skip


def test_an_alert_reopens_after_the_quiet_period_or_a_clinician_change(
    program: Program, lib: ExerciseLibrary
) -> None:
    history = [flare(program, 1, 1), flare(program, 1, 2)]
    third = flare(program, 1, 3)
    [alert] = _alerts(adapt(program, third, history=history, library=lib).adaptations,
                      "alert.flares_persist")  # fmt: skip
    late = flare(program, 2, 1, day=alert.date + dt.timedelta(days=QUIET))
    result = adapt(program, late, history=[*history, third], library=lib, earlier_alerts=[alert])
    assert _alerts(result.adaptations, "alert.flares_persist")
    soon = flare(program, 2, 1, day=alert.date + dt.timedelta(days=2))
    ex = program.sessions[0].prescriptions[0].exercise_id
    changed = Override(exercise_id=ex, field=OverrideField.sets, value="2",
                       reason="reviewed the flares", date=alert.date + dt.timedelta(days=1))  # fmt: skip
    result = adapt(program, soon, history=[*history, third], library=lib,
                   earlier_alerts=[alert], overrides=[changed])  # fmt: skip
    assert _alerts(result.adaptations, "alert.flares_persist")


def test_one_painful_session_at_the_floor_holds_quietly_the_second_alerts(
    program: Program, lib: ExerciseLibrary
) -> None:
    """Repeated regressions reaching the minimum effective dose floor alert; a single one
    holds the dose without an alert."""
    needed = loading_rules().alerts.floor_flares_to_alert
    assert needed == 2
    warm = program.sessions[0].prescriptions[0]  # warm-up: 1 set at the range low

    def one_painful(week: int, index: int) -> SessionLogIn:
        log = flare(program, week, index)
        sets = [s.model_copy(update={"pain_during": 8 if s.exercise_id == warm.exercise_id
                                     else 0}) for s in log.sets]  # fmt: skip
        return log.model_copy(update={"sets": sets})

    first = adapt(program, one_painful(1, 1), history=[], library=lib)
    floor = [a for a in first.adaptations if a.exercise_id == warm.exercise_id]
    assert any("minimum effective dose" in a.reason for a in floor)
    assert not [a for a in first.adaptations if a.action == Action.clinician_alert]
    assert any("alerted if this recurs" in a.reason for a in floor)
    second = adapt(program, one_painful(1, 2), history=[one_painful(1, 1)], library=lib)
    [alert] = _alerts(second.adaptations, "alert.min_dose_floor")
    assert alert.exercise_id == warm.exercise_id and "2 painful sessions" in alert.reason
