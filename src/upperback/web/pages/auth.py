"""Log in and out (session cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.web.auth import (
    NotAuthenticated,
    TooManyAttempts,
    attempt_login,
    end_session,
    start_session,
)
from upperback.web.deps import DbDep
from upperback.web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect a fresh login to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(
    request: Request,
    db: DbDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        account = attempt_login(request, db, username, password)
    except NotAuthenticated as exc:
        return render(
            request, "login.html", status_code=401, next=_safe_next(next), error=exc.message
        )
    except TooManyAttempts as exc:
        resp = render(
            request, "login.html", status_code=429, next=_safe_next(next), error=exc.message
        )
        resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    start_session(request, account)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/login", status_code=303)
