"""Typed settings read from the environment once, when the app is created (never at import)."""

from __future__ import annotations

import os
import secrets
import warnings

from pydantic import BaseModel, Field

from upperback.errors import InvalidInput

DB_ENV = "UPPERBACK_DB"
SECRET_ENV = "UPPERBACK_SECRET_KEY"
SECURE_COOKIE_ENV = "UPPERBACK_SECURE_COOKIES"
PROXIES_ENV = "UPPERBACK_TRUSTED_PROXIES"
THREADS_ENV = "UPPERBACK_THREADS"
#: Requests doing their blocking part (database, CPU) at once per worker process. [design]
#: The work is Python under one GIL, so more threads add no CPU, only GIL hand-overs and
#: waits for one of the 8 pooled database connections (store.db). Measured on PostgreSQL,
#: 100-client burst, load average ~6: anyio's default 40 threads cost 29 ms of server CPU
#: and 7.1 ms of PostgreSQL CPU per logged session with 1 worker and 45.5 / 7.4 ms with 2;
#: 6 threads cost 24.0 / 4.9 ms and 30.7 / 5.2 ms. Quiet machine (load ~1), PostgreSQL,
#: 100 clients: 8 threads gave 1 worker 34-40 logs/s in a burst and a paced p99 of 61-147
#: ms (7 runs), 2 workers 45-58 logs/s; 4 threads gave 41-47 logs/s and p99 57-66 ms
#: (4 runs), 2 workers 68-69 logs/s, p99 43-52 ms; 2 threads 43.5 logs/s, p99 45 ms, but
#: two slow requests (an sEMG upload's analysis) would then hold every thread. Requests
#: beyond it wait on the event loop, which costs nothing.
DEFAULT_THREADS = 4


def threads_from_env() -> int:
    """UPPERBACK_THREADS (default DEFAULT_THREADS); a bad value is one clear line."""
    raw = os.environ.get(THREADS_ENV, "").strip() or str(DEFAULT_THREADS)
    if not raw.isdigit() or not 1 <= int(raw) <= 256:
        raise InvalidInput(f"{THREADS_ENV}: {raw!r} is not a whole number from 1 to 256")
    return int(raw)


class Settings(BaseModel):
    """What the web app needs to run; `dev_secret` marks a per-process random key."""

    db_url: str | None = None
    secret_key: str = Field(min_length=16)
    dev_secret: bool = False
    secure_cookies: bool = False
    session_max_age_s: int = 12 * 3600
    max_upload_bytes: int = 20 * 1024 * 1024
    # Any other body (JSON, forms) [design]: the largest real document, a session log at its
    # bounds, is about 60 kB.
    max_body_bytes: int = 1024 * 1024
    # Addresses of reverse proxies whose X-Forwarded-For is believed; none by default, so a
    # forged header changes nothing.
    trusted_proxies: tuple[str, ...] = ()
    token_max_age_s: int = 12 * 3600
    worker_threads: int = Field(default=DEFAULT_THREADS, ge=1, le=256)

    @classmethod
    def from_env(cls, db_url: str | None = None, secret_key: str | None = None) -> Settings:
        """Arguments win over environment variables; without a key, a random one per process."""
        key = secret_key or os.environ.get(SECRET_ENV)
        dev = not key
        if not key:
            key = secrets.token_urlsafe(32)
            warnings.warn(
                f"{SECRET_ENV} is not set: using a random secret for this process "
                "(sessions and tokens end when it stops)",
                stacklevel=2,
            )
        secure = os.environ.get(SECURE_COOKIE_ENV, "").lower() in {"1", "true", "yes"}
        proxies = tuple(p.strip() for p in os.environ.get(PROXIES_ENV, "").split(",") if p.strip())
        return cls(
            db_url=db_url or os.environ.get(DB_ENV),
            secret_key=key,
            dev_secret=dev,
            secure_cookies=secure,
            trusted_proxies=proxies,
            worker_threads=threads_from_env(),
        )
