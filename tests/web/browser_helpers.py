"""What every browser test module needs: Debian's Chromium (skip without it, fail under
UPPERBACK_REQUIRE_BROWSER=1), a real uvicorn server on a copy of the seeded database, and a
headless Chromium launched with the same flags (no network beyond loopback)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from web_helpers import SECRET

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def require_browser() -> None:
    """Skip without Chromium, unless CI demands it (then fail)."""
    if CHROMIUM.exists():
        return
    if os.environ.get("UPPERBACK_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{CHROMIUM} is missing and UPPERBACK_REQUIRE_BROWSER=1: install Debian's chromium"
        )
    pytest.skip(f"{CHROMIUM} not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(template: Path, directory: Path) -> Iterator[tuple[str, Path, Any]]:
    """Serve a copy of `template` (in `directory`) with uvicorn on a free loopback port;
    yields the base URL, the database path and the app. Requires Chromium first."""
    require_browser()
    import uvicorn

    from upperback.web import create_app

    path = directory / "db.sqlite3"
    shutil.copy(template, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(str(path), secret_key=SECRET)
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", path, app
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright, headless, with ARGS."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()
