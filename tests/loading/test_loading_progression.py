"""Progression across phases with the packaged library: loads rise, the top priority stays,
endurance keeps two sets, pressure-cuff stages move by criterion, fear slows progression,
and a re-plan starts from the load the logs reached."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from upperback.feedback import adapt
from upperback.feedback.replan import replan
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.knowledge.schema import LoadMode
from upperback.loading import generate_program
from upperback.loading.phases import phase_weeks
from upperback.model.adaptation import Action
from upperback.model.common import Equipment, Goal
from upperback.model.intake import Intake
from upperback.model.profile import FindingCode, Severity
from upperback.model.program import Program, WeekKind
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.profiles import make_profile

LIB = exercise_library()
RULES = loading_rules()
DAY = dt.date(2025, 1, 6)
HOME = [
    Equipment.none,
    Equipment.mat,
    Equipment.wall,
    Equipment.chair,
    Equipment.band,
    Equipment.dumbbell,
    Equipment.bench,
    Equipment.towel,
]
CODES = [
    FindingCode.lt_underactive,
    FindingCode.mt_underactive,
    FindingCode.sa_underactive,
    FindingCode.dnf_endurance_low,
    FindingCode.scapular_endurance_low,
    FindingCode.thoracic_rotation_limited,
    FindingCode.lt_onset_delayed,
]


def _intake(**extra: object) -> Intake:
    fields: dict[str, object] = {
        "date": DAY,
        "sessions_per_week": 3,
        "minutes_per_session": 30,
        "equipment": HOME,
    }
    fields.update(extra)
    return Intake.model_validate(fields)


def _phase(week: int) -> int:
    return next(i for i, (_, ws) in enumerate(phase_weeks(RULES, 12)) if week in ws)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    codes=st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True),
    minutes=st.sampled_from([15, 20, 30, 45]),
    seed=st.integers(0, 1000),
)
def test_top_priority_every_phase_loads_rise_and_endurance_keeps_two_sets(
    codes: list[FindingCode], minutes: int, seed: int
) -> None:
    profile = make_profile({c: Severity.moderate for c in codes})
    program = generate_program(
        profile, _intake(minutes_per_session=minutes), start_date=DAY, seed=seed
    )
    rule = RULES.rule_for(str(codes[0]))
    assert rule is not None
    for _, ws in phase_weeks(RULES, 12):
        answered = [
            q
            for s in program.sessions
            if s.week in ws
            for q in s.prescriptions
            if q.rationale.startswith(rule.label)
            and (not rule.targets or LIB.by_id[q.exercise_id].targets[0] in rule.targets)
        ]
        assert answered, (codes, ws)
    first: dict[tuple[str, int], float] = {}
    for s in program.sessions:
        for q in s.prescriptions:
            ex = LIB.by_id[q.exercise_id]
            d = ex.dosage[RULES.phases[_phase(s.week)].goal]
            if s.kind == WeekKind.build and RULES.phases[_phase(s.week)].goal == Goal.endurance:
                assert d.protocol or q.sets >= min(2, d.sets[1]), q
            value = q.load_kg if q.load_kg is not None else q.level
            if s.kind == WeekKind.build and ex.load_mode in (LoadMode.kg, LoadMode.band):
                assert value is not None
                first.setdefault((q.exercise_id, _phase(s.week)), value)
    for (ex_id, ph), value in first.items():
        if (ex_id, ph - 1) in first:
            assert value > first[(ex_id, ph - 1)], (ex_id, ph)


def _log(
    program: Program,
    week: int,
    index: int,
    *,
    holds: int | None = None,
    kg: dict[str, float] | None = None,
    rir: float = 4.0,
) -> SessionLogIn:
    plan = program.session(week, index)
    assert plan is not None
    sets = []
    for p in plan.prescriptions:
        for j in range(p.sets if holds is None or p.hold_s is None else holds):
            sets.append(
                SetLog(
                    exercise_id=p.exercise_id,
                    set_index=j + 1,
                    reps=p.reps,
                    hold_s=p.hold_s,
                    load_kg=(kg or {}).get(p.exercise_id, p.load_kg),
                    level=p.level,
                    rir=rir,
                    pain_during=1.0,
                )
            )
    return SessionLogIn(
        date=program.session_date(week, index),
        week=week,
        index=index,
        sets=sets,
        pain_before=1.0,
        pain_next_morning=1.0,
    )


def _ccf_level(program: Program, week: int, index: int) -> int | None:
    plan = program.session(week, index)
    assert plan is not None
    return next(
        (
            q.level
            for q in plan.prescriptions
            if LIB.by_id[q.exercise_id].load_mode == LoadMode.pressure
        ),
        None,
    )


def test_pressure_stage_moves_only_when_all_ten_holds_are_logged() -> None:
    profile = make_profile({FindingCode.dnf_control_low: Severity.severe})
    intake = _intake(
        equipment=[Equipment.none, Equipment.mat, Equipment.chair, Equipment.pressure_biofeedback]
    )
    program = generate_program(profile, intake, start_date=DAY, seed=1)
    levels = {_ccf_level(program, s.week, s.index) for s in program.sessions} - {None}
    assert levels == {1}  # the calendar never moves the stage
    for _, ws in phase_weeks(RULES, 12):  # nor swaps the cuff drill for sitting CCF
        assert any(_ccf_level(program, s.week, s.index) for s in program.sessions if s.week in ws)
    short = adapt(program, _log(program, 1, 1, holds=9), history=[], profile=profile)
    assert _ccf_level(short.program, 1, 2) == 1  # 9 of 10 holds, however easy: same mark
    done = adapt(program, _log(program, 1, 1), history=[], profile=profile)
    assert _ccf_level(done.program, 1, 2) == 2
    assert any(a.rule_id == "ccf.criterion" for a in done.adaptations)


def test_assessed_stage_sets_the_starting_mark() -> None:
    profile = make_profile({FindingCode.dnf_control_low: Severity.mild})
    found = profile.findings[0].model_copy(update={"evidence": "CCF 26 mmHg"})
    profile = profile.model_copy(update={"findings": [found]})
    intake = _intake(equipment=[Equipment.none, Equipment.mat, Equipment.pressure_biofeedback])
    program = generate_program(profile, intake, start_date=DAY, seed=1)
    assert _ccf_level(program, 1, 1) == 3  # 26 mmHg = third stage


EASY = 9.0
"""Reps in reserve that are easy against any target of 2 or more (RPE = 10 - RIR)."""


def test_fearful_client_needs_two_good_sessions_before_a_progression() -> None:
    profile = make_profile({FindingCode.lt_underactive: Severity.moderate})
    calm = generate_program(profile, _intake(), start_date=DAY, seed=3)
    fearful = generate_program(profile, _intake(tsk11=34), start_date=DAY, seed=3)
    assert fearful.graded_exposure and not calm.graded_exposure
    progress = {Action.progress_load, Action.progress_reps, Action.progress_exercise}
    first_calm = adapt(calm, _log(calm, 1, 1, rir=EASY), history=[], profile=profile)
    assert any(a.action in progress for a in first_calm.adaptations)
    log1 = _log(fearful, 1, 1, rir=EASY)
    first = adapt(fearful, log1, history=[], profile=profile)
    assert not any(a.action in progress for a in first.adaptations)
    second = adapt(
        first.program, _log(first.program, 1, 2, rir=EASY), history=[log1], profile=profile
    )
    assert any(a.action in progress for a in second.adaptations)
    assert any(e for s in fearful.sessions for e in s.education)
    assert not any(e for s in calm.sessions for e in s.education)


def test_replan_starts_the_next_phase_from_the_load_the_logs_reached() -> None:
    profile = make_profile(
        {FindingCode.sa_underactive: Severity.moderate, FindingCode.lt_underactive: Severity.mild}
    )
    intake = _intake(
        equipment=[
            Equipment.none,
            Equipment.mat,
            Equipment.wall,
            Equipment.band,
            Equipment.dumbbell,
            Equipment.bench,
        ]
    )
    program = generate_program(profile, intake, start_date=DAY, seed=7)

    def start_kg(p: Program, ex_id: str) -> float | None:
        return next(
            q.load_kg
            for s in p.sessions
            if s.week >= 5
            for q in s.prescriptions
            if q.exercise_id == ex_id
        )

    # prone ER at 90 deg (1 kg in weeks 1-4) continues as its eccentric rung in weeks 5-8
    assert start_kg(program, "prone_er_90_eccentric") == 2.0  # planned: one dumbbell step
    logs = [_log(program, w, i, kg={"prone_er_90": 4.0}) for w in (1, 2, 3) for i in (1, 2, 3)]
    new, _ = replan(program, profile, intake, from_week=5, seed=7, logs=logs)
    assert start_kg(new, "prone_er_90_eccentric") == 4.0  # the load the logs reached
    plain, _ = replan(program, profile, intake, from_week=5, seed=7)
    assert start_kg(plain, "prone_er_90_eccentric") == 2.0  # nothing logged: the planned step
