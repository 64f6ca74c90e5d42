"""Audit of reads, exports and refused attempts (who, when, what, from where); headers and
WebSocket origins; no server paths in errors."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sec_helpers import make_app
from starlette.websockets import WebSocketDisconnect
from web_helpers import World, page_login, token_for

from upperback.web.errors import scrub_paths


def test_reads_exports_and_refusals_are_audited_and_shown(app: FastAPI, world: World) -> None:
    a = TestClient(app)
    page_login(a, "demo", "demo-clinician")
    assert a.get(f"/clients/{world.a_client}/program").status_code == 200
    stranger = TestClient(app)
    hb = token_for(stranger, "other", "other-clinician")
    assert stranger.get(f"/api/v1/clients/{world.a_client}/sessions", headers=hb).status_code == 404
    assert TestClient(app).get(f"/api/v1/clients/{world.a_client}").status_code == 401
    r = a.get(f"/clients/{world.a_client}/audit.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    by_action = {(row["action"], row["outcome"]) for row in rows}
    assert ("read", "ok") in by_action
    assert ("refused", "404") in by_action and ("refused", "401") in by_action
    read = next(row for row in rows if row["action"] == "read" and "/program" in row["target"])
    assert (
        read["actor"].startswith("clinician:")
        and read["address"] == "testclient"
        and read["at_utc"]
    )
    refused = next(row for row in rows if row["outcome"] == "404")
    assert "other" in refused["actor"]
    # the page shows the same trail; the CSV download before it was itself audited as an export
    page = a.get(f"/clients/{world.a_client}/audit")
    assert page.status_code == 200 and "refused" in page.text and "Download as CSV" in page.text
    assert any(
        row["action"] == "audit.read"
        for row in csv.DictReader(io.StringIO(a.get(f"/clients/{world.a_client}/audit.csv").text))
    )


def test_the_audit_trail_is_for_the_clinician_only(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    client_headers = token_for(api, "alex", "demo-client")
    assert (
        api.get(f"/api/v1/clients/{world.a_client}/audit", headers=client_headers).status_code
        == 403
    )
    other = token_for(api, "other", "other-clinician")
    assert api.get(f"/api/v1/clients/{world.a_client}/audit", headers=other).status_code == 404
    own = token_for(api, "demo", "demo-clinician")
    assert api.get(f"/api/v1/clients/{world.a_client}/audit", headers=own).status_code == 200


def test_hsts_only_with_secure_cookies_and_no_server_header(world: World) -> None:
    plain = make_app(world)
    r = TestClient(plain).get("/login")
    assert "strict-transport-security" not in r.headers and "server" not in r.headers
    plain.state.db.close()
    secure = make_app(world, secure_cookies=True)
    r = TestClient(secure, base_url="https://testserver").get("/login")
    assert r.headers["strict-transport-security"].startswith("max-age=")
    secure.state.db.close()


def test_live_socket_refuses_another_origin(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    token = token_for(api, "demo", "demo-clinician")["Authorization"].split()[1]
    path = f"/api/v1/clients/{world.a_client}/emg/{world.a_recording}/live?token={token}&speed=max"
    with (
        pytest.raises(WebSocketDisconnect),
        api.websocket_connect(path, headers={"origin": "https://evil.example"}) as ws,
    ):
        ws.receive_json()
    with api.websocket_connect(path, headers={"origin": "http://testserver"}) as ws:
        assert "error" not in ws.receive_json()


def test_errors_never_show_server_paths() -> None:
    msg = scrub_paths(
        "file: cannot read /tmp/tmpk2j/upload.edf (header) in /work/x/src/upperback/emg/readers/edf.py"
    )
    assert "/tmp" not in msg and "/work" not in msg and "upload.edf" in msg
    assert (
        scrub_paths("ask /api/v1/auth/token for a new one")
        == "ask /api/v1/auth/token for a new one"
    )
