"""The client's pages: plain words only, the guided session saves as it goes and logs once,
the next-morning check-in feeds the session's next-morning pain, questionnaires are scored
against MCID, the calendar feed sits behind a revocable secret."""

from __future__ import annotations

import datetime as dt

import pytest
from client_helpers import (
    clinician_words,
    full_draft,
    move_session_to_yesterday,
    session_data,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import TODAY, World, page_login, row_counts

from upperback.services import calendar, checkins, program, questionnaires
from upperback.services.accounts import authenticate
from upperback.services.database import Database


@pytest.fixture
def alex(app: FastAPI) -> tuple[TestClient, str]:
    c = TestClient(app)
    return c, page_login(c, "alex", "demo-client")


def _finish(c: TestClient, csrf: str) -> dict:
    r = c.post(
        "/me/session/finish", json=full_draft(session_data(c)), headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_client_pages_and_printout_carry_no_clinician_words(
    alex: tuple[TestClient, str], world: World, app: FastAPI
) -> None:
    c, csrf = alex
    pages = {
        p: c.get(p)
        for p in (
            "/me",
            "/me/session",
            "/me/progress",
            "/me/calendar",
            "/me/checkin",
            f"/clients/{world.a_client}/log",
            f"/clients/{world.a_client}/home-program",
        )
    }
    # The ones that need state: a finished session, a check-in due, questionnaires sent.
    done = _finish(c, csrf)
    move_session_to_yesterday(world.path)
    pages["/me (check-in due)"] = c.get("/me")
    pages["/me/checkin (due)"] = c.get("/me/checkin")
    db: Database = app.state.db
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    for name in ("nprs", "ndi", "fear"):
        a = questionnaires.assign(db, demo.actor(), world.a_client, name, due=dt.date.today())
        pages[f"questionnaire {name}"] = c.get(f"/me/questionnaire/{a.id}")
    a = questionnaires.assign(
        db,
        demo.actor(),
        world.a_client,
        "psfs",
        due=dt.date.today(),
        activities=["Carrying shopping", "Reading in bed", "Cycling"],
    )
    pages["questionnaire psfs"] = c.get(f"/me/questionnaire/{a.id}")
    for path, r in pages.items():
        assert r.status_code == 200, path
        assert clinician_words(r.text) == [], path
    assert clinician_words(" ".join(done["changes"])) == []
    glossary = c.get("/me/words")
    assert clinician_words(glossary.text, glossary=True) == []
    assert "RPE" in glossary.text and "tempo" in glossary.text.lower()
    # The scan itself finds what it must refuse.
    assert clinician_words("prone_y [K] pain.flare_regress Ekstrom 2003 RPE 7 tempo 3-1-2-0")


def test_guided_session_saves_each_set_resumes_and_logs_once(
    alex: tuple[TestClient, str], world: World
) -> None:
    c, csrf = alex
    data = session_data(c)
    assert data["exercises"] and all("id" not in e for e in data["exercises"])
    one = {
        "week": data["week"],
        "index": data["index"],
        "sets": [{"ex": 0, "set": 1, "lost_form": False}],
        "ratings": [],
        "position": {"ex": 0, "set": 2, "stage": 0},
    }
    assert c.put("/me/session/draft", json=one, headers={"x-csrf-token": csrf}).json() == {
        "saved": True
    }
    # A second tab (or the offline queue) sends another set: the server keeps both.
    two = {**one, "sets": [{"ex": 0, "set": 2, "reps": 3, "lost_form": True}]}
    c.put("/me/session/draft", json=two, headers={"x-csrf-token": csrf})
    back = c.get(f"/me/session/draft?week={data['week']}&index={data['index']}").json()
    assert [(s["set"], s["reps"], s["lost_form"]) for s in back["sets"]] == [
        (1, None, False),
        (2, 3, True),
    ]
    before = row_counts(world.path)
    first = _finish(c, csrf)
    assert first["saved"] is True and isinstance(first["changes"], list)
    again = c.post("/me/session/finish", json=full_draft(data), headers={"x-csrf-token": csrf})
    assert again.status_code == 409 and "already saved" in again.json()["detail"]
    after = row_counts(world.path)
    assert after["session_log"] == before["session_log"] + 1
    assert after["session_draft"] == before["session_draft"] - 1  # the draft is gone


BAD_FINISH = [
    ({"ratings": [{"ex": 0, "pain": 11, "effort": 5}]}, "pain"),
    ({"ratings": [{"ex": 0, "pain": 2, "effort": 0}]}, "effort"),
    ({"ratings": []}, "pain and effort"),
    ({"sets": []}, "no set is done"),
    ({"week": 99}, "week"),
]


def test_bad_guided_input_is_refused_and_nothing_stored(
    alex: tuple[TestClient, str], world: World
) -> None:
    c, csrf = alex
    good = full_draft(session_data(c))
    before = row_counts(world.path)
    for change, message in BAD_FINISH:
        r = c.post("/me/session/finish", json={**good, **change}, headers={"x-csrf-token": csrf})
        assert 400 <= r.status_code < 500 and message in r.json()["detail"], change
    assert row_counts(world.path) == before


def test_draft_endpoints_refuse_junk_and_need_csrf(alex: tuple[TestClient, str]) -> None:
    c, csrf = alex
    r = c.put("/me/session/draft", content=b"{" * 70_000, headers={"x-csrf-token": csrf})
    assert r.status_code == 422 and "larger" in r.json()["detail"]
    r = c.put("/me/session/draft", content=b"not json", headers={"x-csrf-token": csrf})
    assert r.status_code == 422
    assert c.put("/me/session/draft", json={"week": 1, "index": 1}).status_code == 403


def test_checkin_feeds_next_morning_pain_once(
    alex: tuple[TestClient, str], world: World, app: FastAPI
) -> None:
    c, csrf = alex
    assert "Morning check" not in c.get("/me").text
    _finish(c, csrf)
    log_id = move_session_to_yesterday(world.path)
    db: Database = app.state.db
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    missing = checkins.missing_checkins(db, demo.actor(), dt.date.today())
    assert [m.session_log_id for m in missing if m.client_id == world.a_client] == [log_id]
    page = c.get("/me/checkin").text
    assert f'name="session" value="{log_id}"' in page
    bad = c.post(
        "/me/checkin",
        data={"csrf_token": csrf, "session": log_id, "pain": "12", "compared": "worse"},
    )
    assert bad.status_code == 422 and "outside 0-10" in bad.text
    assert 'value="worse" checked' in bad.text  # what was chosen stays chosen
    ok = c.post(
        "/me/checkin",
        data={"csrf_token": csrf, "session": log_id, "pain": "4", "compared": "worse"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    from upperback.services.sessions import list_logs

    alex_actor = authenticate(db, "alex", "demo-client")
    assert alex_actor is not None
    logged = [lg for lg in list_logs(db, alex_actor.actor(), world.a_client)]
    assert logged[-1].pain_next_morning == 4
    assert checkins.missing_checkins(db, demo.actor(), dt.date.today()) == [
        m for m in missing if m.session_log_id != log_id
    ]
    again = c.post(
        "/me/checkin", data={"csrf_token": csrf, "session": log_id, "pain": "2", "compared": "same"}
    )
    assert again.status_code in (404, 409)
    assert logged[-1].pain_next_morning == 4


def test_checkin_for_a_session_that_did_not_happen(
    alex: tuple[TestClient, str], world: World
) -> None:
    c, csrf = alex
    before = row_counts(world.path)
    r = c.post(
        "/me/checkin", data={"csrf_token": csrf, "session": 999999, "pain": "3", "compared": "same"}
    )
    assert r.status_code == 404 and "no completed session" in r.text
    assert row_counts(world.path) == before


def test_ndi_answered_on_the_phone_is_scored_against_its_threshold(
    alex: tuple[TestClient, str], world: World, app: FastAPI
) -> None:
    c, csrf = alex
    db: Database = app.state.db
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    first = questionnaires.assign(db, demo.actor(), world.a_client, "ndi", due=dt.date.today())
    assert "Neck and daily life" in c.get("/me").text
    answers = {f"q{i}": "2" for i in range(10)}
    partial = {**answers, "csrf_token": csrf}
    del partial["q7"]
    r = c.post(f"/me/questionnaire/{first.id}", data=partial)
    assert r.status_code == 422 and "question 8" in r.text
    assert r.text.count("checked") == 9  # the nine answers given stay chosen
    r = c.post(
        f"/me/questionnaire/{first.id}",
        data={**answers, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303
    second = questionnaires.assign(db, demo.actor(), world.a_client, "ndi", due=dt.date.today())
    c.post(
        f"/me/questionnaire/{second.id}",
        data={**{f"q{i}": "0" for i in range(10)}, "csrf_token": csrf},
    )
    res = questionnaires.results(db, demo.actor(), world.a_client)
    assert [round(x.score) for x in res] == [40, 0]  # 20/50 raw = 40 %
    assert res[1].change == -40 and res[1].meaningful is True and res[1].improved is True
    assert res[1].threshold == 20  # MDC from tests.yaml (Young 2009)
    again = c.post(f"/me/questionnaire/{first.id}", data={**answers, "csrf_token": csrf})
    assert again.status_code == 409
    clin = TestClient(app)
    page_login(clin, "demo", "demo-clinician")
    page = clin.get(f"/clients/{world.a_client}/questionnaires").text
    assert "meaningful improvement" in page and "Young 2009" in page


def test_calendar_feed_secret_stable_and_revocable(
    alex: tuple[TestClient, str], app: FastAPI
) -> None:
    c, csrf = alex
    page = c.post("/me/calendar/new", data={"csrf_token": csrf}).text
    link = page.split('id="cal-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    path = link.split("testserver", 1)[1]
    served = c.get(path)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/calendar")
    # The seeded plan's dates lie around the seed day: read the feed as of that day.
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    one = calendar.feed_ics(app.state.db, token, TODAY).decode()
    two = calendar.feed_ics(app.state.db, token, TODAY).decode()
    uids = lambda t: sorted(x for x in t.splitlines() if x.startswith("UID:"))  # noqa: E731
    assert len(uids(one)) >= 6 and uids(one) == uids(two)  # stable: updates replace events
    assert "SUMMARY:Upper-back exercises" in one and "SUMMARY:Morning check" in one
    assert clinician_words(one) == []
    wrong = c.get(path.replace(path[-8:-4], "xxxx"))
    assert wrong.status_code == 404 and "make a new link" in wrong.text
    newer = c.post("/me/calendar/new", data={"csrf_token": csrf}).text
    assert "cal-link" in newer and c.get(path).status_code == 404  # the old link is off
    c.post("/me/calendar/off", data={"csrf_token": csrf})
    newest = newer.split('id="cal-link"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert c.get(newest.split("testserver", 1)[1]).status_code == 404


def test_clinician_cannot_use_client_pages(app: FastAPI) -> None:
    clin = TestClient(app)
    page_login(clin, "demo", "demo-clinician")
    assert clin.get("/me").status_code == 403


def test_questionnaires_open_a_week_before_each_reassessment_once(
    world: World, app: FastAPI
) -> None:
    db: Database = app.state.db
    alex = authenticate(db, "alex", "demo-client")
    assert alex is not None
    prog = program.current_program(db, alex.actor(), world.a_client)
    deload = min(prog.session_date(p.week, 1) for p in prog.sessions if p.kind.value == "deload")
    early = deload - dt.timedelta(days=8)
    assert questionnaires.schedule_before_reassessment(db, alex.actor(), world.a_client, early) == 0
    week_before = deload - dt.timedelta(days=6)
    made = questionnaires.schedule_before_reassessment(
        db, alex.actor(), world.a_client, week_before
    )
    assert made == 3
    assert (
        questionnaires.schedule_before_reassessment(db, alex.actor(), world.a_client, week_before)
        == 0
    )
    due = questionnaires.due_for_client(db, alex.actor(), world.a_client, week_before)
    assert sorted(a.instrument for a in due) == ["fear", "ndi", "nprs"]
    assert {a.due for a in due} == {deload} and {a.origin for a in due} == {"schedule"}


def test_home_sends_a_client_to_their_own_home_and_keeps_the_clinician_dashboard(
    alex: tuple[TestClient, str], app: FastAPI
) -> None:
    c, _ = alex
    r = c.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/me"
    assert c.get("/").url.path == "/me"
    doc = TestClient(app)
    page_login(doc, "demo", "demo-clinician")
    dash = doc.get("/", follow_redirects=False)
    assert dash.status_code == 200 and "Your clients" in dash.text
