"""The client's own pages (/me...) and the calendar link, walked as strangers: an anonymous
caller is sent to the login, a clinician is refused, another client's questionnaire is not
found, and a guessed calendar link finds nothing. No refused write leaves a row behind."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, page_login, row_counts

from upperback.services import questionnaires
from upperback.services.accounts import authenticate

CLIENT_SELF = {
    ("GET", "/me"),
    ("GET", "/me/session"),
    ("GET", "/me/session/draft"),
    ("PUT", "/me/session/draft"),
    ("POST", "/me/session/finish"),
    ("GET", "/me/checkin"),
    ("POST", "/me/checkin"),
    ("GET", "/me/words"),
    ("GET", "/me/progress"),
    ("GET", "/me/sw.js"),
    ("GET", "/me/questionnaire/{aid}"),
    ("POST", "/me/questionnaire/{aid}"),
    ("GET", "/me/calendar"),
    ("POST", "/me/calendar/new"),
    ("POST", "/me/calendar/off"),
    ("GET", "/calendar/{token}.ics"),
}
PUBLIC_SELF = {("GET", "/me/sw.js"), ("GET", "/calendar/{token}.ics")}


def _call(c: TestClient, method: str, path: str, csrf: str | None) -> int:
    url = path.replace("{aid}", "1").replace("{token}", "x" * 32)
    if (method, path) == ("GET", "/me/session/draft"):
        url += "?week=1&index=1"
    kw: dict = {"follow_redirects": False}
    if method == "PUT":
        kw["json"] = {"week": 1, "index": 1}
        kw["headers"] = {"x-csrf-token": csrf or ""}
    elif method == "POST":
        kw["data"] = {"csrf_token": csrf or "", "session": "1", "pain": "3", "compared": "same"}
    return c.request(method, url, **kw).status_code


def test_strangers_reach_nothing_on_client_pages(app: FastAPI, world: World) -> None:
    before = row_counts(world.path)
    anon = TestClient(app)
    csrf_anon = page_login(TestClient(app), "alex", "demo-client")  # a token of another session
    clin = TestClient(app)
    csrf = page_login(clin, "demo", "demo-clinician")
    for method, path in sorted(CLIENT_SELF - PUBLIC_SELF):
        code = _call(anon, method, path, csrf_anon)
        assert code in (303, 401, 403), (method, path, code)  # login first (or CSRF refused)
        code = _call(clin, method, path, csrf)
        assert code == 403, (method, path, code)  # a clinician has no /me
    assert _call(anon, "GET", "/calendar/{token}.ics", None) == 404
    assert anon.get("/me/sw.js").headers["content-type"].startswith("text/javascript")
    assert row_counts(world.path) == before


def test_a_client_cannot_open_another_clients_questionnaire(app: FastAPI, world: World) -> None:
    db = app.state.db
    other = authenticate(db, "other", "other-clinician")
    assert other is not None
    theirs = questionnaires.assign(db, other.actor(), world.b_client, "nprs", due=dt.date.today())
    alex = TestClient(app)
    csrf = page_login(alex, "alex", "demo-client")
    before = row_counts(world.path)
    assert alex.get(f"/me/questionnaire/{theirs.id}").status_code == 404
    r = alex.post(f"/me/questionnaire/{theirs.id}", data={"csrf_token": csrf, "q0": "3"})
    assert r.status_code == 404
    assert row_counts(world.path) == before
