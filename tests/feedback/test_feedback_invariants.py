"""Safety invariants over >= 10,000 random logged sessions (hypothesis).

Invariants: the weekly load increase never exceeds the cap; nothing progresses after a pain
flare; no contraindicated exercise is ever prescribed; nothing follows a red-flag stop;
clinician overrides are never changed; no regression raises any dose; and the engine never
takes a dose below the minimum effective dose without a clinician alert.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upperback.errors import SafetyBlock
from upperback.feedback import adapt, apply_overrides, next_session
from upperback.feedback.context import PROGRESS_ACTIONS, is_flare
from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading import cap_violations, generate_program, load_index
from upperback.loading.eligibility import conditions, is_contraindicated
from upperback.model.adaptation import Action, Adaptation, Override, OverrideField
from upperback.model.program import Program
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.profiles import random_intake, random_profile

MIN_LOGS = 10_000
RULES = loading_rules()


def random_log(
    rng: np.random.Generator,
    program: Program,
    week: int,
    index: int,
    day: dt.date,
    flare_p: float,
    red_flag_p: float,
) -> SessionLogIn:
    plan = program.session(week, index)
    assert plan is not None
    if rng.random() < 0.05:
        return SessionLogIn(date=day, week=week, index=index, completed=False)
    flare = rng.random() < flare_p
    sets = []
    for p in plan.prescriptions:
        for j in range(p.sets):
            sets.append(
                SetLog(
                    exercise_id=p.exercise_id,
                    set_index=j + 1,
                    reps=None
                    if p.hold_s is not None
                    else max(0, (p.reps or 1) + int(rng.integers(-3, 4))),
                    hold_s=float(p.hold_s) if p.hold_s is not None else None,
                    load_kg=p.load_kg,
                    level=p.level,
                    rpe=float(np.clip(p.rpe_target + rng.normal(0, 1.8), 1, 10)),
                    pain_during=float(np.clip(rng.normal(7 if flare else 1.5, 1.5), 0, 10)),
                    emg_ratio=float(rng.uniform(0.2, 1.5)) if rng.random() < 0.1 else None,
                    technique_lost=bool(rng.random() < 0.08),
                )
            )
    before = float(rng.integers(0, 5))
    return SessionLogIn(
        date=day,
        week=week,
        index=index,
        sets=sets,
        pain_before=before if rng.random() < 0.8 else None,
        pain_next_morning=float(np.clip(before + rng.normal(0, 1.2), 0, 10))
        if rng.random() < 0.8
        else None,
        fatigue=float(rng.integers(0, 11)) if rng.random() < 0.5 else None,
        readiness=float(rng.integers(0, 11)) if rng.random() < 0.5 else None,
        new_symptoms=["dizziness"] if rng.random() < red_flag_p else [],
    )


def check_program(
    program: Program, lib: ExerciseLibrary, active: set[str], frozen: set[str]
) -> None:
    mode = lambda i: lib.get(i).load_mode  # noqa: E731
    assert cap_violations(program.sessions, mode, RULES, skip=frozen) == []
    excluded = {e.exercise_id for e in program.excluded if e.reason.startswith("contraindication")}
    prescribed = {p.exercise_id for s in program.sessions for p in s.prescriptions}
    assert not prescribed & excluded
    for ex_id in prescribed:
        assert not is_contraindicated(lib.get(ex_id), active, RULES), ex_id


def test_invariants_hold_over_10000_random_logs(lib: ExerciseLibrary) -> None:
    total = [0]

    @settings(
        max_examples=310,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        seed=st.integers(0, 2**31 - 1),
        flare_p=st.sampled_from([0.0, 0.05, 0.2]),
        red_flag_p=st.sampled_from([0.0, 0.0, 0.01]),
        freeze=st.booleans(),
    )
    def run(seed: int, flare_p: float, red_flag_p: float, freeze: bool) -> None:
        rng = np.random.default_rng(seed)
        day0 = dt.date(2025, 1, 6)
        profile = random_profile(rng, pain_now=3.0, day=day0)
        intake = random_intake(rng, day=day0, pain_now=3.0)
        program = generate_program(profile, intake, start_date=day0, seed=seed, library=lib)
        active = conditions(profile, intake)
        overrides: list[Override] = []
        if freeze and program.sessions[0].prescriptions:
            first = program.sessions[0].prescriptions[-1].exercise_id
            overrides = [
                Override(
                    exercise_id=first,
                    field=OverrideField.reps,
                    value="9",
                    reason="clinician test",
                    date=day0,
                )
            ]
            program = apply_overrides(
                generate_program(profile, intake, start_date=day0, seed=seed, library=lib),
                overrides,
                library=lib,
            )
        frozen = {o.exercise_id for o in overrides}
        check_program(program, lib, active, frozen)
        logs: list[SessionLogIn] = []
        raised: list[Adaptation] = []
        day = day0
        while (plan := next_session(program, logs)) is not None:
            day = max(day, program.session_date(plan.week, plan.index)) + dt.timedelta(
                days=int(rng.choice([0, 0, 0, 1, 2, 12]))
            )
            log = random_log(rng, program, plan.week, plan.index, day, flare_p, red_flag_p)
            before = program
            result = adapt(
                program,
                log,
                history=logs,
                overrides=overrides,
                profile=profile,
                library=lib,
                earlier_alerts=raised,
            )
            total[0] += 1
            assert_one_open_alert_per_cause(result.adaptations, raised)
            raised += [a for a in result.adaptations if a.action == Action.clinician_alert]
            program = result.program
            check_program(program, lib, active, frozen)
            if not result.stopped:
                pos = next(
                    i for i, s in enumerate(before.sessions) if s.key == (plan.week, plan.index)
                )
                assert_regressions_lower(before, program, result.adaptations, pos, frozen)
                assert_min_effective_or_alert(before, program, result.adaptations, pos, lib)
            baseline = (
                log.pain_before
                if log.pain_before is not None
                else next(
                    (
                        h.pain_next_morning
                        for h in reversed(logs)
                        if h.pain_next_morning is not None
                    ),
                    profile.pain_now or 0.0,
                )
            )
            if log.completed and is_flare(log, baseline, RULES, profile.pain_now or 0.0):
                assert not any(a.action in PROGRESS_ACTIONS for a in result.adaptations)
                assert_no_rise(before, program, lib)
            for o in overrides:
                for s in program.sessions:
                    for p in s.prescriptions:
                        if p.exercise_id == o.exercise_id and p.hold_s is None:
                            assert p.reps == 9
            logs.append(log)
            if result.stopped:
                assert program.stopped_reason and next_session(program, logs) is None
                try:
                    adapt(program, log, history=logs, library=lib)
                except SafetyBlock:
                    pass
                else:
                    raise AssertionError("adapt must refuse a stopped program")
                break

    run()
    assert total[0] >= MIN_LOGS, f"only {total[0]} logs exercised"


def assert_one_open_alert_per_cause(
    adaptations: list[Adaptation], raised: list[Adaptation]
) -> None:
    """No alert repeats one of the same cause and exercise within the quiet period (no
    overrides after the first in these runs but the frozen one, dated before any alert);
    a repeat is turned into a hold that names the open alert."""
    quiet = RULES.alerts.quiet_days
    for a in adaptations:
        same = [
            r
            for r in raised
            if (r.rule_id, r.exercise_id) == (a.rule_id, a.exercise_id)
            and 0 <= (a.date - r.date).days < quiet
        ]
        if a.action == Action.clinician_alert:
            assert not same, (a.rule_id, a.exercise_id, a.date, [r.date for r in same])
        if a.rule_id == "alert.still_open":
            assert "still open" in a.reason and a.action == Action.hold


def assert_no_rise(before: Program, after: Program, lib: ExerciseLibrary) -> None:
    """After a flare no exercise gets a bigger dose in any later session."""
    for old, new in zip(before.sessions, after.sessions, strict=False):
        olds = {p.exercise_id: p for p in old.prescriptions}
        for p in new.prescriptions:
            q = olds.get(p.exercise_id)
            if q is not None and not p.rationale.startswith(
                "regressed ("
            ):  # swapped-in easier rung
                mode = lib.get(p.exercise_id).load_mode
                assert load_index(p, mode, RULES) <= load_index(q, mode, RULES) + 1e-9


CUTS = {Action.regress, Action.reduce, Action.deload, Action.reenter}
DOSE = ("sets", "reps", "hold_s", "load_kg", "level")


def _fields(p: object) -> dict[str, float]:
    return {f: v for f in DOSE if (v := getattr(p, f)) is not None}


def assert_regressions_lower(
    before: Program,
    after: Program,
    adaptations: list[Adaptation],
    pos: int,
    frozen: set[str],
) -> None:
    """An exercise only cut or regressed (nothing progressed it) gets no bigger dose field."""
    cut = {a.exercise_id for a in adaptations if a.action in CUTS and a.rule_id.startswith("pain.")}
    raised = {a.exercise_id for a in adaptations if a.action in PROGRESS_ACTIONS}
    cut -= raised | frozen | {None}
    for old, new in zip(before.sessions[pos + 1 :], after.sessions[pos + 1 :], strict=False):
        olds = {p.exercise_id: p for p in old.prescriptions}
        for p in new.prescriptions:
            q = olds.get(p.exercise_id)
            if q is None or q.exercise_id not in cut:
                continue
            if any(x.rationale.startswith(("regressed (", "progressed (")) for x in (p, q)):
                continue  # a swapped-in rung carries the dose of the one it replaced
            a, b = _fields(q), _fields(p)
            for f in set(a) & set(b):
                if f == "load_kg" and p.exercise_id != q.exercise_id:
                    continue  # a different exercise: its own starting load
                assert b[f] <= a[f] + 1e-9, (
                    p.exercise_id,
                    f,
                    a[f],
                    b[f],
                    new.key,
                    [x.exercise_id for x in old.prescriptions],
                    [x.exercise_id for x in new.prescriptions],
                    [(x.rule_id, x.exercise_id) for x in adaptations],
                    q.rationale[:40],
                    p.rationale[:60],
                )


def _below_min(p: object, lib: ExerciseLibrary, goal: object) -> bool:
    d = lib.get(p.exercise_id).dosage[goal]  # type: ignore[attr-defined,index]
    if p.hold_s is not None and d.hold_s is not None:  # type: ignore[attr-defined]
        return bool(p.hold_s < d.hold_s[0])  # type: ignore[attr-defined]
    if p.reps is not None and d.reps is not None:  # type: ignore[attr-defined]
        return bool(p.reps < d.reps[0])  # type: ignore[attr-defined]
    return False


def assert_min_effective_or_alert(
    before: Program,
    after: Program,
    adaptations: list[Adaptation],
    pos: int,
    lib: ExerciseLibrary,
) -> None:
    """A pain, readiness or re-entry cut never leaves a dose in the coming week below the
    minimum effective dose (range-low reps or hold) that was at or above it, unless a
    clinician is alerted (now, or by an alert of the same cause still open)."""
    if any(
        a.action == Action.clinician_alert or a.rule_id == "alert.still_open" for a in adaptations
    ):
        return
    cutters = {
        a.exercise_id for a in adaptations if a.action in CUTS and a.rule_id != "load.weekly_cap"
    }
    if not cutters:
        return
    week = slice(pos + 1, pos + 1 + before.sessions_per_week)  # later weeks are re-capped
    for old, new in zip(before.sessions[week], after.sessions[week], strict=False):
        phase = after.phase_of(new.week)
        assert phase is not None
        olds = {p.exercise_id: p for p in old.prescriptions}
        for p in new.prescriptions:
            q = olds.get(p.exercise_id)
            if q is None or not (None in cutters or p.exercise_id in cutters):
                continue
            if _below_min(p, lib, phase.goal) and not _below_min(q, lib, phase.goal):
                raise AssertionError(
                    f"{p.exercise_id} cut below its minimum effective dose: {q} -> {p} by "
                    f"{[(a.rule_id, a.exercise_id) for a in adaptations]}"
                )
