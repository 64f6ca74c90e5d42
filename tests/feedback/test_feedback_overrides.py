"""Clinician overrides are applied, recorded and never undone; replan and next session."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from upperback.errors import InvalidInput, SafetyBlock
from upperback.feedback import adapt, apply_overrides, next_session, override_adaptations, replan
from upperback.knowledge.loader import ExerciseLibrary
from upperback.loading import generate_program
from upperback.model.adaptation import Override, OverrideField
from upperback.model.common import Equipment
from upperback.model.intake import Intake
from upperback.model.profile import FindingCode as F
from upperback.model.profile import Severity
from upperback.model.program import Program
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.profiles import make_profile

START = dt.date(2025, 1, 6)
INTAKE = Intake(date=dt.date(2025, 1, 1), equipment=list(Equipment))


@pytest.fixture(scope="module")
def program(lib: ExerciseLibrary) -> Program:
    profile = make_profile({F.lt_underactive: Severity.severe, F.ut_dominant: Severity.moderate})
    return generate_program(profile, INTAKE, start_date=START, seed=1, library=lib)


def ov(ex: str, field: OverrideField, value: str = "", day: dt.date = START) -> Override:
    return Override(exercise_id=ex, field=field, value=value, reason="clinician choice", date=day)


def easy_log(program: Program, week: int, index: int) -> SessionLogIn:
    plan = program.session(week, index)
    assert plan is not None
    sets = [
        SetLog(
            exercise_id=p.exercise_id,
            set_index=1,
            reps=(p.reps or 0) + 3 if p.hold_s is None else None,
            hold_s=p.hold_s,
            rpe=1,
        )
        for p in plan.prescriptions
    ]
    return SessionLogIn(date=program.session_date(week, index), week=week, index=index, sets=sets)


def test_set_and_exclude_overrides_apply_from_their_date(
    program: Program, lib: ExerciseLibrary
) -> None:
    ex = program.sessions[0].prescriptions[2].exercise_id
    later = program.session_date(3, 1)
    out = apply_overrides(program, [ov(ex, OverrideField.sets, "4", later)], library=lib)
    for s in out.sessions:
        for p in s.prescriptions:
            if p.exercise_id == ex:
                assert (p.sets == 4) == (program.session_date(s.week, s.index) >= later)
    gone = apply_overrides(program, [ov(ex, OverrideField.exclude)], library=lib)
    assert all(p.exercise_id != ex for s in gone.sessions for p in s.prescriptions)


def test_replace_with_a_contraindicated_exercise_is_refused(
    program: Program, lib: ExerciseLibrary
) -> None:
    ex = program.sessions[0].prescriptions[2].exercise_id
    with pytest.raises(SafetyBlock, match="shrug"):
        apply_overrides(program, [ov(ex, OverrideField.replace_with, "shrug")], library=lib)
    swapped = apply_overrides(
        program, [ov(ex, OverrideField.replace_with, "wall_slide")], library=lib
    )
    assert any(p.exercise_id == "wall_slide" for s in swapped.sessions for p in s.prescriptions)


def test_bad_override_value_is_refused_when_made(program: Program) -> None:
    ex = program.sessions[0].prescriptions[2].exercise_id
    with pytest.raises(ValidationError, match="reps needs a number"):
        ov(ex, OverrideField.reps, "many")
    with pytest.raises(ValidationError, match="sets must be a whole number from 1 to 10"):
        ov(ex, OverrideField.sets, "1e400")


def test_engine_never_changes_frozen_or_overridden_fields(
    program: Program, lib: ExerciseLibrary
) -> None:
    plan = program.sessions[0]
    frozen, fixed = plan.prescriptions[1].exercise_id, plan.prescriptions[2].exercise_id
    overrides = [ov(frozen, OverrideField.freeze), ov(fixed, OverrideField.reps, "9")]
    start = apply_overrides(program, overrides, library=lib)
    result = adapt(start, easy_log(start, 1, 1), history=[], overrides=overrides, library=lib)
    assert frozen not in {a.exercise_id for a in result.adaptations}
    for old, new in zip(start.sessions, result.program.sessions, strict=True):
        o = {p.exercise_id: p for p in old.prescriptions}
        for p in new.prescriptions:
            if p.exercise_id == frozen:
                assert p == o[frozen]
            if p.exercise_id == fixed and p.hold_s is None:
                assert p.reps == 9


def test_override_adaptations_are_recorded(program: Program) -> None:
    ex = program.sessions[0].prescriptions[0].exercise_id
    [a] = override_adaptations(program, [ov(ex, OverrideField.sets, "2")])
    assert (
        a.rule_id == "override.clinician"
        and "clinician choice" in a.reason
        and a.after == "sets = 2"
    )


def test_next_session_is_the_first_unlogged(program: Program) -> None:
    assert next_session(program, []) == program.sessions[0]
    log = easy_log(program, 1, 1)
    assert next_session(program, [log]) == program.sessions[1]


def test_replan_keeps_trained_weeks_and_answers_the_new_profile(
    program: Program, lib: ExerciseLibrary
) -> None:
    new_profile = make_profile({F.dnf_endurance_low: Severity.severe}, day=dt.date(2025, 2, 3))
    out, [a] = replan(program, new_profile, INTAKE, from_week=5, seed=1, library=lib)
    assert out.version == program.version + 1 and a.rule_id == "reassessment.replan"
    assert [s for s in out.sessions if s.week < 5] == [s for s in program.sessions if s.week < 5]
    later = {p.exercise_id for s in out.sessions if s.week >= 5 for p in s.prescriptions}
    assert later & {"ccf_pbu", "ccf_sitting", "ccf_supine", "head_lift"}
    with pytest.raises(InvalidInput, match="from_week"):
        replan(program, new_profile, INTAKE, from_week=13, seed=1, library=lib)
