"""Helpers of the web tests: the seeded world, logins for API and pages, row counts."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import clients
from upperback.services.accounts import authenticate
from upperback.services.database import Database
from upperback.services.emg import store_emg
from upperback.services.seed import seed_demo

SECRET = "test-secret-key-0123456789abcdef"
TODAY = dt.date(2026, 3, 2)


def synthetic_emg_csv(seed: int = 0, seconds: float = 8.0) -> bytes:
    """A small synthetic recording (UT, LT, SA) as CSV with a time column."""
    from upperback.emg.synthetic import generate

    rec, _truth = generate(
        np.random.default_rng(seed),
        fs=1000.0,
        duration_s=seconds,
        channels=("UT_R", "LT_R", "SA_R"),
    )
    buf = io.StringIO()
    buf.write("time," + ",".join(rec.channels) + "\n")
    t = np.arange(rec.data.shape[1]) / rec.fs
    np.savetxt(buf, np.column_stack([t, rec.data.T]), delimiter=",", fmt="%.7g")
    return buf.getvalue().encode()


@dataclass(frozen=True)
class World:
    """Who owns what in the seeded database.

    Clinician A (`demo`) owns client `a_client` (6 weeks of history, an sEMG recording
    `a_recording`, the client login `alex`) and `a_second` (no login). Clinician B (`other`)
    owns `b_client` with recording `b_recording`.
    """

    path: Path
    a_client: int
    a_second: int
    b_client: int
    a_recording: int
    b_recording: int


def _build(path: Path) -> World:
    from upperback.report.emg_view import analyze_upload

    db = Database.open(path)
    info = seed_demo(db, today=TODAY)
    demo = authenticate(db, "demo", "demo-clinician")
    other = authenticate(db, "other", "other-clinician")
    assert demo and other and info.client_id
    second = clients.add_client(
        db, demo.actor(), ClientIn(name="Jo Second", sex=Sex.male, birth_year=1990), today=TODAY
    )
    b_client = clients.list_clients(db, other.actor())[0].id
    stored = analyze_upload(synthetic_emg_csv(), "trial.csv")
    a_rec = store_emg(
        db, demo.actor(), info.client_id, day=TODAY, filename="a.csv", analysis=stored
    )
    b_rec = store_emg(db, other.actor(), b_client, day=TODAY, filename="b.csv", analysis=stored)
    db.close()
    return World(path, info.client_id, second.id, b_client, a_rec, b_rec)


def token_for(client: TestClient, username: str, password: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/login") -> str:
    r = client.get(path)
    m = CSRF_RE.search(r.text)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def page_login(client: TestClient, username: str, password: str) -> str:
    """Log a TestClient in through the form; returns the session's CSRF token."""
    token = csrf_of(client)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client, "/")


_BOOKKEEPING = {"audit", "login_failure", "login_session", "api_token", "account_security"}


def row_counts(db_path: Path) -> dict[str, int]:
    """Rows per table: a refused write must leave every count unchanged.

    Security bookkeeping (audit entries, failed logins, sessions, tokens) is left out: a
    refused request is itself audited.
    """
    from sqlalchemy import func, select

    from upperback.store.tables import Base

    db = Database.open(db_path, migrate_schema=False)
    try:
        with db.engine.connect() as conn:
            return {
                t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in Base.metadata.sorted_tables
                if t.name not in _BOOKKEEPING
            }
    finally:
        db.close()
