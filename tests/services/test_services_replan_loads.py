"""Reassessment through the service re-plans the weeks ahead from the loads the client's
logs reached (services.assessment passes the plan's logs to feedback.replan), not from the
generator's planned steps. Real SQLite, real use cases."""

from __future__ import annotations

import datetime as dt

from services_support import START, World

from upperback.model.session import SessionLogIn, SetLog
from upperback.services import assessment, preface, program, sessions
from upperback.services.demo import demo_assessment, demo_intake


def _heavier_log(w: World) -> tuple[SessionLogIn, dict[str, float]]:
    """Every set complete and easy, dumbbell work 5 kg heavier than planned."""
    view = program.next_view(w.db, w.actor, w.client_id)
    plan = view.session
    assert plan is not None
    day = view.session_date or START
    sets, loads = [], {}
    for p in plan.prescriptions:
        kg = p.load_kg + 5.0 if p.load_kg else None
        if kg is not None:
            loads["kg"] = max(loads.get("kg", 0.0), kg)
        sets += [
            SetLog(exercise_id=p.exercise_id, set_index=k, reps=p.reps, hold_s=p.hold_s,
                   load_kg=kg, level=p.level, rpe=5, pain_during=0)
            for k in range(1, p.sets + 1)
        ]  # fmt: skip
    log = SessionLogIn(
        date=day, week=plan.week, index=plan.index, pain_before=0, pain_next_morning=0, sets=sets
    )
    return log, loads


def test_reassessment_restarts_the_next_phase_at_the_logged_load(world: World) -> None:
    w = world
    preface.record_intake(w.db, w.actor, w.client_id, demo_intake(START))
    assessment.record_assessment(w.db, w.actor, w.client_id, demo_assessment(START, 0.0))
    program.plan_program(w.db, w.actor, w.client_id, start_date=START, seed=3)
    logged: dict[str, float] = {}
    while True:
        nxt = program.next_view(w.db, w.actor, w.client_id).session
        assert nxt is not None
        if nxt.week > 6:
            break
        log, loads = _heavier_log(w)
        sessions.log_session(w.db, w.actor, w.client_id, log)
        for unit, value in loads.items():
            logged[unit] = max(logged.get(unit, 0.0), value)
    assert logged, "the demo program has no dumbbell work in weeks 1-6"
    before = program.current_program(w.db, w.actor, w.client_id)
    later = START + dt.timedelta(days=42)
    out = assessment.record_assessment(w.db, w.actor, w.client_id, demo_assessment(later, 0.3))
    assert out.replanned, "a reassessment with a changed profile re-plans the weeks ahead"
    after = program.current_program(w.db, w.actor, w.client_id)
    assert after.version > before.version

    def ahead(p: program.Program, unit: str) -> float:
        values = [
            (q.load_kg if unit == "kg" else q.level) or 0.0
            for s in p.sessions
            if s.week >= 7
            for q in s.prescriptions
        ]
        return float(max(values, default=0.0))

    for unit, value in logged.items():
        assert ahead(before, unit) < value, f"planned {unit} already reaches the logged one"
        # the rest of the phase restarts where the client got to, not at the planned step
        assert ahead(after, unit) >= value, f"{unit}: re-planned below the logged {value:g}"
