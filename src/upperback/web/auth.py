"""Who is calling: logins under the database-backed limiter, server-side page sessions.

A login is refused with 429 while the address or the account is in backoff; during an
account's backoff, a clinician with a second factor can still log in by giving the code
together with the password (an attacker without the code gets nothing by trying).
"""

from __future__ import annotations

from fastapi import Request
from starlette.requests import HTTPConnection

from upperback.services import auth_sessions, login_limit, second_factor
from upperback.services.accounts import Account, LoginBusy, authenticate
from upperback.services.database import Database
from upperback.web.security import client_address as _address
from upperback.web.settings import Settings


class NotAuthenticated(Exception):
    """No valid credentials: 401 on the API, a redirect to the login page on pages."""

    def __init__(self, message: str = "not authenticated: log in first") -> None:
        super().__init__(message)
        self.message = message


class TooManyAttempts(Exception):
    """Too many failed logins for this account or from this address: 429 with Retry-After."""

    def __init__(self, retry_after: int, *, code_helps: bool = False) -> None:
        extra = " (or give your authenticator code with your password)" if code_helps else ""
        super().__init__(f"too many failed logins: try again in {retry_after} s{extra}")
        self.retry_after = retry_after
        self.code_helps = code_helps
        self.message = str(self)


class SecondFactorNeeded(Exception):
    """The password was right; the account also needs its authenticator (TOTP) code."""

    def __init__(self, account: Account) -> None:
        super().__init__(
            "second factor required: give the 6-digit code from your authenticator app"
        )
        self.account = account
        self.message = str(self)


def client_address(conn: HTTPConnection) -> str:
    settings: Settings = conn.app.state.settings
    return _address(conn.scope, settings.trusted_proxies)


def attempt_login(
    request: Request, db: Database, username: str, password: str, code: str | None = None
) -> Account:
    """Check a password (and second factor) under the limiter; failures are counted."""
    address = client_address(request)
    verdict = login_limit.check(db, username, address)
    if verdict.address_wait is not None:
        raise TooManyAttempts(verdict.address_wait)
    if verdict.account_wait is not None and not code:
        raise TooManyAttempts(verdict.account_wait, code_helps=True)
    try:
        account = authenticate(db, username, password)
    except LoginBusy:
        raise TooManyAttempts(2) from None  # not counted: the password was not checked
    if account is None:
        login_limit.record_failure(db, username, address)
        raise NotAuthenticated("wrong username or password")
    needs_code = second_factor.totp_enabled(db, account.id)
    if verdict.account_wait is not None and not needs_code:
        raise TooManyAttempts(verdict.account_wait)
    if needs_code:
        if not code:
            raise SecondFactorNeeded(account)
        finish_second_factor(request, db, account, code)
        return account
    login_limit.clear_account(db, username)
    return account


def finish_second_factor(request: Request, db: Database, account: Account, code: str) -> None:
    """Accept a TOTP or recovery code for an account whose password was just checked."""
    if not second_factor.verify_second_factor(db, account.id, code):
        login_limit.record_failure(db, account.username, client_address(request))
        raise NotAuthenticated("that code does not match: type the 6 digits the app shows now")
    login_limit.clear_account(db, account.username)


def start_session(request: Request, db: Database, account: Account) -> None:
    """A fresh server-side session (new CSRF token) so a session planted before login is worthless."""
    settings: Settings = request.app.state.settings
    secret = auth_sessions.start_session(
        db, account, client_address(request), settings.session_max_age_s
    )
    request.session.clear()
    request.session["sid"] = secret


def end_session(request: Request, db: Database) -> None:
    """Log out: the session row goes, so a copy of the cookie is worthless from now on."""
    secret = request.session.get("sid")
    if isinstance(secret, str):
        auth_sessions.end_session(db, secret)
    request.session.clear()
