"""Login limiting: per account with backoff and per address, in the database, not fooled by
forged forwarded headers; the real user still gets in with the second factor or after the wait."""

from __future__ import annotations

import datetime as dt

import httpx
import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import serving
from sec_helpers import make_app
from web_helpers import World

from upperback.services import login_limit, second_factor
from upperback.services.accounts import authenticate

TOKEN = "/api/v1/auth/token"


def _try(client: httpx.Client | TestClient, user: str, password: str, **headers: str) -> int:
    return client.post(
        TOKEN, data={"username": user, "password": password}, headers=headers
    ).status_code


def test_forged_forwarded_for_does_not_reset_the_limiter(app: FastAPI) -> None:
    with serving(app) as base, httpx.Client(base_url=base) as http:
        codes = [
            _try(
                http,
                "demo",
                "wrong-guess-x",
                **{"X-Forwarded-For": f"203.0.113.{i}", "X-Real-IP": f"198.51.100.{i}"},
            )
            for i in range(8)
        ]
        assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}, codes
        r = http.post(
            TOKEN,
            data={"username": "demo", "password": "demo-clinician"},
            headers={"X-Forwarded-For": "192.0.2.77"},
        )
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert "server" not in r.headers  # no software/version banner either
        # every failure was booked against the real peer, not the forged addresses
        with app.state.db.uow() as uow:
            from sqlalchemy import select

            from upperback.store.tables import LoginFailureRow

            addresses = set(uow.session.scalars(select(LoginFailureRow.address)))
        assert addresses == {"127.0.0.1"}


def test_forwarded_for_is_believed_only_from_a_configured_proxy(world: World) -> None:
    app = make_app(world, trusted_proxies=("127.0.0.1",))
    with serving(app) as base, httpx.Client(base_url=base) as http:
        _try(http, "nobody-a", "wrong-guess-x", **{"X-Forwarded-For": "198.51.100.9"})
    with app.state.db.uow() as uow:
        from sqlalchemy import select

        from upperback.store.tables import LoginFailureRow

        assert set(uow.session.scalars(select(LoginFailureRow.address))) == {"198.51.100.9"}
    app.state.db.close()


def test_one_try_each_on_many_usernames_is_limited_per_address(app: FastAPI) -> None:
    api = TestClient(app)
    # three real attempts (each a full password check) are booked against the address...
    assert [_try(api, f"user{i}", "wrong-guess-x") for i in range(3)] == [401] * 3
    # ...and with the rest of the budget spent (booked directly, to keep the test fast)
    for i in range(3, login_limit.ADDRESS_MAX_FAILURES):
        login_limit.record_failure(app.state.db, f"user{i}", "testclient")
    assert _try(api, "yet-another-user", "wrong-guess-x") == 429
    assert _try(api, "demo", "demo-clinician") == 429  # the address waits, whoever it is
    assert login_limit.check(app.state.db, "demo", "10.9.9.9").address_wait is None


def test_the_limit_survives_a_restart_and_holds_across_workers(world: World) -> None:
    first = make_app(world)
    for _ in range(5):
        assert _try(TestClient(first), "demo", "wrong-guess-x") == 401
    first.state.db.close()
    second = make_app(world)  # a restarted server, or another worker on the same database
    assert _try(TestClient(second), "demo", "demo-clinician") == 429
    second.state.db.close()


def test_backoff_grows_then_lets_the_real_user_in(app: FastAPI) -> None:
    db = app.state.db
    t0 = dt.datetime(2026, 3, 2, 12, 0, 0)
    for i in range(5):
        login_limit.record_failure(db, "demo", "10.0.0.1", now=t0 + dt.timedelta(seconds=i))
    wait5 = login_limit.check(db, "demo", "10.0.0.2", now=t0 + dt.timedelta(seconds=5)).account_wait
    login_limit.record_failure(db, "demo", "10.0.0.1", now=t0 + dt.timedelta(seconds=40))
    wait6 = login_limit.check(
        db, "demo", "10.0.0.2", now=t0 + dt.timedelta(seconds=41)
    ).account_wait
    assert wait5 is not None and wait6 is not None and wait6 > wait5  # 30 s, then 60 s
    after = login_limit.check(db, "demo", "10.0.0.2", now=t0 + dt.timedelta(seconds=40 + 61))
    assert after.account_wait is None  # after the backoff the real user may try again


def test_with_a_second_factor_the_real_user_logs_in_during_the_backoff(app: FastAPI) -> None:
    db = app.state.db
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    setup = second_factor.begin_totp(db, demo)
    totp = pyotp.TOTP(setup.secret)
    codes = second_factor.confirm_totp(db, demo, totp.now())
    api = TestClient(app)
    for _ in range(6):
        _try(api, "demo", "wrong-guess-x")
    assert _try(api, "demo", "demo-clinician") == 429  # without the code: wait
    # an attacker guessing password and code together is refused and counted
    r = api.post(TOKEN, data={"username": "demo", "password": "wrong-guess-x", "otp": "123456"})
    assert r.status_code == 401
    # the real user: password and a recovery code (the TOTP code of this step was used above)
    r = api.post(TOKEN, data={"username": "demo", "password": "demo-clinician", "otp": codes[0]})
    assert r.status_code == 200, r.text
