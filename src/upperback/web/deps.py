"""Dependencies as Annotated aliases: the database, the acting account, owned clients.

API routes take `CurrentActor` (bearer token); pages take `PageActor` (session cookie).
`OwnedClient` / `PageClient` resolve the `client_id` path parameter through the service
layer's access check, so another clinician's client is a 404 everywhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.requests import HTTPConnection

from upperback.model.client import Client
from upperback.services import clients
from upperback.services.access import Actor
from upperback.services.accounts import Account, account_by_id, read_token
from upperback.services.database import Database
from upperback.web.auth import NotAuthenticated
from upperback.web.settings import Settings

MAX_ID = 2**31 - 1
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClientId = Annotated[int, Path(ge=1, le=MAX_ID, description="Client id.")]


def account_from_token(db: Database, settings: Settings, token: str | None) -> Account:
    if not token:
        raise NotAuthenticated("not authenticated: send Authorization: Bearer <token>")
    account_id = read_token(settings.secret_key, token)
    account = account_by_id(db, account_id) if account_id is not None else None
    if account is None:
        raise NotAuthenticated("invalid or expired token: ask /api/v1/auth/token for a new one")
    return account


def current_account(
    db: DbDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2)]
) -> Account:
    return account_from_token(db, settings, token)


CurrentAccount = Annotated[Account, Depends(current_account)]


def current_actor(account: CurrentAccount) -> Actor:
    return account.actor()


CurrentActor = Annotated[Actor, Depends(current_actor)]


def owned_client(client_id: ClientId, db: DbDep, actor: CurrentActor) -> Client:
    return clients.get_client(db, actor, client_id)


OwnedClient = Annotated[Client, Depends(owned_client)]


def account_from_session(request: HTTPConnection, db: Database) -> Account:
    account_id = request.session.get("account_id")
    account = account_by_id(db, account_id) if isinstance(account_id, int) else None
    if account is None:
        request.session.pop("account_id", None)
        raise NotAuthenticated()
    return account


def page_account(request: Request, db: DbDep) -> Account:
    account = account_from_session(request, db)
    request.state.account = account  # templates show who is logged in
    return account


PageAccount = Annotated[Account, Depends(page_account)]


def page_actor(account: PageAccount) -> Actor:
    return account.actor()


PageActor = Annotated[Actor, Depends(page_actor)]


def page_client(client_id: ClientId, db: DbDep, actor: PageActor) -> Client:
    return clients.get_client(db, actor, client_id)


PageClient = Annotated[Client, Depends(page_client)]


async def serialize_sqlite_writes(conn: HTTPConnection) -> AsyncIterator[None]:
    """One state-changing request at a time on an embedded SQLite database.

    SQLite has one writer; writing units of work already take its lock at BEGIN IMMEDIATE
    (store.db), so correctness does not depend on this. Queuing here instead, on an asyncio
    lock, keeps waiting writers from each holding a worker thread and a connection while
    SQLite's busy handler polls. Other databases are not serialized.
    """
    db: Database = conn.app.state.db
    method = conn.scope.get("method", "GET")  # WebSockets only read
    if method in ("GET", "HEAD", "OPTIONS") or not db.url.startswith("sqlite"):
        yield
        return
    lock: asyncio.Lock = conn.app.state.write_lock
    async with lock:
        yield
