"""Tokens for the API: exchange a username and password for a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from upperback.services.accounts import TOKEN_MAX_AGE_S, issue_token
from upperback.web.api.schemas import AccountOut, TokenOut
from upperback.web.auth import attempt_login
from upperback.web.deps import CurrentAccount, DbDep, SettingsDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/token",
    response_model=TokenOut,
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed logins"},
    },
)
def token(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
) -> TokenOut:
    """Log in (OAuth2 password form) and receive a signed bearer token; 5 failures in 5 min -> 429."""
    account = attempt_login(request, db, username, password)
    return TokenOut(
        access_token=issue_token(settings.secret_key, account), expires_in=TOKEN_MAX_AGE_S
    )


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
