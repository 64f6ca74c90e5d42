"""Scale-out on a database server: several web workers behind one port, one-line errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pg_server import LocalPostgres
from upperback.errors import InvalidInput
from upperback.services.database import Database

UPPERBACK = [sys.executable, "-m", "upperback.cli"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_workers_on_postgresql_share_one_port_secret_and_database(
    pg_server: LocalPostgres,
) -> None:
    url = pg_server.url(pg_server.create_database("serve"))
    port = _port()
    env = {k: v for k, v in os.environ.items() if k != "UPPERBACK_SECRET_KEY"}
    proc = subprocess.Popen(
        [*UPPERBACK, "serve", "--db", url, "--workers", "2", "--port", str(port), "--seed-demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                r = httpx.post(
                    f"{base}/api/v1/auth/token",
                    data={"username": "demo", "password": "demo-clinician"},
                    timeout=10,
                )
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        # A token made by one worker works on every worker: one shared secret, one database.
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            codes = {client.get("/api/v1/clients").status_code for _ in range(20)}
        assert codes == {200}
    finally:
        proc.terminate()
        out = proc.communicate(timeout=60)[0].decode()
    assert "2 workers" in out


def test_several_workers_on_sqlite_are_refused_with_one_line(tmp_path: Path) -> None:
    r = subprocess.run(
        [*UPPERBACK, "serve", "--db", str(tmp_path / "a.sqlite3"), "--workers", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "--workers 3: several workers need PostgreSQL" in r.stderr
    assert not (tmp_path / "a.sqlite3").exists(), "refused before anything was written"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://nobody@127.0.0.1:1/none", "cannot reach the database"),
        ("nosuchdb://x/y", "unknown database kind 'nosuchdb'"),
        ("postgresql+nosuchdriver://u@h/d", "unknown database kind"),
    ],
)
def test_a_wrong_or_unreachable_database_is_one_line(url: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        Database.open(url)
    assert "\n" not in info.value.message
