"""Sessions and tokens live in the database: logout, revocation and disabling take effect at once."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, page_login, token_for

from upperback.services.accounts import set_disabled


def test_a_copied_cookie_stops_working_after_logout(app: FastAPI, world: World) -> None:
    browser = TestClient(app)
    csrf = page_login(browser, "demo", "demo-clinician")
    cookie = browser.cookies.get("upperback_session")
    assert cookie
    thief = TestClient(app)
    thief.cookies.set("upperback_session", cookie)
    page = f"/clients/{world.a_client}"
    assert thief.get(page, follow_redirects=False).status_code == 200  # the copy works...
    r = browser.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    for path in (page, f"/clients/{world.a_client}/audit.csv", "/"):
        r = thief.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    # nor can the copy write (create a client)
    r = thief.post(
        "/clients",
        data={"csrf_token": csrf, "name": "X", "sex": "female", "birth_year": "1980"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_tokens_are_listed_and_revocable(api: TestClient) -> None:
    first = token_for(api, "demo", "demo-clinician")
    second = token_for(api, "demo", "demo-clinician")
    listed = api.get("/api/v1/auth/tokens", headers=first).json()
    assert len(listed) == 2 and all("secret" not in str(t) for t in listed)
    assert api.delete(f"/api/v1/auth/tokens/{listed[1]['id']}", headers=first).status_code == 204
    assert api.get("/api/v1/clients", headers=second).status_code == 401
    assert api.get("/api/v1/clients", headers=first).status_code == 200
    # another account cannot see or revoke the token
    other = token_for(api, "other", "other-clinician")
    assert api.delete(f"/api/v1/auth/tokens/{listed[0]['id']}", headers=other).status_code == 404
    assert api.get("/api/v1/clients", headers=first).status_code == 200


def test_a_disabled_account_loses_sessions_tokens_and_login(app: FastAPI, world: World) -> None:
    api = TestClient(app)
    headers = token_for(api, "alex", "demo-client")
    browser = TestClient(app)
    page_login(browser, "alex", "demo-client")
    set_disabled(app.state.db, None, "alex", True)
    assert api.get(f"/api/v1/clients/{world.a_client}", headers=headers).status_code == 401
    assert browser.get(f"/clients/{world.a_client}", follow_redirects=False).status_code == 303
    r = api.post("/api/v1/auth/token", data={"username": "alex", "password": "demo-client"})
    assert r.status_code == 401
    set_disabled(app.state.db, None, "alex", False)
    assert token_for(api, "alex", "demo-client")


def test_a_clinician_disables_their_clients_login_from_the_account_page(app: FastAPI) -> None:
    clin = TestClient(app)
    csrf = page_login(clin, "demo", "demo-clinician")
    page = clin.get("/account")
    assert "alex" in page.text and "Disable" in page.text
    r = clin.post(
        "/account/logins",
        data={"csrf_token": csrf, "username": "alex", "disable": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = TestClient(app).post(
        "/api/v1/auth/token", data={"username": "alex", "password": "demo-client"}
    )
    assert r.status_code == 401
    # another clinician cannot touch it
    other = TestClient(app)
    csrf_o = page_login(other, "other", "other-clinician")
    r = other.post(
        "/account/logins", data={"csrf_token": csrf_o, "username": "alex", "disable": "no"}
    )
    assert r.status_code == 404


def test_weak_passwords_are_refused(api: TestClient, world: World) -> None:
    headers = token_for(api, "demo", "demo-clinician")
    url = f"/api/v1/clients/{world.a_second}/account"
    for weak in ("password", "12345678", "qwertyuiop", "jo-second1"):
        r = api.post(url, json={"username": "jo-second", "password": weak}, headers=headers)
        assert r.status_code == 422, weak
        assert "password" in r.json()["detail"]
    r = api.post(
        url, json={"username": "jo-second", "password": "violet kettle harbour"}, headers=headers
    )
    assert r.status_code == 201, r.text
