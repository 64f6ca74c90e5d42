"""Log in (password, then the authenticator code where one is set up) and log out."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.services import login_limit
from upperback.services.accounts import account_by_id
from upperback.web.auth import (
    NotAuthenticated,
    SecondFactorNeeded,
    TooManyAttempts,
    attempt_login,
    client_address,
    end_session,
    finish_second_factor,
    start_session,
)
from upperback.web.deps import DbDep
from upperback.web.templating import render

router = APIRouter()
PENDING_S = 300  # the code step must follow the password step within five minutes


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a fresh login to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _form(
    request: Request, status: int, next: str | None, error: str | None, **extra: object
) -> Response:
    return render(
        request, "login.html", status_code=status, next=_safe_next(next), error=error, **extra
    )


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return _form(request, 200, next, None, step="password", username="")


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
    code: Annotated[str | None, Form(max_length=40)] = None,
) -> Response:
    try:
        account = attempt_login(request, db, username, password, code)
    except NotAuthenticated as exc:
        return _form(request, 401, next, exc.message, step="password", username=username)
    except TooManyAttempts as exc:
        resp = _form(
            request, 429, next, exc.message, step="password", username=username,
            ask_code=exc.code_helps,
        )  # fmt: skip
        resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    except SecondFactorNeeded as exc:
        request.session["pending"] = {"a": exc.account.id, "t": int(time.time())}
        return _form(request, 200, next, None, step="code", username=username)
    start_session(request, db, account)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/login/code")
def login_code(
    request: Request,
    db: DbDep,
    code: Annotated[str, Form(max_length=40)],
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    pending = request.session.get("pending")
    fresh = isinstance(pending, dict) and time.time() - int(pending.get("t", 0)) < PENDING_S
    account = account_by_id(db, int(pending["a"])) if fresh and isinstance(pending, dict) else None
    if account is None:
        request.session.pop("pending", None)
        return _form(
            request, 401, next, "the log-in expired: start again", step="password", username=""
        )
    wait = login_limit.check(db, account.username, client_address(request)).account_wait
    if wait is not None:  # guessing codes counts like guessing passwords
        resp = _form(request, 429, next, TooManyAttempts(wait).message, step="code",
                     username=account.username)  # fmt: skip
        resp.headers["Retry-After"] = str(wait)
        return resp
    try:
        finish_second_factor(request, db, account, code)
    except NotAuthenticated as exc:
        return _form(request, 401, next, exc.message, step="code", username=account.username)
    start_session(request, db, account)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: DbDep) -> Response:
    end_session(request, db)
    return RedirectResponse("/login", status_code=303)
