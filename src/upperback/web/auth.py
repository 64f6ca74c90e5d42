"""Who is calling: bearer tokens for the API, signed session cookies for pages, login throttling."""

from __future__ import annotations

from fastapi import Request

from upperback.services.accounts import Account, authenticate
from upperback.services.database import Database
from upperback.web.security import LoginLimiter


class NotAuthenticated(Exception):
    """No valid credentials: 401 on the API, a redirect to the login page on pages."""

    def __init__(self, message: str = "not authenticated: log in first") -> None:
        super().__init__(message)
        self.message = message


class TooManyAttempts(Exception):
    """Too many failed logins for this username from this address: 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins: try again in {retry_after} s")
        self.retry_after = retry_after
        self.message = str(self)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def attempt_login(request: Request, db: Database, username: str, password: str) -> Account:
    """Check a password under the rate limit; failures count, a success clears the count."""
    limiter: LoginLimiter = request.app.state.login_limiter
    key = LoginLimiter.key(username, client_address(request))
    wait = limiter.retry_after(key)
    if wait is not None:
        raise TooManyAttempts(wait)
    account = authenticate(db, username, password)
    if account is None:
        limiter.failed(key)
        raise NotAuthenticated("wrong username or password")
    limiter.succeeded(key)
    return account


def start_session(request: Request, account: Account) -> None:
    """A fresh session (new CSRF token) so a session planted before login is worthless."""
    request.session.clear()
    request.session["account_id"] = account.id


def end_session(request: Request) -> None:
    request.session.clear()
