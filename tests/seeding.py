"""Clients with history built through the real services (for store, cohort and scale tests)."""

from __future__ import annotations

import datetime as dt
import random

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.model.session import SessionLogIn
from upperback.services import assessment, clients, preface, program, sessions
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.demo import demo_assessment, demo_intake, perform

START = dt.date(2026, 1, 5)


def _easy(log: SessionLogIn) -> SessionLogIn:
    """The same session done easily and pain-free: the engine progresses it (a new version).

    The demo performer logs effort near target with moderate pain, which the engine holds;
    these tests need program versions that change, so every second session is an easy one.
    """
    doc = log.model_dump()
    for s in doc["sets"]:
        s.update(rpe=2.0, rir=5, pain_during=0.0)
    doc.update(pain_before=0.0, pain_next_morning=0.0)
    return SessionLogIn.model_validate(doc)


def client_with_logs(
    db: Database, actor: Actor, seed: int, n_logs: int, *, reassess: bool = True
) -> int:
    """Intake, assessment, plan, `n_logs` logged sessions, then a reassessment; the id."""
    rng = random.Random(seed)
    c = clients.add_client(
        db, actor, ClientIn(name=f"Client {seed}", sex=Sex.female, birth_year=1980), today=START
    )
    before = START - dt.timedelta(days=3)
    preface.record_intake(db, actor, c.id, demo_intake(before))
    assessment.record_assessment(db, actor, c.id, demo_assessment(before, 0.0))
    program.plan_program(db, actor, c.id, start_date=START, seed=seed)
    day = START
    for n in range(n_logs):
        prog = program.current_program(db, actor, c.id)
        plan = program.next_view(db, actor, c.id).session
        assert plan is not None
        day = prog.session_date(plan.week, plan.index)
        log = perform(plan, day, plan.week, rng)
        if n % 2 == 1:
            log = _easy(log)
        sessions.log_session(db, actor, c.id, log)
    if reassess:
        later = day + dt.timedelta(days=1)
        assessment.record_assessment(db, actor, c.id, demo_assessment(later, (seed % 5) / 5))
    return c.id
