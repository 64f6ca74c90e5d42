"""Page-session helpers: CSRF tokens bound to the session, and who is calling from where."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request

from upperback.errors import Forbidden

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; forms carry it in a hidden field."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing page request whose token does not match the session's."""
    expected = request.session.get("csrf")
    if (
        not isinstance(expected, str)
        or not submitted
        or not secrets.compare_digest(expected.encode(), submitted.encode())
    ):
        raise Forbidden("the form has expired or did not come from this site: reload and retry")


def client_address(scope: Mapping[str, Any], trusted_proxies: Sequence[str] = ()) -> str:
    """The caller's address: the socket peer, or, only when that peer is a configured proxy,
    the nearest untrusted address in X-Forwarded-For (a forged header from anyone else is
    ignored)."""
    client = scope.get("client")
    peer = str(client[0]) if client else "-"
    if peer not in trusted_proxies:
        return peer
    forwarded = ""
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
    for hop in reversed([h.strip() for h in forwarded.split(",")[-20:] if h.strip()]):
        if hop not in trusted_proxies:
            return hop[:64]
    return peer
