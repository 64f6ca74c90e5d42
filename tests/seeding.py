"""Clients with history built through the real services (for store, cohort and scale tests)."""

from __future__ import annotations

import datetime as dt
import random

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import assessment, clients, preface, program, sessions
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.demo import demo_assessment, demo_intake, perform

START = dt.date(2026, 1, 5)


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
    for _ in range(n_logs):
        prog = program.current_program(db, actor, c.id)
        plan = program.next_view(db, actor, c.id).session
        assert plan is not None
        day = prog.session_date(plan.week, plan.index)
        sessions.log_session(db, actor, c.id, perform(plan, day, plan.week, rng))
    if reassess:
        later = day + dt.timedelta(days=1)
        assessment.record_assessment(db, actor, c.id, demo_assessment(later, (seed % 5) / 5))
    return c.id
