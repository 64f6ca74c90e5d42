"""Each adaptation rule fires on the log that should fire it, and on no other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from upperback.errors import SafetyBlock
from upperback.feedback import RULE_TABLE, adapt, next_session
from upperback.feedback.rules_exercise import PACED_BY_BREATH
from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import loading_rules
from upperback.knowledge.schema import LoadMode
from upperback.loading import cap_violations, generate_program
from upperback.model.adaptation import Action
from upperback.model.common import Equipment
from upperback.model.intake import Intake
from upperback.model.profile import DeficitProfile, Severity
from upperback.model.profile import FindingCode as F
from upperback.model.program import Prescription, Program
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.profiles import make_profile

START = dt.date(2025, 1, 6)
DERIVED = {"load.weekly_cap"}  # guardrail that follows any change to the plan


@pytest.fixture(scope="module")
def profile() -> DeficitProfile:
    return make_profile({F.lt_underactive: Severity.severe, F.sa_underactive: Severity.moderate})


@pytest.fixture(scope="module")
def program(lib: ExerciseLibrary, profile: DeficitProfile) -> Program:
    intake = Intake(date=dt.date(2025, 1, 1), equipment=list(Equipment), sessions_per_week=3)
    return generate_program(profile, intake, start_date=START, seed=1, library=lib)


def neutral(program: Program, week: int, index: int, **kw: object) -> SessionLogIn:
    """Done as prescribed, at the target effort, pain-free and settled."""
    plan = program.session(week, index)
    assert plan is not None
    sets = [
        SetLog(
            exercise_id=p.exercise_id,
            set_index=j + 1,
            reps=p.reps,
            hold_s=p.hold_s,
            load_kg=p.load_kg,
            level=p.level,
            rpe=p.rpe_target,
            pain_during=0,
        )
        for p in plan.prescriptions
        for j in range(p.sets)
    ]
    base: dict[str, object] = {
        "date": program.session_date(week, index),
        "week": week,
        "index": index,
        "sets": sets,
        "pain_before": 1,
        "pain_next_morning": 1,
        "readiness": 6,
        "fatigue": 3,
    }
    base.update(kw)
    return SessionLogIn.model_validate(base)


def week1(program: Program) -> list[SessionLogIn]:
    return [neutral(program, 1, i) for i in (1, 2, 3)]


def edit_sets(log: SessionLogIn, pick: Callable[[SetLog], bool], **change: object) -> SessionLogIn:
    sets = [s.model_copy(update=change) if pick(s) else s for s in log.sets]
    return log.model_copy(update={"sets": sets})


def pick_prescription(
    program: Program,
    lib: ExerciseLibrary,
    week: int,
    index: int,
    modes: tuple[LoadMode, ...],
    below_top: bool,
) -> Prescription:
    plan = program.session(week, index)
    assert plan is not None
    phase = program.phase_of(week)
    assert phase is not None
    for p in plan.prescriptions:
        ex = lib.get(p.exercise_id)
        top = ex.dosage[phase.goal].reps
        effort_dosed = not set(ex.loading_types) <= PACED_BY_BREATH
        if (
            effort_dosed
            and p.reps is not None
            and ex.load_mode in modes
            and top
            and (p.reps < top[1]) == below_top
        ):
            return p
    raise AssertionError("fixture program lacks a suitable prescription")


Case = Callable[[Program, ExerciseLibrary], tuple[SessionLogIn, list[SessionLogIn]]]


def c_flare(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    log = neutral(pr, 2, 1)
    # an exercise above its minimum effective dose (a warm-up at 1 set would alert instead)
    plan = pr.session(2, 1)
    assert plan is not None
    first = next(
        (p.exercise_id for p in plan.prescriptions if lib.by_id[p.exercise_id].regressions),
        next(p.exercise_id for p in plan.prescriptions if p.sets > 1),
    )
    return edit_sets(log, lambda s: s.exercise_id == first, pain_during=7), week1(pr)


def c_morning(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    return neutral(pr, 2, 1, pain_before=1, pain_next_morning=4), week1(pr)


def c_trend(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    hist = week1(pr) + [neutral(pr, 2, i, pain_before=3, pain_next_morning=3) for i in (1, 2)]
    return neutral(pr, 2, 3, pain_before=3, pain_next_morning=3), hist


def c_readiness(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    return neutral(pr, 2, 1, readiness=2), week1(pr)


def c_fatigue(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    return neutral(pr, 2, 1, fatigue=8), week1(pr)


def c_gap(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    hist = week1(pr)
    return neutral(pr, 2, 1, date=hist[-1].date + dt.timedelta(days=14)), hist


def c_acwr(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    hist = []
    for w in range(1, 5):
        for i in (1, 2, 3):
            log = neutral(pr, w, i)
            hist.append(
                log.model_copy(
                    update={"sets": [log.sets[0].model_copy(update={"reps": 1, "hold_s": None})]}
                )
            )
    log = neutral(pr, 5, 1)
    return log.model_copy(update={"sets": log.sets * 3}), hist


def c_after_flare(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    hist = week1(pr)
    hist[-1] = edit_sets(hist[-1], lambda s: True, pain_during=7)
    return neutral(pr, 2, 1), hist


def c_technique(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    log = neutral(pr, 2, 1)
    first = log.sets[1].exercise_id
    return edit_sets(log, lambda s: s.exercise_id == first, technique_lost=True), week1(pr)


def c_emg(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    log = neutral(pr, 2, 1)
    lt = next(
        s.exercise_id for s in log.sets if "lower_trapezius" in lib.get(s.exercise_id).targets
    )
    return edit_sets(log, lambda s: s.exercise_id == lt, emg_ratio=0.85), week1(pr)


def c_reduce(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    log = neutral(pr, 2, 1)
    first = log.sets[1].exercise_id
    return edit_sets(log, lambda s: s.exercise_id == first, rpe=10), week1(pr)


def c_progress_reps(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    p = pick_prescription(pr, lib, 2, 1, tuple(LoadMode), below_top=True)
    log = edit_sets(
        neutral(pr, 2, 1), lambda s: s.exercise_id == p.exercise_id, rpe=max(1.0, p.rpe_target - 2)
    )
    return log, week1(pr)


def c_progress_load(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    p = pick_prescription(pr, lib, 2, 1, (LoadMode.band, LoadMode.kg), below_top=True)
    assert p.reps is not None
    log = edit_sets(
        neutral(pr, 2, 1),
        lambda s: s.exercise_id == p.exercise_id,
        rpe=max(1.0, p.rpe_target - 2),
        reps=p.reps + 2,
    )
    return log, week1(pr)


def c_red_flag(pr: Program, lib: ExerciseLibrary) -> tuple[SessionLogIn, list[SessionLogIn]]:
    return neutral(pr, 2, 1, new_symptoms=["dizziness"]), week1(pr)


CASES: list[tuple[str, Case]] = [
    ("pain.flare_regress", c_flare),
    ("pain.morning_not_settled", c_morning),
    ("pain.weekly_trend", c_trend),
    ("readiness.low_fatigue_high", c_readiness),
    ("readiness.low_fatigue_high", c_fatigue),
    ("adherence.reentry_after_gap", c_gap),
    ("load.acwr_guardrail", c_acwr),
    ("pain.after_flare_hold", c_after_flare),
    ("technique.lost_control_regress", c_technique),
    ("emg.ut_compensation", c_emg),
    ("effort.reduce_load", c_reduce),
    ("effort.progress_reps", c_progress_reps),
    ("effort.progress_load", c_progress_load),
    ("symptoms.red_flag_stop", c_red_flag),
]


def fired(
    program: Program, lib: ExerciseLibrary, log: SessionLogIn, history: list[SessionLogIn]
) -> set[str]:
    result = adapt(program, log, history=history, library=lib)
    return result.fired() - DERIVED


def test_neutral_logs_fire_nothing(program: Program, lib: ExerciseLibrary) -> None:
    history = week1(program)
    for i in (1, 2, 3):
        log = neutral(program, 2, i)
        result = adapt(program, log, history=history, library=lib)
        assert result.adaptations == []
        assert result.program.sessions == program.sessions
        history.append(log)


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}-{c.__name__}" for r, c in CASES])
def test_rule_fires_on_its_log_and_no_other_rule_does(
    program: Program, lib: ExerciseLibrary, rule_id: str, case: Case
) -> None:
    log, history = case(program, lib)
    assert fired(program, lib, log, history) == {rule_id}


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}-{c.__name__}" for r, c in CASES])
def test_rule_does_not_fire_on_other_rules_logs(
    program: Program, lib: ExerciseLibrary, rule_id: str, case: Case
) -> None:
    for other_id, other in CASES:
        if other_id == rule_id:
            continue
        log, history = other(program, lib)
        assert rule_id not in fired(program, lib, log, history), (
            f"{rule_id} fired on the {other.__name__} log"
        )


def test_every_rule_in_the_table_is_exercised() -> None:
    # ccf.criterion needs the packaged pressure-cuff drills: exercised in
    # tests/loading/test_loading_progression.py (9 holds: no move; 10 holds: next mark)
    covered = (
        {r for r, _ in CASES}
        | DERIVED
        | {
            "reassessment.replan",
            "override.clinician",
            "ccf.criterion",
        }
    )
    assert {r.rule_id for r in RULE_TABLE} == covered


def test_flare_regresses_down_the_ladder_with_reason(
    program: Program, lib: ExerciseLibrary
) -> None:
    log, history = c_flare(program, lib)
    result = adapt(program, log, history=history, library=lib)
    a = next(a for a in result.adaptations if a.rule_id == "pain.flare_regress")
    assert a.action == Action.regress and "7/10 > 5/10" in a.reason and a.before and a.after
    assert "Silbernagel" in a.source
    later = [p.exercise_id for s in result.program.sessions[4:] for p in s.prescriptions]
    assert a.exercise_id not in later[:3] or a.after != a.before


def test_progress_load_raises_band_level_or_kg(program: Program, lib: ExerciseLibrary) -> None:
    log, history = c_progress_load(program, lib)
    result = adapt(program, log, history=history, library=lib)
    a = next(a for a in result.adaptations if a.rule_id == "effort.progress_load")
    nxt = next(
        s
        for s in result.program.sessions[4:]
        if any(p.exercise_id == a.exercise_id for p in s.prescriptions)
    )
    old = program.session(nxt.week, nxt.index)
    assert old is not None
    before = next(p for p in old.prescriptions if p.exercise_id == a.exercise_id)
    after = next(p for p in nxt.prescriptions if p.exercise_id == a.exercise_id)
    assert (after.level or 0) > (before.level or 0) or (after.load_kg or 0) > (before.load_kg or 0)


def test_only_sessions_after_the_logged_one_change(program: Program, lib: ExerciseLibrary) -> None:
    log, history = c_reduce(program, lib)
    result = adapt(program, log, history=history, library=lib)
    pos = next(i for i, s in enumerate(program.sessions) if s.key == (log.week, log.index))
    assert result.program.sessions[: pos + 1] == program.sessions[: pos + 1]
    assert result.program.sessions[pos + 1 :] != program.sessions[pos + 1 :]
    assert result.program.version == program.version + 1


def test_red_flag_stops_the_program_and_refers(program: Program, lib: ExerciseLibrary) -> None:
    log, history = c_red_flag(program, lib)
    result = adapt(program, log, history=history, library=lib)
    assert result.stopped and result.referral is not None and result.referral.blocks_program
    assert result.program.stopped_reason and result.program.sessions[-1].key == (2, 1)
    assert next_session(result.program, [*history, log]) is None
    with pytest.raises(SafetyBlock, match="program stopped"):
        adapt(result.program, neutral(program, 2, 2), history=[*history, log], library=lib)


def test_emg_ratio_above_class_c_regresses(program: Program, lib: ExerciseLibrary) -> None:
    log = neutral(program, 2, 1)
    lt = next(
        s.exercise_id for s in log.sets if "lower_trapezius" in lib.get(s.exercise_id).targets
    )
    log = edit_sets(log, lambda s: s.exercise_id == lt, emg_ratio=1.4)
    result = adapt(program, log, history=week1(program), library=lib)
    a = next(a for a in result.adaptations if a.rule_id == "emg.ut_compensation")
    assert a.action == Action.regress and "1.40" in a.reason


def test_weekly_cap_limits_a_big_progression(program: Program, lib: ExerciseLibrary) -> None:
    log = edit_sets(neutral(program, 2, 1), lambda s: True, rpe=1)
    result = adapt(program, log, history=week1(program), library=lib)
    assert "load.weekly_cap" in result.fired()
    mode = lambda i: lib.get(i).load_mode  # noqa: E731
    assert cap_violations(result.program.sessions, mode, loading_rules()) == []
    assert cap_violations(program.sessions, mode, loading_rules()) == []


def test_effort_rules_leave_breath_paced_mobility_alone(
    program: Program, lib: ExerciseLibrary
) -> None:
    """RPE is no dose signal for breathing drills: a high RPE there changes nothing."""
    plan = program.session(1, 1)
    assert plan is not None
    paced = [
        p
        for p in plan.prescriptions
        if set(lib.get(p.exercise_id).loading_types) <= PACED_BY_BREATH
    ]
    assert paced, "fixture program should start with a breath-paced drill"
    log = edit_sets(
        neutral(program, 1, 1), lambda s: s.exercise_id == paced[0].exercise_id, rpe=9.5
    )
    result = adapt(program, log, history=[], library=lib)
    assert not [
        a
        for a in result.adaptations
        if a.exercise_id == paced[0].exercise_id and a.rule_id.startswith("effort.")
    ]


def test_rep_progression_takes_one_step_however_easy_the_set(
    program: Program, lib: ExerciseLibrary
) -> None:
    """RPE 1 against a target of 5+ still earns one step (+2 reps), not one per RPE point."""
    p = pick_prescription(program, lib, 2, 1, tuple(LoadMode), below_top=True)
    assert p.reps is not None and p.rpe_target - 1.0 >= 3  # several points under target
    log = edit_sets(neutral(program, 2, 1), lambda s: s.exercise_id == p.exercise_id, rpe=1.0)
    result = adapt(program, log, history=week1(program), library=lib)
    fired = [a for a in result.adaptations if a.exercise_id == p.exercise_id]
    assert {a.rule_id for a in fired} - DERIVED == {"effort.progress_reps"}
    step = loading_rules().effort.reps_step_per_point
    planned = {
        plan.key: q.reps
        for plan in program.sessions
        for q in plan.prescriptions
        if q.exercise_id == p.exercise_id
    }
    later = [
        (q.reps, planned.get(plan.key))
        for plan in result.program.sessions
        if plan.key > (2, 1)
        for q in plan.prescriptions
        if q.exercise_id == p.exercise_id and q.reps is not None
    ]
    assert later and all(before is None or new <= before + step for new, before in later)


def test_an_easy_session_logged_in_reps_in_reserve_is_explained_in_those_units(
    program: Program, lib: ExerciseLibrary
) -> None:
    """RIR reads as RPE 10 - RIR; a progression must quote the reserve, not "RPE 6 vs target 4"."""
    p = pick_prescription(program, lib, 2, 1, tuple(LoadMode), below_top=True)
    rir = 10 - p.rpe_target + loading_rules().effort.progress_margin  # easy against the target
    log = edit_sets(
        neutral(program, 2, 1), lambda s: s.exercise_id == p.exercise_id, rpe=None, rir=rir
    )
    result = adapt(program, log, history=week1(program), library=lib)
    progress = [a for a in result.adaptations if a.rule_id.startswith("effort.progress")]
    assert progress and {a.exercise_id for a in progress} == {p.exercise_id}
    for a in progress:
        assert f"{rir:g}+ reps in reserve" in a.reason and "RPE" not in a.reason.split("(target")[0]
