"""Tokens for the API: exchange a username and password (and second factor) for a bearer
token; list and revoke your tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request, status
from pydantic import BaseModel

from upperback.services import auth_sessions
from upperback.web.api.schemas import AccountOut, TokenOut
from upperback.web.auth import NotAuthenticated, SecondFactorNeeded, attempt_login, client_address
from upperback.web.deps import MAX_ID, CurrentAccount, DbDep, SettingsDep, oauth2

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenInfoOut(BaseModel):
    """A token as its owner sees it: never the secret."""

    id: int
    label: str
    created: dt.datetime
    expires: dt.datetime
    address: str | None


@router.post(
    "/token",
    response_model=TokenOut,
    responses={
        401: {"description": "Wrong username, password or second-factor code"},
        429: {"description": "Too many failed logins (Retry-After says how long)"},
    },
)
def token(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
    otp: Annotated[
        str | None,
        Form(max_length=40, description="Authenticator or recovery code, if the account has one."),
    ] = None,
    label: Annotated[str, Form(max_length=80)] = "api",
) -> TokenOut:
    """Log in (OAuth2 password form) and receive a revocable bearer token."""
    try:
        account = attempt_login(request, db, username, password, otp)
    except SecondFactorNeeded as exc:
        raise NotAuthenticated(
            "second factor required: send 'otp' with the code from your app"
        ) from exc
    secret = auth_sessions.issue_api_token(
        db, account, label, client_address(request), settings.token_max_age_s
    )
    return TokenOut(access_token=secret, expires_in=settings.token_max_age_s)


@router.get("/me", response_model=AccountOut)
def me(account: CurrentAccount) -> AccountOut:
    """The account the token belongs to."""
    return AccountOut(
        id=account.id,
        username=account.username,
        role=account.role,
        clinician_id=account.clinician_id,
        client_id=account.client_id,
    )


@router.get("/tokens", response_model=list[TokenInfoOut])
def tokens(account: CurrentAccount, db: DbDep) -> list[TokenInfoOut]:
    """Your live tokens (at most 20; the oldest go first when more are issued)."""
    return [TokenInfoOut(**vars(t)) for t in auth_sessions.list_tokens(db, account)]


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke(
    token_id: Annotated[int, Path(ge=1, le=MAX_ID)], account: CurrentAccount, db: DbDep
) -> None:
    """Revoke one of your tokens: it stops working at once."""
    auth_sessions.revoke_token(db, account, token_id)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(
    account: CurrentAccount, db: DbDep, token: Annotated[str | None, Depends(oauth2)]
) -> None:
    """Revoke the token this request carries."""
    if token:
        auth_sessions.revoke_secret(db, account, token)
