"""The application factory: one composition root for settings, database, routers and pages."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from upperback import __version__
from upperback.services.database import Database
from upperback.web.errors import install_error_handlers
from upperback.web.guard import Guard
from upperback.web.settings import Settings
from upperback.web.templating import STATIC_DIR

SESSION_COOKIE = "upperback_session"
API_DESCRIPTION = """\
REST API of upperback: intake and red-flag screening, assessment and deficit profile,
the individualized program, session logging with adaptations and their reasons, progress,
reports and sEMG analysis.

Authenticate with `POST /api/v1/auth/token` (form fields `username`, `password`) and send
`Authorization: Bearer <token>`. A clinician sees only their own clients; a client account
sees only its own record. Another clinician's client answers 404, as if it did not exist.

upperback advises a clinician; it does not diagnose.
"""

# Health data: nothing cached by browsers or proxies, no framing, scripts only from here.
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}
HSTS = "max-age=31536000; includeSubDomains"
_DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline' https:; "
    "script-src 'self' 'unsafe-inline' https:; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Health-data headers on every response (no caching outside /static/, no framing,
    scripts only from here; HSTS behind HTTPS; no `server` header).

    Plain ASGI, not `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs every
    request in an extra task with memory streams, a cost paid on each API call."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        extra = {"Strict-Transport-Security": HSTS} if secure_cookies else {}
        self._headers = [
            (k.lower().encode(), v.encode()) for k, v in {**_SECURITY_HEADERS, **extra}.items()
        ]
        self._docs_csp = (b"content-security-policy", _DOCS_CSP.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        add = list(self._headers)
        if path == "/api/v1/docs":
            add = [h for h in add if h[0] != b"content-security-policy"] + [self._docs_csp]
        if not path.startswith("/static/"):
            add.append((b"cache-control", b"no-store"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = [(k.lower(), v) for k, v in message.get("headers", [])]
                docs = path == "/api/v1/docs"
                kept = [
                    (k, v)
                    for k, v in raw
                    if k != b"server" and not (docs and k == b"content-security-policy")
                ]
                present = {k for k, _ in kept}
                message["headers"] = kept + [(k, v) for k, v in add if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


def load_knowledge() -> None:
    """Load the packaged clinical knowledge (YAML, validated) at start-up, not inside the
    first request that needs it (each worker process loads its own copy once); loaded
    before tune_gc_for_serving, so the collector never walks it again."""
    from upperback.knowledge.loader import exercise_library
    from upperback.knowledge.loading_rules import loading_rules
    from upperback.knowledge.red_flags import red_flag_catalogue
    from upperback.knowledge.tests_catalog import battery

    exercise_library(), loading_rules(), red_flag_catalogue(), battery()


#: Collector thresholds while serving: young, middle, full (see tune_gc_for_serving).
GC_THRESHOLDS = (5_000, 10, 1_000)


def tune_gc_for_serving() -> None:
    """Keep full garbage collections off the request path of a long-running server.

    Measured on log_session: the default thresholds let a full collection land inside
    about one request in a hundred, adding 40-80 ms (p99 89 ms vs p50 10 ms). Freezing the
    objects alive after start-up and making full collections rare (third threshold 1000)
    removes those. The young generations stay small: at 50,000 / 50 each young collection
    walked up to 50,000 objects (28 ms) and a middle one ~100 ms, inside a request; at
    5,000 / 10 the longest pause over 1,000 logs was 13 ms for the same total GC time
    (`bench_log_cpu.py` with a gc callback). [design]
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


#: Seconds an idle kept-alive connection stays open. [design] A phone logging a session
#: reads what comes next and posts the log seconds apart; uvicorn's 5 s default made it
#: reconnect (TCP set-up, a new accept) between most of its requests.
KEEP_ALIVE_S = 30


def server_options() -> dict[str, Any]:
    """uvicorn options for serving: no `server` header naming the software and version, no
    rewriting of the client address from X-Forwarded-For (the app trusts that header only
    from configured proxies, see Settings.trusted_proxies), no access log line per request
    (the audit trail records who read and wrote what) and idle connections kept for
    KEEP_ALIVE_S. The event loop and HTTP parser stay uvicorn's "auto" choice: uvloop and
    httptools (both installed with uvicorn[standard]) where they exist."""
    return {
        "server_header": False,
        "proxy_headers": False,
        "access_log": False,
        "timeout_keep_alive": KEEP_ALIVE_S,
    }


def create_app(
    db_url: str | None = None,
    *,
    secret_key: str | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """Build the app; the database is opened (and migrated) here, never at import."""
    from upperback.web.api import api_router
    from upperback.web.pages import pages_router

    cfg = settings or Settings.from_env(db_url, secret_key)
    db = Database.open(cfg.db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        load_knowledge()
        tune_gc_for_serving()
        # blocking work of at most this many requests at once (web.settings.DEFAULT_THREADS)
        anyio.to_thread.current_default_thread_limiter().total_tokens = cfg.worker_threads
        yield
        db.close()

    app = FastAPI(
        title="upperback",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by pages.clients from swagger-ui-bundle's local files
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.settings = cfg
    app.state.db = db
    # Added innermost first: security headers, then the session cookie, then the guard.
    app.add_middleware(Guard, settings=cfg, db=db)
    app.add_middleware(
        SessionMiddleware,
        secret_key=cfg.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=cfg.session_max_age_s,
        same_site="lax",
        https_only=cfg.secure_cookies,
    )

    app.add_middleware(SecurityHeaders, secure_cookies=cfg.secure_cookies)

    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return app
