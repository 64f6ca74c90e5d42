"""Stored alerts de-duplicate across logs: the service hands the engine the client's earlier
alerts, so persisting flares raise one alert, then holds naming it."""

from __future__ import annotations

import datetime as dt

from services_support import START, World

from upperback.model.adaptation import Action
from upperback.model.session import SessionLogIn, SetLog
from upperback.services import assessment, preface, program, sessions
from upperback.services.demo import demo_assessment, demo_intake


def _flare(w: World, day: dt.date) -> SessionLogIn:
    plan = program.next_view(w.db, w.actor, w.client_id).session
    assert plan is not None
    sets = [
        SetLog(exercise_id=p.exercise_id, set_index=1, reps=p.reps, hold_s=p.hold_s, rpe=6,
               pain_during=8)
        for p in plan.prescriptions
    ]  # fmt: skip
    return SessionLogIn(date=day, week=plan.week, index=plan.index, pain_before=1,
                        pain_next_morning=1, sets=sets)  # fmt: skip


def test_persisting_flares_store_one_open_alert(world: World) -> None:
    w = world
    preface.record_intake(w.db, w.actor, w.client_id, demo_intake(START))
    assessment.record_assessment(w.db, w.actor, w.client_id, demo_assessment(START, 0.0))
    program.plan_program(w.db, w.actor, w.client_id, start_date=START, seed=3)
    rules: list[list[str]] = []
    for k in range(5):
        out = sessions.log_session(
            w.db, w.actor, w.client_id, _flare(w, START + dt.timedelta(days=2 * k))
        )
        rules.append([a.rule_id for a in out.adaptations if a.rule_id.startswith("alert.")])
    alerts = [a for k in rules for a in k if a != "alert.still_open"]
    assert alerts.count("alert.flares_persist") == 1, rules
    assert "alert.still_open" in rules[-1]
    stored = [
        a
        for a in program.adaptations_for(w.db, w.actor, w.client_id)
        if a.action == Action.clinician_alert
    ]
    assert [a.rule_id for a in stored].count("alert.flares_persist") == 1
