"""The outermost checks of every request, before any body is read, and its audit entry.

- Body size per route: an upload route allows `max_upload_bytes`, anything else
  `max_body_bytes`; a larger Content-Length is refused at once (413) and a body that grows
  past the limit while streaming is cut off there. Nothing is buffered beyond the limit.
- Authentication before reading: a state-changing request without credentials is refused
  before its body is read; on upload routes the credentials are checked in the database first.
- WebSockets: an Origin other than this host is refused (cross-site WebSocket hijacking).
- Audit: reads of a client's record, exports and refused requests get one entry each.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, urlsplit

import anyio

from upperback.services import audit as audit_service
from upperback.services.access import REQUEST_ORIGIN, RequestOrigin
from upperback.services.auth_sessions import session_account, token_account
from upperback.services.database import Database
from upperback.web.security import client_address
from upperback.web.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_CLIENT_PATH = re.compile(r"^(?:/api/v1)?/clients/(\d{1,10})(?:/|$)")
_UPLOAD_PATH = re.compile(
    r"^(?:/api/v1)?/clients/\d{1,10}/(?:emg(?:/exposure)?|posture)/?$"
)  # files, photos
_ANONYMOUS_POSTS = {"/login", "/login/code", "/logout", "/api/v1/auth/token"}
_LOGIN_PATHS = {"/login", "/login/code", "/api/v1/auth/token"}
_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_REFUSED = {401, 403, 413, 429}
_EXPORT_HINTS = ("export", ".csv", ".pdf", "/audit")
#: Set on the request state by a route whose use case audited the read itself.
READ_AUDITED = "read_audited"


class BodyTooLarge(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _bearer(scope: Scope) -> str | None:
    auth = _header(scope, b"authorization") or ""
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


class Guard:
    """ASGI middleware; sits inside the session middleware (the cookie is decoded by then)."""

    def __init__(self, app: ASGIApp, settings: Settings, db: Database) -> None:
        self.app = app
        self.settings = settings
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if not self._same_origin(scope):
                await send({"type": "websocket.close", "code": 4403})
                await self._audit(scope, 403, "refused")
                return
            REQUEST_ORIGIN.set(RequestOrigin(self._address(scope), scope["path"][:300]))
            await self.app(scope, receive, send)
            await self._audit(scope, 200, None)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        REQUEST_ORIGIN.set(RequestOrigin(self._address(scope), f"{method} {path}"[:300]))
        status: dict[str, int] = {}
        over = False  # the body grew past the limit: whatever the app answers becomes a 413

        async def sending(message: Message) -> None:
            if over:
                return
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        refusal = await self._refuse_before_reading(scope, method, path)
        if refusal is not None:
            code, body, headers = refusal
            await _respond(sending, code, body, headers)
        else:
            limit = self._limit(method, path)
            received = 0

            async def limited() -> Message:
                nonlocal received, over
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        over = True
                        raise BodyTooLarge
                return message

            with contextlib.suppress(BodyTooLarge):  # the app may also turn it into a 400
                await self.app(scope, limited, sending)
            if over and "code" not in status:
                over = False
                await _respond(sending, 413, *self._too_large(path, limit))
        await self._audit(scope, status.get("code", 500), None)

    # --- decisions -------------------------------------------------------------------

    def _limit(self, method: str, path: str) -> int:
        if method == "POST" and _UPLOAD_PATH.match(path):
            return self.settings.max_upload_bytes + 64 * 1024  # multipart framing
        return self.settings.max_body_bytes

    def _too_large(self, path: str, limit: int) -> tuple[bytes, dict[str, str]]:
        mb = max(1, limit // (1024 * 1024))
        return _message(path, f"request body: larger than {mb} MB"), {}

    async def _refuse_before_reading(
        self, scope: Scope, method: str, path: str
    ) -> tuple[int, bytes, dict[str, str]] | None:
        length = _header(scope, b"content-length")
        limit = self._limit(method, path)
        if length is not None:
            if not length.isdigit():
                return 400, _message(path, "Content-Length: not a number"), {}
            if int(length) > limit:
                return (413, *self._too_large(path, limit))
        if method not in _WRITE_METHODS or path in _ANONYMOUS_POSTS:
            return None
        token = _bearer(scope)
        session = scope.get("session") or {}
        secret = session.get("sid") if isinstance(session, dict) else None
        if not token and not isinstance(secret, str):
            return self._unauthenticated(path)
        if _UPLOAD_PATH.match(path):  # a large body: check the credentials before reading it
            if token:
                account = await anyio.to_thread.run_sync(token_account, self.db, token)
            else:
                assert isinstance(secret, str)
                account = await anyio.to_thread.run_sync(session_account, self.db, secret)
            if account is None:
                return self._unauthenticated(path)
        return None

    def _unauthenticated(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        if path.startswith("/api/"):
            return (
                401,
                _message(path, "not authenticated: log in first"),
                {"WWW-Authenticate": "Bearer"},
            )
        return 303, b"", {"location": f"/login?next={quote(path)}"}

    def _same_origin(self, scope: Scope) -> bool:
        origin = _header(scope, b"origin")
        if origin is None:
            return True  # not a browser (browsers always send Origin on WebSockets)
        host = _header(scope, b"host") or ""
        return urlsplit(origin).netloc.lower() == host.lower()

    def _address(self, scope: Scope) -> str:
        return client_address(scope, self.settings.trusted_proxies)

    # --- audit -----------------------------------------------------------------------

    async def _audit(self, scope: Scope, code: int, forced: str | None) -> None:
        path: str = scope["path"]
        method: str = scope.get("method", "GET")
        match = _CLIENT_PATH.match(path)
        client_id = int(match.group(1)) if match else None
        if client_id is not None and client_id > 2**31 - 1:
            client_id = None
        if forced or code in _REFUSED or (code == 404 and match):
            action, outcome = "refused", str(code)
        elif match and method in ("GET", "HEAD") and code < 400:
            export = any(h in path for h in _EXPORT_HINTS)
            action, outcome = ("export" if export else "read"), "ok"
        else:
            return
        if action == "read" and (scope.get("state") or {}).get(READ_AUDITED):
            return  # the use case wrote this read's entry in its own transaction
        if path.endswith("/audit") or path.endswith("/audit.csv"):
            return  # reading the audit trail is audited by the service itself
        if path in _LOGIN_PATHS:
            return  # failed logins are kept in login_failure, successes audited as "login"
        account = (scope.get("state") or {}).get("account")
        actor = account.actor().label if account is not None else "anonymous"
        target = f"{method} {path}"
        await anyio.to_thread.run_sync(
            lambda: audit_service.record(
                self.db, actor, action, client_id, target=target, outcome=outcome
            )
        )


def _message(path: str, text: str) -> bytes:
    if path.startswith("/api/"):
        return json.dumps({"detail": text}).encode()
    return (
        "<!doctype html><meta charset=utf-8><title>upperback</title>"
        f"<p>{text}</p><p><a href='/'>Back</a></p>"
    ).encode()


async def _respond(send: Send, code: int, body: bytes, headers: dict[str, str]) -> None:
    kind = "application/json" if body.startswith(b"{") else "text/html; charset=utf-8"
    raw = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": code, "headers": raw})
    await send({"type": "http.response.body", "body": body})
