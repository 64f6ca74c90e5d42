"""Clients: list, register, read, and give a client their own login."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, status

from upperback.model.client import Client, ClientIn
from upperback.services import accounts, clients
from upperback.web.api.schemas import AccountIn, AccountOut
from upperback.web.deps import ClientId, CurrentActor, DbDep, OwnedClient

router = APIRouter(prefix="/clients", tags=["clients"])


@router.get("", response_model=list[Client])
def list_clients(db: DbDep, actor: CurrentActor) -> list[Client]:
    """A clinician's own clients; a client account sees only itself."""
    return clients.list_clients(db, actor)


@router.post("", response_model=Client, status_code=status.HTTP_201_CREATED)
def add_client(db: DbDep, actor: CurrentActor, data: ClientIn) -> Client:
    """Register a client under the acting clinician (409 if the name is already used)."""
    return clients.add_client(db, actor, data, today=dt.date.today())


@router.get("/{client_id}", response_model=Client)
def get_client(client: OwnedClient) -> Client:
    return client


@router.post("/{client_id}/account", response_model=AccountOut, status_code=status.HTTP_201_CREATED)
def add_client_account(
    client_id: ClientId, db: DbDep, actor: CurrentActor, data: AccountIn
) -> AccountOut:
    """Create the client's own login (clinician only; one per client)."""
    acc = accounts.create_client_account(db, actor, client_id, data.username, data.password)
    return AccountOut(
        id=acc.id,
        username=acc.username,
        role=acc.role,
        clinician_id=acc.clinician_id,
        client_id=acc.client_id,
    )
