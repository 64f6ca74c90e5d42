"""Use cases: set up a clinician, register and look up clients."""

from __future__ import annotations

import datetime as dt

from upperback.errors import Conflict
from upperback.model.client import Client, ClientIn
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import client_from_row
from upperback.store.records import Records
from upperback.store.writes import Writer


def ensure_clinician(db: Database, name: str, email: str | None = None) -> Actor:
    """Create the clinician if none has that name; return them as an actor."""
    with db.uow(write=True) as uow:
        row = Records(uow.session).clinician_named(name)
        if row is None:
            row = Writer(uow.session).add_clinician(name, email)
            uow.commit()
        return Actor(role="clinician", clinician_id=row.id, name=row.name)


def add_client(db: Database, actor: Actor, data: ClientIn, *, today: dt.date) -> Client:
    clinician_id = require_clinician(actor, "register clients")
    with db.uow(write=True) as uow:
        dup = Records(uow.session).client_named(clinician_id, data.name)
        if dup is not None:
            raise Conflict(f"name: a client called {data.name!r} already exists (id {dup.id})")
        client = Writer(uow.session).add_client(clinician_id, data, today=today)
        audit(uow.session, actor, "client.add", client.id)
        uow.commit()
        return client


def list_clients(db: Database, actor: Actor) -> list[Client]:
    with db.uow() as uow:
        return Records(uow.session).clients(
            clinician_id=actor.clinician_id if actor.role == "clinician" else None,
            client_id=actor.client_id,
        )


def get_client(db: Database, actor: Actor, client_id: int) -> Client:
    with db.uow() as uow:
        return client_from_row(client_for(uow.session, actor, client_id))
