"""Pages through the TestClient: CSRF on every form, login, the method's pages render."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, csrf_of, page_login
from web_routes import route_table


def test_every_page_form_refuses_a_missing_or_wrong_csrf_token(app: FastAPI, world: World) -> None:
    pages = TestClient(app)
    page_login(pages, "demo", "demo-clinician")
    posts = [p for m, p in route_table(app) if m == "POST" and not p.startswith("/api/")]
    assert len(posts) >= 10
    for path in posts:
        url = path.replace("{client_id}", str(world.a_client))
        for data in ({}, {"csrf_token": "forged-token-value-123456"}):
            r = pages.post(url, data=data, follow_redirects=False)
            assert r.status_code == 403, f"POST {url} with {data}: {r.status_code}"
    assert pages.get("/", follow_redirects=False).status_code == 200  # still logged in


def test_login_form_wrong_password_then_right(app: FastAPI) -> None:
    pages = TestClient(app)
    token = csrf_of(pages)
    r = pages.post(
        "/login", data={"username": "demo", "password": "nope-nope", "csrf_token": token}
    )
    assert r.status_code == 401 and "wrong username or password" in r.text
    r = pages.post(
        "/login",
        data={
            "username": "demo",
            "password": "demo-clinician",
            "csrf_token": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_dashboard_flags_and_method_pages_render(app: FastAPI, world: World) -> None:
    pages = TestClient(app)
    page_login(pages, "demo", "demo-clinician")
    dash = pages.get("/").text
    assert "Alex Demo (simulated)" in dash and "Jo Second" in dash
    for sub in (
        "",
        "/intake",
        "/assessment",
        "/profile",
        "/program",
        "/log",
        "/progress",
        "/adaptations",
        "/emg",
        f"/emg/{world.a_recording}",
        f"/emg/{world.a_recording}/live",
        "/home-program",
    ):
        r = pages.get(f"/clients/{world.a_client}{sub}")
        assert r.status_code == 200, sub
        assert 'name="viewport"' in r.text or sub == "/home-program"
    prog = pages.get(f"/clients/{world.a_client}/progress").text
    srcs = re.findall(r'<img alt="[^"]*" src="([^"]+)"', prog)
    assert len(srcs) >= 4 and all("/progress/plots/" in u for u in srcs)
    for u in (srcs[0], srcs[0].replace("&amp;", "&") + "&narrow=true"):
        img = pages.get(u)
        assert img.status_code == 200 and img.content.startswith(b"\x89PNG"), u


def test_security_headers_on_pages(app: FastAPI) -> None:
    r = TestClient(app).get("/login")
    assert r.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
