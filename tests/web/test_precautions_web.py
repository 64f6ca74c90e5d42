"""A screening precaution (a blood thinner) reaches the people who act on it (physio review
2, item 1): the API's next session and the clinician's program page say "Precautions: ..."
with the red-flag data's text; the client's home and session pages and printout carry one
plain safety note; the morning check-in asks about bruising or swelling and a "yes" puts a
clinician alert on the dashboard. Real HTTP over the real database."""

from __future__ import annotations

import html
import re

import pytest
from client_helpers import clinician_words, full_draft, move_session_to_yesterday, session_data
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import TODAY, World, page_login, row_counts

from upperback.knowledge.red_flags import red_flag_catalogue
from upperback.model.intake import Answer
from upperback.services.accounts import authenticate
from upperback.services.database import Database
from upperback.services.demo import demo_intake
from upperback.services.preface import record_intake

ITEM = red_flag_catalogue().item("anticoagulants")
assert ITEM is not None


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _on_blood_thinner(app: FastAPI, client_id: int) -> None:
    db: Database = app.state.db
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    intake = demo_intake(TODAY).model_copy(update={"red_flags": {"anticoagulants": Answer.yes}})
    assert record_intake(db, demo.actor(), client_id, intake).precautions


@pytest.fixture
def clinician(app: FastAPI) -> TestClient:
    c = TestClient(app)
    page_login(c, "demo", "demo-clinician")
    return c


@pytest.fixture
def alex(app: FastAPI) -> tuple[TestClient, str]:
    c = TestClient(app)
    return c, page_login(c, "alex", "demo-client")


def test_clinician_api_and_program_page_show_the_precaution(
    app: FastAPI, api: TestClient, headers_a: dict[str, str], clinician: TestClient, world: World
) -> None:
    cid = world.a_client
    assert api.get(f"/api/v1/clients/{cid}/next", headers=headers_a).json()["precautions"] == []
    assert "Precautions:" not in _text(clinician.get(f"/clients/{cid}/program").text)
    _on_blood_thinner(app, cid)
    nxt = api.get(f"/api/v1/clients/{cid}/next", headers=headers_a).json()
    assert nxt["precautions"] == [f"{ITEM.label}: {ITEM.action}"]
    page = _text(clinician.get(f"/clients/{cid}/program").text)
    assert f"Precautions: {ITEM.label}: {ITEM.action}" in page


def test_client_pages_and_printout_carry_one_plain_safety_note(
    app: FastAPI, alex: tuple[TestClient, str], world: World
) -> None:
    c, _csrf = alex
    paths = ("/me", "/me/session", f"/clients/{world.a_client}/home-program")
    assert not any(ITEM.client_note in _text(c.get(p).text) for p in paths)
    _on_blood_thinner(app, world.a_client)
    for path in paths:
        r = c.get(path)
        assert r.status_code == 200, path
        assert _text(r.text).count(ITEM.client_note) == 1, path
        assert clinician_words(r.text) == [], path
        assert ITEM.action not in _text(r.text) and ITEM.label not in _text(r.text), path


def test_a_yes_to_bruising_at_the_check_in_alerts_the_clinician(
    app: FastAPI, alex: tuple[TestClient, str], clinician: TestClient, world: World
) -> None:
    c, csrf = alex
    _on_blood_thinner(app, world.a_client)
    r = c.post(
        "/me/session/finish", json=full_draft(session_data(c)), headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 200, r.text
    log_id = move_session_to_yesterday(world.path)
    form = c.get("/me/checkin").text
    assert ITEM.checkin_question in _text(form) and clinician_words(form) == []
    base = {"csrf_token": csrf, "session": str(log_id), "pain": "2", "compared": "same"}
    before = row_counts(world.path)
    unanswered = c.post("/me/checkin", data=base)
    assert unanswered.status_code == 422 and "Please answer yes or no" in unanswered.text
    assert 'value="2" checked' in unanswered.text  # what was typed is still there
    assert row_counts(world.path) == before  # nothing half-written
    assert "bruising" not in clinician.get("/").text
    done = c.post("/me/checkin", data={**base, "q_anticoagulants": "yes"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    dash = clinician.get("/").text
    row = next(r for r in dash.split("<tr") if f'href="/clients/{world.a_client}"' in r)
    assert "clinician alert" in row and "unusual bruising or swelling" in html.unescape(row)
