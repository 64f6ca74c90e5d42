"""The API through each status path: created, read, refused, invalid, blocked, conflicting."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, synthetic_emg_csv, token_for

D = "2026-03-03"


def _new_client(api: TestClient, h: dict[str, str], name: str = "Jo Web") -> int:
    r = api.post(
        "/api/v1/clients",
        headers=h,
        json={"name": name, "sex": "female", "birth_year": 1985, "body_mass_kg": 61},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_red_flag_intake_refers_and_blocks_planning_until_clearance(
    api: TestClient, headers_a: dict[str, str]
) -> None:
    cid = _new_client(api, headers_a)
    r = api.post(
        f"/api/v1/clients/{cid}/intake",
        headers=headers_a,
        json={"date": D, "red_flags": {"diplopia": True}},
    )
    assert r.status_code == 201 and r.json()["outcome"] == "refer"
    assert (
        api.get(f"/api/v1/clients/{cid}/screening", headers=headers_a).json()["blocks_program"]
        is True
    )
    r = api.post(
        f"/api/v1/clients/{cid}/assessments",
        headers=headers_a,
        json={"date": D, "tester": "t", "results": [{"test_id": "nprs", "value": 4}]},
    )
    assert r.status_code == 201, r.text
    r = api.post(f"/api/v1/clients/{cid}/program", headers=headers_a, json={"start_date": D})
    assert r.status_code == 409
    assert isinstance(r.json()["detail"], str) and r.json()["detail"]
    r = api.post(
        f"/api/v1/clients/{cid}/clearance",
        headers=headers_a,
        json={"date": D, "note": "GP reviewed, cleared"},
    )
    assert r.status_code == 201 and r.json()["blocks_program"] is False
    bad = {"start_date": D, "start_loads": {"prone_y_db": 1.3}}
    r = api.post(f"/api/v1/clients/{cid}/program", headers=headers_a, json=bad)
    assert r.status_code == 422 and "start_loads.prone_y_db: 1.3 kg" in r.json()["detail"]
    r = api.post(f"/api/v1/clients/{cid}/program", headers=headers_a, json={"start_date": D})
    assert r.status_code == 201 and r.json()["weeks"] >= 1


def test_logging_a_session_returns_the_adaptations_and_the_next_session(
    api: TestClient, headers_client: dict[str, str], world: World
) -> None:
    nxt = api.get(f"/api/v1/clients/{world.a_client}/next", headers=headers_client).json()
    s = nxt["session"]
    sets = [
        {"exercise_id": p["exercise_id"], "set_index": k, "reps": p["reps"], "hold_s": p["hold_s"],
         "load_kg": p["load_kg"], "level": p["level"], "rpe": 9.5, "pain_during": 7}
        for p in s["prescriptions"] for k in range(1, p["sets"] + 1)
    ]  # fmt: skip
    log = {
        "date": nxt["session_date"],
        "week": s["week"],
        "index": s["index"],
        "sets": sets,
        "pain_next_morning": 6,
    }
    r = api.post(f"/api/v1/clients/{world.a_client}/sessions", headers=headers_client, json=log)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["adaptations"], "pain 7/10 during every set must change what comes next"
    assert all(a["reason"] for a in out["adaptations"])
    again = api.post(f"/api/v1/clients/{world.a_client}/sessions", headers=headers_client, json=log)
    assert again.status_code == 409 and "already logged" in again.json()["detail"]
    latest = api.get(f"/api/v1/clients/{world.a_client}/next", headers=headers_client).json()
    assert latest["program_version"] == out["program_version"]
    assert latest["latest_adaptations"]


def test_invalid_documents_answer_422_with_the_field(
    api: TestClient, headers_a: dict[str, str], world: World
) -> None:
    r = api.post(
        f"/api/v1/clients/{world.a_client}/intake",
        headers=headers_a,
        json={"date": D, "pain_now": 11},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "pain_now"
    r = api.post(
        f"/api/v1/clients/{world.a_client}/program",
        headers=headers_a,
        json={"start_date": "9999-12-31"},
    )
    assert r.status_code == 422 and "start_date" in r.json()["detail"]
    r = api.post(
        f"/api/v1/clients/{world.a_client}/assessments",
        headers=headers_a,
        json={"date": D, "tester": "t", "results": [{"test_id": "no_such_test", "value": 1}]},
    )
    assert r.status_code == 422 and "no_such_test" in r.json()["detail"]


def test_clinician_only_actions_are_forbidden_to_clients(
    api: TestClient, headers_client: dict[str, str], world: World
) -> None:
    r = api.post(
        f"/api/v1/clients/{world.a_client}/program", headers=headers_client, json={"start_date": D}
    )
    assert r.status_code == 403 and r.json()["detail"] == "only a clinician may plan a program"


def test_reports_plots_and_csv(api: TestClient, headers_a: dict[str, str], world: World) -> None:
    base = f"/api/v1/clients/{world.a_client}"
    pdf = api.get(base + "/report.pdf", headers=headers_a)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    html = api.get(base + "/report.html", headers=headers_a)
    assert "data:image/png;base64," in html.text and "SIMULATED" in html.text
    home = api.get(base + "/home-program.html", headers=headers_a)
    assert "Breathing:" in home.text
    svg = api.get(base + "/plots/pain?format=svg", headers=headers_a)
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    assert api.get(base + "/plots/nonsense", headers=headers_a).status_code == 422
    text = api.get(base + "/sessions.csv", headers=headers_a).text
    rows = list(csv.DictReader(io.StringIO(text)))
    logs = api.get(base + "/sessions", headers=headers_a).json()
    assert {int(r["log_id"]) for r in rows} == {log["id"] for log in logs}
    performed = sum(max(1, len(log["sets"])) for log in logs)
    assert len(rows) == performed


def test_emg_upload_analyses_and_lists(
    api: TestClient, headers_a: dict[str, str], world: World
) -> None:
    base = f"/api/v1/clients/{world.a_client}/emg"
    r = api.post(
        base,
        headers=headers_a,
        files={"file": ("trial.csv", synthetic_emg_csv(3, 6.0), "text/csv")},
    )
    assert r.status_code == 201, r.text
    analysis = r.json()["analysis"]
    assert set(analysis["channels"]) == {"UT_R", "LT_R", "SA_R"}
    assert all(ch["activations"] for ch in analysis["channels"].values())
    assert (
        api.get(f"{base}/{r.json()['id']}/envelopes.png", headers=headers_a).content[:4]
        == b"\x89PNG"
    )
    bad = api.post(base, headers=headers_a, files={"file": ("x.xyz", b"1,2,3", "text/plain")})
    assert bad.status_code == 422 and "x.xyz" in bad.json()["detail"]


def test_login_is_rate_limited_per_username_and_address(app: FastAPI) -> None:
    api = TestClient(app)
    for _ in range(5):
        assert (
            api.post(
                "/api/v1/auth/token", data={"username": "demo", "password": "wrong-password"}
            ).status_code
            == 401
        )
    r = api.post("/api/v1/auth/token", data={"username": "demo", "password": "demo-clinician"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert token_for(api, "other", "other-clinician")  # another username is not locked


# The database-backed limiter and revocable tokens are tested in tests/security/.


def test_unknown_user_and_wrong_password_look_the_same(api: TestClient) -> None:
    a = api.post(
        "/api/v1/auth/token", data={"username": "nobody-here", "password": "whatever-pass"}
    )
    b = api.post("/api/v1/auth/token", data={"username": "other", "password": "whatever-pass"})
    assert a.status_code == b.status_code == 401 and a.json() == b.json()


def test_openapi_document_lists_the_versioned_api(api: TestClient) -> None:
    doc = api.get("/api/v1/openapi.json").json()
    assert all(p.startswith("/api/v1/") for p in doc["paths"])
    assert "/api/v1/clients/{client_id}/sessions" in doc["paths"]
    assert "OAuth2PasswordBearer" in doc["components"]["securitySchemes"]
