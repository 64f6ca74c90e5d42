"""'Easy' is judged against the target effort: reps in reserve and RPE on one scale, holds
worded as holds, and a fearful client changes one exercise per session (physio review 2, item 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_feedback_rules import edit_sets, neutral, pick_prescription, week1

from upperback.feedback import adapt
from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import loading_rules
from upperback.knowledge.schema import LoadMode
from upperback.loading import generate_program
from upperback.model.adaptation import Action
from upperback.model.common import Equipment
from upperback.model.intake import Intake
from upperback.model.profile import DeficitProfile, Severity
from upperback.model.profile import FindingCode as F
from upperback.model.program import Prescription, Program
from upperback.model.session import SessionLogIn
from upperback.sim.profiles import make_profile

PROGRESS = {Action.progress_load, Action.progress_reps, Action.progress_exercise}
START = dt.date(2025, 1, 6)
FINDINGS = {F.lt_underactive: Severity.severe, F.sa_underactive: Severity.moderate}


def _program(lib: ExerciseLibrary, **intake: object) -> Program:
    profile: DeficitProfile = make_profile(FINDINGS)
    base = Intake(date=dt.date(2025, 1, 1), equipment=list(Equipment), sessions_per_week=3)
    return generate_program(
        profile, base.model_copy(update=intake), start_date=START, seed=1, library=lib
    )


@pytest.fixture(scope="module")
def program(lib: ExerciseLibrary) -> Program:
    return _program(lib)


def _target_rir(p: Prescription, extra: float) -> float:
    """The reserve the target leaves (RPE = 10 - RIR) plus `extra`."""
    return 10.0 - p.rpe_target + extra


def _progressions(program: Program, lib: ExerciseLibrary, ex_id: str, rir: float) -> list[str]:
    log = edit_sets(neutral(program, 2, 1), lambda s: s.exercise_id == ex_id, rpe=None, rir=rir)
    result = adapt(program, log, history=week1(program), library=lib)
    return [a.reason for a in result.adaptations if a.exercise_id == ex_id and a.action in PROGRESS]


def test_reserve_below_the_margin_is_on_target_not_easy(
    program: Program, lib: ExerciseLibrary
) -> None:
    """RIR = (10 - target) + margin progresses; half a point less is on target: no change."""
    p = pick_prescription(program, lib, 2, 1, tuple(LoadMode), below_top=True)
    margin = loading_rules().effort.progress_margin
    easy = _progressions(program, lib, p.exercise_id, _target_rir(p, margin))
    assert easy and "reps in reserve" in easy[0] and f"leaves {10 - p.rpe_target:g}" in easy[0]
    assert _progressions(program, lib, p.exercise_id, _target_rir(p, margin - 0.5)) == []


def test_four_in_reserve_at_a_low_target_is_neither_easy_nor_hard(
    program: Program, lib: ExerciseLibrary
) -> None:
    """The issue's motor-control case: RIR 4, pain 1, all done at target RPE <= 5 is on
    target: no progression, no cut."""
    plan = program.session(2, 1)
    assert plan is not None
    low = [q for q in plan.prescriptions if q.rpe_target <= 5 and q.reps is not None]
    assert low, "fixture program has no low-target exercise"
    p = low[0]
    log = edit_sets(
        neutral(program, 2, 1),
        lambda s: s.exercise_id == p.exercise_id,
        rpe=None,
        rir=4.0,
        pain_during=1,
    )
    result = adapt(program, log, history=week1(program), library=lib)
    fired = [a for a in result.adaptations if a.exercise_id == p.exercise_id]
    assert not [a for a in fired if a.rule_id.startswith("effort.")]


def test_an_incomplete_session_is_not_easy(program: Program, lib: ExerciseLibrary) -> None:
    p = pick_prescription(program, lib, 2, 1, tuple(LoadMode), below_top=True)
    assert p.reps is not None and p.reps > 1
    log = edit_sets(
        neutral(program, 2, 1),
        lambda s: s.exercise_id == p.exercise_id and s.set_index == 1,
        reps=p.reps - 1,
    )
    log = edit_sets(log, lambda s: s.exercise_id == p.exercise_id, rpe=1.0)
    result = adapt(program, log, history=week1(program), library=lib)
    assert not [
        a for a in result.adaptations if a.exercise_id == p.exercise_id and a.action in PROGRESS
    ]


def test_an_easy_hold_is_worded_as_a_hold(program: Program, lib: ExerciseLibrary) -> None:
    """Holds are judged as holds ('every hold complete, effort 1/10'), never reps in reserve."""
    plan, p = next(
        (plan, q)
        for plan in program.sessions[3:]
        for q in plan.prescriptions
        if q.hold_s is not None and lib.get(q.exercise_id).load_mode != LoadMode.pressure
    )
    before = [neutral(program, s.week, s.index) for s in program.sessions if s.key < plan.key]
    log = edit_sets(
        neutral(program, plan.week, plan.index), lambda s: s.exercise_id == p.exercise_id, rpe=1.0
    )
    result = adapt(program, log, history=before, library=lib)
    reasons = [
        a.reason
        for a in result.adaptations
        if a.exercise_id == p.exercise_id and a.action in PROGRESS
    ]
    assert reasons and all("every hold complete" in r and "reserve" not in r for r in reasons)
    assert "effort 1/10" in reasons[0]


def test_a_fearful_client_changes_one_exercise_per_session(lib: ExerciseLibrary) -> None:
    program = _program(lib, yellow_flags={"fear_of_movement": True})
    assert program.graded_exposure
    history = [*week1(program), neutral(program, 2, 1)]
    log = edit_sets(neutral(program, 2, 2), lambda s: True, rpe=1.0)
    result = adapt(program, log, history=history, library=lib)
    moved = [a for a in result.adaptations if a.action in PROGRESS]
    assert len(moved) == 1, [a.reason for a in moved]
    assert "one exercise changes per session" in moved[0].reason
    # Without the one-at-a-time rule several would move; the one kept is the first by order.
    free = program.model_copy(update={"graded_exposure": False})
    all_moves = {
        a.exercise_id
        for a in adapt(free, log, history=history, library=lib).adaptations
        if a.action in PROGRESS
    }
    plan = program.session(2, 2)
    assert plan is not None and len(all_moves) >= 2
    first = next(q.exercise_id for q in plan.prescriptions if q.exercise_id in all_moves)
    assert moved[0].exercise_id == first


def test_a_fearful_clients_run_of_good_sessions_restarts_at_a_new_dose(
    lib: ExerciseLibrary,
) -> None:
    """Graded exposure: two good sessions at the current dose earn a step. A session done at
    a lower dose (before a step or the plan's own weekly rise) does not count, so the run
    starts again (it used to progress on the first good session after every rise)."""
    program = _program(lib, yellow_flags={"fear_of_movement": True})
    assert program.graded_exposure
    p = pick_prescription(program, lib, 3, 1, tuple(LoadMode), below_top=True)
    dose = {
        s.key: q.reps
        for s in program.sessions
        for q in s.prescriptions
        if q.exercise_id == p.exercise_id
    }
    assert dose[(2, 3)] is not None and p.reps is not None and dose[(2, 3)] < p.reps
    assert dose.get((3, 2)) == p.reps, "fixture: the exercise repeats at the same dose"

    def easy(key: tuple[int, int]) -> SessionLogIn:
        return edit_sets(neutral(program, *key), lambda s: s.exercise_id == p.exercise_id, rpe=1.0)

    def steps(log: SessionLogIn, history: list[SessionLogIn]) -> list[str]:
        result = adapt(program, log, history=history, library=lib)
        return [
            a.reason
            for a in result.adaptations
            if a.exercise_id == p.exercise_id and a.action in PROGRESS
        ]

    week2 = [neutral(program, 2, i) for i in (1, 2, 3)]
    history = [*week1(program), *week2]
    assert steps(easy((3, 1)), history) == [], "the last good session was at the lower dose"
    assert steps(easy((3, 2)), [*history, easy((3, 1))]), "two good sessions at this dose"
    # the same two sessions at the same dose earn a step on the first without graded exposure
    free = program.model_copy(update={"graded_exposure": False})
    moved = adapt(free, easy((3, 1)), history=history, library=lib).adaptations
    assert [a for a in moved if a.exercise_id == p.exercise_id and a.action in PROGRESS]
