"""Use cases: set up a clinician, register and look up clients."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from upperback.errors import Conflict
from upperback.model.client import Client, ClientIn
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import client_from_row
from upperback.store.tables import ClientRow, ClinicianRow


def ensure_clinician(db: Database, name: str, email: str | None = None) -> Actor:
    """Create the clinician if none has that name; return them as an actor."""
    with db.uow(write=True) as uow:
        row = uow.session.scalars(select(ClinicianRow).where(ClinicianRow.name == name)).first()
        if row is None:
            row = ClinicianRow(name=name, email=email)
            uow.session.add(row)
            uow.session.flush()
            uow.commit()
        return Actor(role="clinician", clinician_id=row.id, name=row.name)


def add_client(db: Database, actor: Actor, data: ClientIn, *, today: dt.date) -> Client:
    clinician_id = require_clinician(actor, "register clients")
    with db.uow(write=True) as uow:
        dup = uow.session.scalars(
            select(ClientRow).where(
                ClientRow.clinician_id == clinician_id, ClientRow.name == data.name
            )
        ).first()
        if dup is not None:
            raise Conflict(f"name: a client called {data.name!r} already exists (id {dup.id})")
        row = ClientRow(clinician_id=clinician_id, created=today, **data.model_dump(mode="python"))
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, actor, "client.add", row.id)
        client = client_from_row(row)
        uow.commit()
        return client


def list_clients(db: Database, actor: Actor) -> list[Client]:
    with db.uow() as uow:
        q = select(ClientRow).order_by(ClientRow.id)
        if actor.role == "clinician":
            q = q.where(ClientRow.clinician_id == actor.clinician_id)
        else:
            q = q.where(ClientRow.id == actor.client_id)
        return [client_from_row(r) for r in uow.session.scalars(q)]


def get_client(db: Database, actor: Actor, client_id: int) -> Client:
    with db.uow() as uow:
        return client_from_row(client_for(uow.session, actor, client_id))
