"""Page-session helpers: CSRF tokens bound to the session, and the login rate limit."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

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


class LoginLimiter:
    """Sliding window of failed logins per (username, address): too many -> wait.

    In memory, per process: enough for one server process; several workers would each
    count separately (a shared store would be needed then).
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(username: str, address: str | None) -> str:
        return f"{username.strip().lower()}|{address or '-'}"

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and now - q[0] >= self.window_s:
            q.popleft()
        return q

    def retry_after(self, key: str) -> int | None:
        """Seconds to wait if the key is locked out, else None."""
        with self._lock:
            now = self._clock()
            q = self._recent(key, now)
            if len(q) < self.max_failures:
                return None
            return max(1, int(self.window_s - (now - q[0])) + 1)

    def failed(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # bound memory under a spray of usernames
                for k in [k for k, q in self._failures.items() if not q]:
                    del self._failures[k]

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
