"""Dependencies as Annotated aliases: the database, the acting account, owned clients.

API routes take `CurrentActor` (bearer token); pages take `PageActor` (session cookie).
`OwnedClient` / `PageClient` resolve the `client_id` path parameter through the service
layer's access check, so another clinician's client is a 404 everywhere. Both kinds of
credential are looked up in the database on each request (revocation is immediate), and the
account is left on the request state for the audit trail.

Dependencies that only read the app state are `async def`: FastAPI runs a plain `def`
dependency in the thread pool, one hop (a thread wake-up and a GIL hand-over) each; only
those that reach the database run there.

There is no application lock: writes serialise only inside the database transaction
(SQLite: BEGIN IMMEDIATE with a busy timeout, see store.db), so password hashing and sEMG
analysis never hold up another user's write.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.requests import HTTPConnection

from upperback.model.client import Client
from upperback.services import clients
from upperback.services.access import Actor
from upperback.services.accounts import Account
from upperback.services.auth_sessions import session_account, token_account
from upperback.services.database import Database
from upperback.web.auth import NotAuthenticated
from upperback.web.settings import Settings

MAX_ID = 2**31 - 1
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbDep = Annotated[Database, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClientId = Annotated[int, Path(ge=1, le=MAX_ID, description="Client id.")]


def account_from_token(db: Database, settings: Settings, token: str | None) -> Account:
    if not token:
        raise NotAuthenticated("not authenticated: send Authorization: Bearer <token>")
    account = token_account(db, token)
    if account is None:
        raise NotAuthenticated(
            "invalid, expired or revoked token: ask /api/v1/auth/token for a new one"
        )
    return account


def current_account(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2)],
) -> Account:
    account = account_from_token(db, settings, token)
    request.state.account = account  # the audit trail names who read
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


async def current_actor(account: CurrentAccount) -> Actor:
    return account.actor()


CurrentActor = Annotated[Actor, Depends(current_actor)]


def owned_client(client_id: ClientId, db: DbDep, actor: CurrentActor) -> Client:
    return clients.get_client(db, actor, client_id)


OwnedClient = Annotated[Client, Depends(owned_client)]


def account_from_session(request: HTTPConnection, db: Database) -> Account:
    secret = request.session.get("sid")
    account = session_account(db, secret) if isinstance(secret, str) else None
    if account is None:
        request.session.pop("sid", None)
        raise NotAuthenticated()
    request.state.account = account
    return account


def page_account(request: Request, db: DbDep) -> Account:
    account = account_from_session(request, db)
    request.state.account = account  # templates show who is logged in
    return account


PageAccount = Annotated[Account, Depends(page_account)]


async def page_actor(account: PageAccount) -> Actor:
    return account.actor()


PageActor = Annotated[Actor, Depends(page_actor)]


def page_client(client_id: ClientId, db: DbDep, actor: PageActor) -> Client:
    return clients.get_client(db, actor, client_id)


PageClient = Annotated[Client, Depends(page_client)]
