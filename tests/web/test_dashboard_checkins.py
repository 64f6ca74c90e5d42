"""Missing next-morning check-ins reach the clinician's dashboard and put the client first.

Real HTTP (TestClient) over a real SQLite file: the client finishes a session, it becomes
yesterday's, nobody answers the morning question; the dashboard counts it, flags the row,
ranks it above a client with only a session gap, and clears it once the answer is in.
"""

from __future__ import annotations

import datetime as dt
import re

from client_helpers import full_draft, move_session_to_yesterday, session_data
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, page_login

from upperback.services.access import Actor
from upperback.services.dashboard import Row, dashboard_page
from upperback.services.database import Database


def _missed_count(page: str) -> int:
    m = re.search(r"(\d+) with missed check-ins", page)
    assert m, "no missed check-in count on the dashboard"
    return int(m.group(1))


def test_missing_checkin_is_counted_flagged_first_and_cleared(app: FastAPI, world: World) -> None:
    alex = TestClient(app)
    csrf = page_login(alex, "alex", "demo-client")
    doc = TestClient(app)
    page_login(doc, "demo", "demo-clinician")
    before = doc.get("/").text
    assert _missed_count(before) == 0
    r = alex.post(
        "/me/session/finish", json=full_draft(session_data(alex)), headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 200, r.text
    log_id = move_session_to_yesterday(world.path)

    dash = doc.get("/").text
    assert _missed_count(dash) == 1
    first_row = dash.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert f'href="/clients/{world.a_client}"' in first_row and "missed check-in" in first_row
    assert f"since {dt.date.today() - dt.timedelta(days=1)}" in first_row
    db = Database.open(world.path, migrate_schema=False)
    try:
        demo = Actor(role="clinician", clinician_id=1, name="demo")
        page = dashboard_page(db, demo, today=dt.date.today(), flagged_only=True)
        rows = {r.client_id: r for r in page.rows}
        assert rows[world.a_client].checkins_missing == 1 and page.counts["missed"] == 1
    finally:
        db.close()
    # the flag ranks above a session gap and overdue, below referral and pain
    a, b = Row(1, "B gap", missed="gap", overdue_days=9), Row(2, "A check-in", checkins_missing=1)
    assert sorted([a, b], key=lambda r: r.rank)[0] is b
    assert Row(3, "pain", pain_alert="x").rank < b.rank < a.rank

    ok = alex.post(
        "/me/checkin",
        data={"csrf_token": csrf, "session": log_id, "pain": "2", "compared": "same"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert _missed_count(doc.get("/").text) == 0


def test_overview_has_a_questionnaires_tab_for_the_clinician_only(
    app: FastAPI, world: World
) -> None:
    doc = TestClient(app)
    page_login(doc, "demo", "demo-clinician")
    tab = f'href="/clients/{world.a_client}/questionnaires"'
    assert tab in doc.get(f"/clients/{world.a_client}").text
    q = doc.get(f"/clients/{world.a_client}/questionnaires").text
    assert re.search(tab + r'\s+aria-current="page"', q)
    alex = TestClient(app)
    page_login(alex, "alex", "demo-client")
    assert tab not in alex.get(f"/clients/{world.a_client}").text
