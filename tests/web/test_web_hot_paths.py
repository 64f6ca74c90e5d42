"""The phone's two hot requests (GET next session, POST the log) made cheap stay authorised
and audited: one read entry per GET (written in the use case's own transaction), a
revoked or expired token and a disabled login refused at once, another clinician's client
a 404 that is audited as refused; the per-worker thread limit read from the environment."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from web_helpers import World, token_for

from upperback.errors import InvalidInput
from upperback.services.accounts import set_disabled
from upperback.services.auth_sessions import digest
from upperback.store.tables import ApiTokenRow
from upperback.web.settings import DEFAULT_THREADS, THREADS_ENV, Settings


def _entries(api: TestClient, headers: dict[str, str], cid: int, target: str) -> list[dict]:
    rows = api.get(f"/api/v1/clients/{cid}/audit", headers=headers).json()
    return [r for r in rows if r["target"] == target]


def _log_body(nxt: dict) -> dict:
    s = nxt["session"]
    sets = [
        {"exercise_id": p["exercise_id"], "set_index": j, "reps": p["reps"], "hold_s": p["hold_s"],
         "load_kg": p["load_kg"], "level": p["level"], "rpe": p["rpe_target"], "pain_during": 1}
        for p in s["prescriptions"] for j in range(1, p["sets"] + 1)
    ]  # fmt: skip
    return {"date": nxt["session_date"], "week": s["week"], "index": s["index"], "sets": sets}


def test_each_next_session_read_is_audited_exactly_once(
    api: TestClient, world: World, headers_a: dict[str, str], headers_b: dict[str, str]
) -> None:
    cid = world.a_client
    target = f"GET /api/v1/clients/{cid}/next"
    for n in (1, 2):
        r = api.get(f"/api/v1/clients/{cid}/next", headers=headers_a)
        assert r.status_code == 200 and r.json()["session"] is not None
        reads = _entries(api, headers_a, cid, target)
        assert [e["action"] for e in reads] == ["read"] * n
        assert reads[0]["outcome"] == "ok" and reads[0]["actor"].startswith("clinician:")
        assert reads[0]["address"] == "testclient"
    # another clinician: a 404, audited as refused, never as a read
    assert api.get(f"/api/v1/clients/{cid}/next", headers=headers_b).status_code == 404
    entries = _entries(api, headers_a, cid, target)
    assert [(e["action"], e["outcome"]) for e in entries].count(("refused", "404")) == 1
    assert [e["action"] for e in entries].count("read") == 2


def test_a_logged_session_is_audited_once_and_answers_the_next(
    api: TestClient, world: World, headers_a: dict[str, str]
) -> None:
    cid = world.a_client
    nxt = api.get(f"/api/v1/clients/{cid}/next", headers=headers_a).json()
    r = api.post(f"/api/v1/clients/{cid}/sessions", headers=headers_a, json=_log_body(nxt))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["log_id"] > 0 and out["program_version"] >= nxt["program_version"]
    again = api.post(f"/api/v1/clients/{cid}/sessions", headers=headers_a, json=_log_body(nxt))
    assert again.status_code == 409
    logged = _entries(api, headers_a, cid, f"POST /api/v1/clients/{cid}/sessions")
    assert [e["action"] for e in logged] == ["session.log"]
    # what the POST said comes next is what the next GET shows
    after = api.get(f"/api/v1/clients/{cid}/next", headers=headers_a).json()
    assert after["session"] == out["next_session"]


def test_revoked_expired_and_disabled_credentials_are_refused_at_once(
    app: FastAPI, world: World
) -> None:
    api = TestClient(app)
    cid = world.a_client
    headers = token_for(api, "demo", "demo-clinician")
    nxt = api.get(f"/api/v1/clients/{cid}/next", headers=headers)
    assert nxt.status_code == 200
    body = _log_body(nxt.json())
    listed = api.get("/api/v1/auth/tokens", headers=headers).json()
    assert api.delete(f"/api/v1/auth/tokens/{listed[-1]['id']}", headers=headers).status_code == 204
    assert api.get(f"/api/v1/clients/{cid}/next", headers=headers).status_code == 401
    assert (
        api.post(f"/api/v1/clients/{cid}/sessions", headers=headers, json=body).status_code == 401
    )
    # a token past its expiry
    late = token_for(api, "demo", "demo-clinician")
    secret = late["Authorization"].split()[1]
    with app.state.db.uow(write=True) as uow:
        uow.session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.secret_hash == digest(secret))
            .values(expires=dt.datetime(2000, 1, 1))
        )
        uow.commit()
    assert api.get(f"/api/v1/clients/{cid}/next", headers=late).status_code == 401
    # a disabled login (the client's own token)
    own = token_for(api, "alex", "demo-client")
    assert api.get(f"/api/v1/clients/{cid}/next", headers=own).status_code == 200
    set_disabled(app.state.db, None, "alex", True)
    assert api.get(f"/api/v1/clients/{cid}/next", headers=own).status_code == 401
    assert api.post(f"/api/v1/clients/{cid}/sessions", headers=own, json=body).status_code == 401


def test_threads_per_worker_come_from_the_environment_and_a_bad_value_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(THREADS_ENV, "3")
    assert Settings.from_env(None, "k" * 32).worker_threads == 3
    monkeypatch.delenv(THREADS_ENV)
    assert Settings.from_env(None, "k" * 32).worker_threads == DEFAULT_THREADS
    for bad in ("0", "many", "-2", "999"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(InvalidInput, match="UPPERBACK_THREADS"):
            Settings.from_env(None, "k" * 32)
    r = subprocess.run(
        [sys.executable, "-m", "upperback.cli", "serve", "--db", str(tmp_path / "a.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, THREADS_ENV: "lots"},
    )
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0
    assert "UPPERBACK_THREADS: 'lots' is not a whole number" in r.stderr
    assert not (tmp_path / "a.sqlite3").exists(), "refused before anything was written"
