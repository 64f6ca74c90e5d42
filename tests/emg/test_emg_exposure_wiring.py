"""Workday exposure through the services: the clinician uploads a workday and its MVC on
the sEMG page (or runs ``upperback emg exposure --client``), the result is stored with the
client's record (authorised, audited), the finding and APDF/EVA picture show on the sEMG
page, and the client's plan shows the micro-breaks in plain words."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from upperback.emg.testing.synthetic import generate
from upperback.errors import NotFound

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CHANS = ("UT_R", "UT_L")


def _csv(rec: object) -> bytes:
    buf = io.StringIO()
    buf.write("time," + ",".join(rec.channels) + "\n")  # type: ignore[attr-defined]
    t = np.arange(rec.n_samples) / rec.fs  # type: ignore[attr-defined]
    np.savetxt(buf, np.column_stack([t, rec.data.T]), delimiter=",", fmt="%.6g")  # type: ignore[attr-defined]
    return buf.getvalue().encode()


@pytest.fixture(scope="module")
def files() -> tuple[bytes, bytes]:
    """90 s of sustained desk work without rest (a finding) and a 10 s MVC."""
    rng = np.random.default_rng(3)
    kw = {"fs": 1000.0, "channels": CHANS, "sustained": True, "snr_db": 20, "ecg": False,
          "motion": False, "mains_hz": None}  # fmt: skip
    day, _ = generate(rng, duration_s=90.0, **kw)
    mvc, _ = generate(rng, duration_s=10.0, amplitudes={"UT_R": 10.0, "UT_L": 10.0}, **kw)
    return _csv(day), _csv(mvc)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from upperback.services.database import Database
    from upperback.services.seed import seed_demo

    path = tmp_path_factory.mktemp("exposure-seed") / "template.sqlite3"
    db = Database.open(path)
    info = seed_demo(db, today=dt.date(2026, 3, 2))
    db.close()
    assert info.client_id is not None
    return path, info.client_id


def _login(client: TestClient, user: str, password: str) -> str:
    m = CSRF.search(client.get("/login").text)
    assert m
    r = client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": m.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    token = CSRF.search(client.get("/").text) or CSRF.search(client.get("/me").text)
    assert token
    return token.group(1)


@pytest.fixture
def app_db(tmp_path: Path, seeded: tuple[Path, int]) -> Iterator[tuple[object, Path, int]]:
    from upperback.web import create_app

    path = tmp_path / "exposure.sqlite3"
    shutil.copy(seeded[0], path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(str(path), secret_key="test-secret-key-0123456789abcdef")
    yield app, path, seeded[1]
    app.state.db.close()


def _audit_actions(path: Path) -> list[str]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("select action from audit")]
    finally:
        con.close()


def test_upload_stores_exposure_and_shows_finding_plot_and_client_plan(
    app_db: tuple[object, Path, int], files: tuple[bytes, bytes]
) -> None:
    app, path, cid = app_db
    clin = TestClient(app)  # type: ignore[arg-type]
    token = _login(clin, "demo", "demo-clinician")
    day, mvc = files
    r = clin.post(
        f"/clients/{cid}/emg/exposure",
        data={"csrf_token": token, "x_mains": "none"},
        files={"workday": ("desk.csv", day, "text/csv"), "mvc": ("mvc.csv", mvc, "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[:500]
    html = clin.get(f"/clients/{cid}/emg").text
    assert "desk.csv" in html and 'id="exposure-result"' in html
    assert "data:image/png;base64," in html
    m = re.search(r'id="exposure-finding">(.*?)</p>', html, re.S)
    assert m and "scarce_muscular_rest" in m.group(1) and "Nordander" in m.group(1)
    assert 'id="exposure-microbreak"' in html and "every 20 minutes" in html
    assess = clin.get(f"/clients/{cid}/assessment").text
    m = re.search(r'<p class="note" id="exposure-finding">(.*?)</p>', assess, re.S)
    assert m and "little muscular rest" in m.group(1) and "every 20 min" in m.group(1)
    actions = _audit_actions(path)
    assert "emg.exposure" in actions and "emg.exposure.read" in actions
    # The client's plan: micro-breaks in plain words, no ids, tags or sources.
    me = TestClient(app)  # type: ignore[arg-type]
    _login(me, "alex", "demo-client")
    home = me.get("/me").text
    m = re.search(r'<section class="c-card" id="micro-breaks">(.*?)</section>', home, re.S)
    assert m, "no micro-break card on the client's plan"
    card = m.group(1)
    assert "Every 20 minutes at the desk" in card
    for leak in ("scarce_muscular_rest", "[", "McLean", "Nordander", "%MVC"):
        assert leak not in card


def test_bad_mvc_upload_says_so_beside_the_field_and_stores_nothing(
    app_db: tuple[object, Path, int], files: tuple[bytes, bytes]
) -> None:
    app, path, cid = app_db
    clin = TestClient(app)  # type: ignore[arg-type]
    token = _login(clin, "demo", "demo-clinician")
    r = clin.post(
        f"/clients/{cid}/emg/exposure",
        data={"csrf_token": token, "x_fs": "1000"},
        files={"workday": ("desk.csv", files[0], "text/csv"), "mvc": ("mvc.pdf", b"%PDF", "x")},
    )
    assert r.status_code == 422
    assert re.search(r'<p class="alert" role="alert" id="upload-error">mvc: ', r.text)
    assert 'name="x_fs" inputmode="decimal" value="1000"' in r.text  # typed value kept
    assert 'id="exposure-result"' not in r.text
    assert "emg.exposure" not in _audit_actions(path)


def test_cli_exposure_client_stores_and_other_clinicians_cannot_read(
    tmp_path: Path, seeded: tuple[Path, int], files: tuple[bytes, bytes]
) -> None:
    from upperback.cli.app import app as cli
    from upperback.services.access import Actor
    from upperback.services.database import Database
    from upperback.services.exposure import latest_exposure, micro_break_plan

    db_path = tmp_path / "cli.sqlite3"
    shutil.copy(seeded[0], db_path)
    day, mvc = tmp_path / "desk.csv", tmp_path / "mvc.csv"
    day.write_bytes(files[0])
    mvc.write_bytes(files[1])
    cid = seeded[1]
    out = CliRunner().invoke(
        cli,
        ["emg", "exposure", str(day), "--mvc", str(mvc), "--mains", "none",
         "--client", str(cid), "--db", str(db_path)],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert f"stored with client {cid} as exposure" in out.output
    missing = CliRunner().invoke(
        cli,
        ["emg", "exposure", str(day), "--mvc", str(mvc), "--client", "999999",
         "--db", str(db_path)],
    )  # fmt: skip
    assert missing.exit_code == 2 and "client 999999 not found" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    db = Database.open(db_path)
    try:
        import sqlalchemy as sa

        with db.uow() as uow:
            clin_id = uow.session.execute(
                sa.text("select clinician_id from client where id = :c"), {"c": cid}
            ).scalar_one()
        own = Actor(role="clinician", clinician_id=int(clin_id), client_id=None, name="demo")
        rec = latest_exposure(db, own, cid)
        assert rec is not None and rec.finding is not None and rec.micro_break is not None
        assert micro_break_plan(db, own, cid) == rec.micro_break
        other = Actor(role="clinician", clinician_id=int(clin_id) + 999, client_id=None, name="x")
        with pytest.raises(NotFound):
            latest_exposure(db, other, cid)
    finally:
        db.close()
