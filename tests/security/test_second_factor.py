"""TOTP second factor for clinicians: set up on the account page, asked at login, recovery codes."""

from __future__ import annotations

import re

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import csrf_of, page_login

CODES = re.compile(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>")


def test_set_up_then_log_in_with_code_or_recovery_code(app: FastAPI) -> None:
    browser = TestClient(app)
    csrf = page_login(browser, "demo", "demo-clinician")
    browser.post("/account/totp/start", data={"csrf_token": csrf})
    page = browser.get("/account").text
    secret = re.search(r"Key: <code>([A-Z2-7]+)</code>", page)
    assert secret and "<svg" in page  # QR code drawn inline
    totp = pyotp.TOTP(secret.group(1))
    bad = browser.post("/account/totp/confirm", data={"csrf_token": csrf, "code": "000000"})
    assert bad.status_code == 422 and "does not match" in bad.text
    done = browser.post("/account/totp/confirm", data={"csrf_token": csrf, "code": totp.now()})
    recovery = CODES.findall(done.text)
    assert len(recovery) == 10
    browser.post("/logout", data={"csrf_token": csrf})

    # the password alone is not enough: a code step follows
    fresh = TestClient(app)
    token = csrf_of(fresh)
    r = fresh.post(
        "/login", data={"username": "demo", "password": "demo-clinician", "csrf_token": token}
    )
    assert r.status_code == 200 and 'action="/login/code"' in r.text
    assert fresh.get("/", follow_redirects=False).status_code == 303  # not logged in yet
    r = fresh.post("/login/code", data={"code": "123456", "csrf_token": token})
    assert r.status_code == 401 and "does not match" in r.text
    r = fresh.post(
        "/login/code", data={"code": recovery[0], "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert fresh.get("/", follow_redirects=False).status_code == 200

    # a recovery code works once; the API needs the code too
    api = TestClient(app)
    r = api.post("/api/v1/auth/token", data={"username": "demo", "password": "demo-clinician"})
    assert r.status_code == 401 and "second factor" in r.json()["detail"]
    r = api.post(
        "/api/v1/auth/token",
        data={"username": "demo", "password": "demo-clinician", "otp": recovery[0]},
    )
    assert r.status_code == 401
    r = api.post(
        "/api/v1/auth/token",
        data={"username": "demo", "password": "demo-clinician", "otp": recovery[1]},
    )
    assert r.status_code == 200


def test_client_accounts_have_no_second_factor_set_up(app: FastAPI) -> None:
    browser = TestClient(app)
    csrf = page_login(browser, "alex", "demo-client")
    page = browser.get("/account")
    assert "authenticator" not in page.text and "Download a copy of all your data" in page.text
    assert browser.post("/account/totp/start", data={"csrf_token": csrf}).status_code == 403


def test_guessing_codes_is_limited_like_guessing_passwords(app: FastAPI) -> None:
    from upperback.services import second_factor
    from upperback.services.accounts import authenticate

    demo = authenticate(app.state.db, "demo", "demo-clinician")
    assert demo is not None
    setup = second_factor.begin_totp(app.state.db, demo)
    second_factor.confirm_totp(app.state.db, demo, pyotp.TOTP(setup.secret).now())
    thief = TestClient(app)  # knows the password, not the code
    token = csrf_of(thief)
    thief.post(
        "/login", data={"username": "demo", "password": "demo-clinician", "csrf_token": token}
    )
    codes = [
        thief.post("/login/code", data={"code": f"{i:06d}", "csrf_token": token}).status_code
        for i in range(7)
    ]
    assert codes[:5] == [401] * 5 and codes[-1] == 429, codes
