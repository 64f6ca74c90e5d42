"""Every route the app defines, walked as a stranger: another clinician, a client account for
someone else's record, and an anonymous caller. None of them reaches clinician A's client,
and no refused write leaves a row behind.

Ownership (see conftest.World): clinician `demo` (A) owns `a_client` (login `alex`) and
`a_second`; clinician `other` (B) owns `b_client`. Each owner has one sEMG recording.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from test_client_access import CLIENT_SELF
from web_helpers import World, csrf_of, page_login, row_counts, synthetic_emg_csv, token_for
from web_routes import route_table

from upperback.knowledge.loader import exercise_library

D = "2026-03-03"

# Routes that carry no client's data: what a stranger sees there is checked separately below.
NO_CLIENT_DATA = {
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/docs/assets/{name}"),
    ("GET", "/library"),
    ("GET", "/library/{exercise_id}"),
    ("GET", "/library/{exercise_id}/picture.svg"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/exercises"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/login/code"),
    ("GET", "/api/v1/auth/tokens"),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/account"),
    ("GET", "/account/my-data.json"),
    ("GET", "/account/my-record.fhir.json"),
    ("POST", "/account/totp/start"),
    ("POST", "/account/totp/confirm"),
    ("POST", "/account/totp/off"),
    ("POST", "/account/tokens/{token_id}/revoke"),
    ("POST", "/account/logout-everywhere"),
    ("POST", "/account/logins"),
}
# Routes listing the caller's own records: a stranger must not find A's client in them.
LISTINGS = {("GET", "/api/v1/clients"), ("GET", "/api/v1/export"), ("GET", "/")}
# Routes that create records owned by the caller (no client id): checked for ownership.
# The client's own pages (/me...: the record is the logged-in client's, never a path id) and
# the secret calendar link are walked as strangers in test_client_access.py (CLIENT_SELF).
# The FHIR import creates or matches a client owned by the caller; its refusals (anonymous
# 401, client account 403) and ownership are tested in tests/interop/test_fhir_api.py.
OWN_CREATES = {("POST", "/api/v1/clients"), ("POST", "/clients"), ("POST", "/api/v1/fhir/import")}
PUBLIC = {
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/docs/assets/{name}"),
    ("POST", "/api/v1/auth/token"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/login/code"),
    # The client pages' service worker (no data) and the secret calendar link (its token is
    # the credential: test_client_access checks a wrong one finds nothing).
    ("GET", "/me/sw.js"),
    ("GET", "/calendar/{token}.ics"),
}


def request_for(method: str, path: str) -> dict[str, Any]:
    """A request body that is valid for the owner, so a refusal can only come from access."""
    ex = exercise_library().by_id
    exercise = next(iter(ex))
    api = {
        "/api/v1/clients/{client_id}/account": {
            "json": {"username": "newlogin", "password": "long-enough-1"}
        },
        "/api/v1/clients/{client_id}/intake": {
            "json": {"date": D, "pain_now": 3, "red_flags": {"diplopia": True}}
        },
        "/api/v1/clients/{client_id}/clearance": {"json": {"date": D, "note": "reviewed by GP"}},
        "/api/v1/clients/{client_id}/assessments": {
            "json": {"date": D, "tester": "t", "results": [{"test_id": "nprs", "value": 3}]}
        },
        "/api/v1/clients/{client_id}/program": {"json": {"start_date": D}},
        "/api/v1/clients/{client_id}/overrides": {
            "json": {
                "exercise_id": exercise,
                "field": "freeze",
                "reason": "clinician decision",
                "date": D,
            }
        },
        "/api/v1/clients/{client_id}/sessions": {
            "json": {"date": D, "week": 7, "index": 1, "completed": False}
        },
        "/api/v1/clients/{client_id}/emg": {
            "files": {"file": ("t.csv", synthetic_emg_csv(1, 3.0), "text/csv")}
        },
        "/clients/{client_id}/account": {
            "data": {"username": "newlogin2", "password": "long-enough-1"}
        },
        "/clients/{client_id}/intake": {"data": {"pain_now": "3", "date": D, "rf:diplopia": "on"}},
        "/clients/{client_id}/clearance": {"data": {"note": "reviewed by GP"}},
        "/clients/{client_id}/assessment": {"data": {"val:nprs:-": "3", "tester": "t", "date": D}},
        "/clients/{client_id}/program": {"data": {"start_date": D}},
        "/clients/{client_id}/override": {
            "data": {"exercise_id": exercise, "field": "freeze", "reason": "clinician decision"}
        },
        "/clients/{client_id}/log": {"data": {"missed": "on", "date": D}},
        "/clients/{client_id}/questionnaires": {"data": {"instrument": "nprs", "due": D}},
        "/clients/{client_id}/override/{override_id}/revoke": {
            "data": {"reason": "no longer needed"}
        },
        "/clients/{client_id}/posture": {"files": {"photo": ("side.png", _png(), "image/png")}},
        "/clients/{client_id}/posture/{photo_id}": {
            "data": {"tragus_x": "300", "tragus_y": "100", "c7_x": "200", "c7_y": "250"}
        },
        "/clients/{client_id}/emg": {
            "files": {"file": ("t.csv", synthetic_emg_csv(1, 3.0), "text/csv")}
        },
        # onset review (helper emg): no edits = recompute, a read for the owner
        "/clients/{client_id}/emg/{recording_id}/review": {"data": {}},
        # workday exposure (helper emg2): a day and its MVC, stored with the client's record
        "/clients/{client_id}/emg/exposure": {
            "files": {
                "workday": ("day.csv", synthetic_emg_csv(1, 61.0), "text/csv"),
                "mvc": ("mvc.csv", synthetic_emg_csv(2, 3.0), "text/csv"),
            }
        },
    }
    if method == "POST":
        return api[path]
    return {}


def fill(path: str, client_id: int, recording_id: int) -> str:
    return (
        path.replace("{client_id}", str(client_id))
        .replace("{recording_id}", str(recording_id))
        .replace("{name}", "pain")
        .replace("{override_id}", "1")
        .replace("{photo_id}", "1")
    )


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 180, 160)).save(buf, "PNG")
    return buf.getvalue()


def send(
    client: TestClient,
    method: str,
    url: str,
    kwargs: dict[str, Any],
    headers: dict[str, str] | None,
    csrf: str | None,
) -> Any:
    kw = dict(kwargs)
    if csrf is not None and method == "POST":
        kw["data"] = {**kw.get("data", {}), "csrf_token": csrf}
    return client.request(method, url, headers=headers, follow_redirects=False, **kw)


def client_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(m, p) for m, p in route_table(app) if "{client_id}" in p and m != "WS"]


def test_every_route_is_covered_by_this_test(app: FastAPI) -> None:
    """A new route fails here until the access test knows how to call it."""
    table = route_table(app)
    known = NO_CLIENT_DATA | LISTINGS | OWN_CREATES | CLIENT_SELF
    uncovered = [
        (m, p) for m, p in table
        if (m, p) not in known and "{client_id}" not in p
    ]  # fmt: skip
    assert not uncovered, f"routes the access test does not cover: {uncovered}"
    for m, p in client_routes(app):
        if m == "POST":
            assert request_for(m, p), f"no sample request for {m} {p}"
    assert ("WS", "/api/v1/clients/{client_id}/emg/{recording_id}/live") in table


def test_another_clinician_reaches_none_of_a_clients_routes(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    hb = token_for(api, "other", "other-clinician")
    pages = TestClient(app)
    csrf = page_login(pages, "other", "other-clinician")
    before = row_counts(world.path)
    checked = 0
    for method, path in client_routes(app):
        is_api = path.startswith("/api/")
        targets = [(world.a_client, world.a_recording)]
        if "{recording_id}" in path:  # B's own client id with A's recording id
            targets.append((world.b_client, world.a_recording))
        for cid, rid in targets:
            url = fill(path, cid, rid)
            kw = request_for(method, path)
            r = (
                send(api, method, url, kw, hb, None)
                if is_api
                else send(pages, method, url, kw, None, csrf)
            )
            assert r.status_code == 404, (
                f"{method} {url} as clinician B: {r.status_code} {r.text[:200]}"
            )
            if is_api:
                assert r.json()["detail"].endswith("not found")
            assert "Alex Demo" not in r.text
            checked += 1
    assert checked >= 40
    assert row_counts(world.path) == before, "a refused request wrote rows"


def test_a_client_account_reaches_only_its_own_record(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    hc = token_for(api, "alex", "demo-client")
    pages = TestClient(app)
    csrf = page_login(pages, "alex", "demo-client")
    before = row_counts(world.path)
    for method, path in client_routes(app):
        is_api = path.startswith("/api/")
        for cid, rid in ((world.a_second, world.a_recording), (world.b_client, world.b_recording)):
            url = fill(path, cid, rid)
            kw = request_for(method, path)
            r = (
                send(api, method, url, kw, hc, None)
                if is_api
                else send(pages, method, url, kw, None, csrf)
            )
            # 403 for clinician-only actions (same answer whatever the id), else 404
            assert r.status_code in (403, 404), f"{method} {url} as client alex: {r.status_code}"
            assert "Jo Second" not in r.text and "Sam Other" not in r.text
    assert row_counts(world.path) == before
    # ... and its own record is readable, with its own data only
    r = api.get("/api/v1/clients", headers=hc)
    assert [c["id"] for c in r.json()] == [world.a_client]
    assert api.get(f"/api/v1/clients/{world.a_client}/next", headers=hc).status_code == 200


def test_anonymous_callers_are_refused_everywhere(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    pages = TestClient(app)
    csrf = csrf_of(pages)  # a valid CSRF token: the refusal must come from missing login
    before = row_counts(world.path)
    for method, path in route_table(app):
        if (method, path) in PUBLIC or method == "WS":
            continue
        url = fill(path, world.a_client, world.a_recording)
        kw = request_for(method, path) if "{client_id}" in path else {}
        if path.startswith("/api/"):
            r = send(api, method, url, kw, None, None)
            assert r.status_code == 401, f"{method} {url} anonymous: {r.status_code}"
            assert r.headers.get("www-authenticate") == "Bearer"
        else:
            r = send(pages, method, url, kw, None, csrf)
            if path == "/logout":
                assert r.status_code == 303
                csrf = csrf_of(pages)  # logging out cleared the session and its token
                continue
            assert r.status_code == 303, f"{method} {url} anonymous: {r.status_code}"
            assert r.headers["location"].startswith("/login?next=")
    bad = {"Authorization": "Bearer not-a-token"}
    assert api.get(f"/api/v1/clients/{world.a_client}", headers=bad).status_code == 401
    assert row_counts(world.path) == before


def test_listings_and_creates_show_only_the_callers_own_records(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    hb = token_for(api, "other", "other-clinician")
    assert [c["id"] for c in api.get("/api/v1/clients", headers=hb).json()] == [world.b_client]
    export = api.get("/api/v1/export", headers=hb).json()
    assert {row["id"] for row in export["tables"]["client"]} == {world.b_client}
    assert all(row["client_id"] == world.b_client for row in export["tables"]["session_log"])
    pages = TestClient(app)
    csrf = page_login(pages, "other", "other-clinician")
    assert "Alex Demo" not in pages.get("/").text
    r = api.post(
        "/api/v1/clients", headers=hb, json={"name": "New B", "sex": "male", "birth_year": 1980}
    )
    assert (
        r.status_code == 201
        and r.json()["clinician_id"]
        != api.get(f"/api/v1/clients/{world.b_client}", headers=hb).json()["clinician_id"] - 1000
    )
    r = pages.post(
        "/clients",
        data={"name": "Page B", "sex": "female", "birth_year": "1981", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    ha = token_for(api, "demo", "demo-clinician")
    names = {c["name"] for c in api.get("/api/v1/clients", headers=ha).json()}
    assert "New B" not in names and "Page B" not in names
    # a client account can neither register clients nor export
    hc = token_for(api, "alex", "demo-client")
    assert (
        api.post(
            "/api/v1/clients", headers=hc, json={"name": "X", "sex": "male", "birth_year": 1980}
        ).status_code
        == 403
    )
    assert api.get("/api/v1/export", headers=hc).status_code == 403


def test_live_biofeedback_socket_refuses_strangers(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    path = f"/api/v1/clients/{world.a_client}/emg/{world.a_recording}/live"
    with pytest.raises(WebSocketDisconnect) as anon, api.websocket_connect(path) as ws:
        ws.receive_json()
    assert anon.value.code == 4401
    tb = token_for(api, "other", "other-clinician")["Authorization"].split()[1]
    with (
        pytest.raises(WebSocketDisconnect) as other,
        api.websocket_connect(f"{path}?token={tb}") as ws,
    ):
        ws.receive_json()
    assert other.value.code == 4404
    own_b = f"/api/v1/clients/{world.b_client}/emg/{world.a_recording}/live?token={tb}"
    with pytest.raises(WebSocketDisconnect) as mixed, api.websocket_connect(own_b) as ws:
        ws.receive_json()
    assert mixed.value.code == 4404
    ta = token_for(api, "demo", "demo-clinician")["Authorization"].split()[1]
    with api.websocket_connect(f"{path}?token={ta}&speed=max") as ws:
        first = ws.receive_json()
    assert first["pair"] == "UT_R/LT_R" and "level" in first


def test_the_owner_reaches_every_client_route(app: FastAPI, world: World) -> None:
    """Control: the same requests succeed for the owner, so the 404s above mean 'not yours'."""
    api = TestClient(app)
    ha = token_for(api, "demo", "demo-clinician")
    pages = TestClient(app)
    csrf = page_login(pages, "demo", "demo-clinician")
    for method, path in client_routes(app):
        url = fill(path, world.a_client, world.a_recording)
        kw = request_for(method, path)
        is_api = path.startswith("/api/")
        r = (
            send(api, method, url, kw, ha, None)
            if is_api
            else send(pages, method, url, kw, None, csrf)
        )
        # 409: the demo client already has a login (the access check passed to get there)
        assert r.status_code in (200, 201, 303, 409), (
            f"{method} {url} as owner: {r.status_code} {_error_text(r.text)} {r.text[:300]}"
        )
        if r.status_code == 409:
            assert "already has a login" in r.text


def _error_text(html: str) -> str:
    """The error line a page shows, so a refused owner request says why."""
    import re

    found = re.findall(r'class="(?:error|flash[^"]*|alert[^"]*)"[^>]*>([^<]+)<', html)
    return " | ".join(f.strip() for f in found)
