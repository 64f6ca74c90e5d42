"""Seed a demo database for `make run`: a clinician, their client with six weeks of
SIMULATED history, the client's own login, and a second clinician with a client of their own
(to show that clinicians see only their own clients)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import accounts, assessment, clients, preface
from upperback.services.database import Database
from upperback.services.demo import demo_assessment, demo_intake, run_demo
from upperback.store.records import Records

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-clinician"
CLIENT_USER = "alex"
CLIENT_PASSWORD = "demo-client"
OTHER_USER = "other"
OTHER_PASSWORD = "other-clinician"
OTHER_CLIENT = "Sam Other (simulated)"
WEEKS = 6


@dataclass(frozen=True)
class SeedInfo:
    created: bool
    clinician_user: str
    clinician_password: str
    client_user: str
    client_password: str
    other_user: str
    other_password: str
    client_id: int | None


def _info(created: bool, client_id: int | None) -> SeedInfo:
    return SeedInfo(
        created, DEMO_USER, DEMO_PASSWORD, CLIENT_USER, CLIENT_PASSWORD, OTHER_USER,
        OTHER_PASSWORD, client_id,
    )  # fmt: skip


def seed_demo(db: Database, *, today: dt.date, seed: int = 7) -> SeedInfo:
    """Create the demo accounts and history once; later calls change nothing."""
    with db.uow() as uow:
        existing = Records(uow.session).account_named(CLIENT_USER)
        if existing is not None:
            return _info(False, existing.client_id)
    start = today - dt.timedelta(weeks=WEEKS)
    report = run_demo(db, start=start, seed=seed, weeks=WEEKS)
    clinician_id = report.actor.clinician_id
    assert clinician_id is not None
    accounts.create_account_for_clinician(db, clinician_id, DEMO_USER, DEMO_PASSWORD)
    accounts.create_client_account(db, report.actor, report.client.id, CLIENT_USER, CLIENT_PASSWORD)
    other = accounts.create_clinician_account(db, "Other Clinician", OTHER_USER, OTHER_PASSWORD)
    other_actor = other.actor()
    with db.uow() as uow:
        dup = Records(uow.session).any_client_named(OTHER_CLIENT)
    if dup is None:
        c = clients.add_client(
            db, other_actor, ClientIn(name=OTHER_CLIENT, sex=Sex.male, birth_year=1979, body_mass_kg=82),
            today=start,
        )  # fmt: skip
        day = start - dt.timedelta(days=2)
        preface.record_intake(db, other_actor, c.id, demo_intake(day))
        assessment.record_assessment(db, other_actor, c.id, demo_assessment(day, 0.2))
    return _info(True, report.client.id)
