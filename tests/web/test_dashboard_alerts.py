"""The engine's clinician alerts reach the dashboard: a client whose sessions keep flaring
is held by the engine, and the clinician sees "clinician alert" with the engine's reason on
that client's row, counted in the summary and ranked above pain alerts. Real HTTP over the
real database (SQLite and PostgreSQL, as the web fixtures run)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from web_helpers import World, page_login


def _painful_log(nxt: dict[str, Any]) -> dict[str, Any]:
    s = nxt["session"]
    sets = [
        {"exercise_id": p["exercise_id"], "set_index": k, "reps": p["reps"], "hold_s": p["hold_s"],
         "load_kg": p["load_kg"], "level": p["level"], "rpe": 9.5, "pain_during": 8}
        for p in s["prescriptions"] for k in range(1, p["sets"] + 1)
    ]  # fmt: skip
    return {
        "date": nxt["session_date"],
        "week": s["week"],
        "index": s["index"],
        "sets": sets,
        "pain_before": 1,
        "pain_next_morning": 7,
    }


def _alert_count(page: str) -> int:
    m = re.search(r"(\d+) clinician alerts?<", page)
    assert m, "no clinician-alert count on the dashboard"
    return int(m.group(1))


def test_repeated_flares_raise_an_alert_the_dashboard_shows_first(
    api: TestClient, headers_client: dict[str, str], world: World
) -> None:
    doc = TestClient(api.app)
    page_login(doc, "demo", "demo-clinician")
    assert _alert_count(doc.get("/").text) == 0
    raised: list[str] = []
    for _ in range(8):  # flares until the engine stops regressing and asks a clinician
        nxt = api.get(f"/api/v1/clients/{world.a_client}/next", headers=headers_client).json()
        r = api.post(
            f"/api/v1/clients/{world.a_client}/sessions",
            headers=headers_client,
            json=_painful_log(nxt),
        )
        assert r.status_code == 201, r.text
        raised = [a["reason"] for a in r.json()["adaptations"] if a["action"] == "clinician_alert"]
        if raised:
            break
    assert raised, "eight flaring sessions in a row raised no clinician alert"

    dash = doc.get("/").text
    assert _alert_count(dash) == 1
    first_row = dash.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert f'href="/clients/{world.a_client}"' in first_row
    assert "clinician alert" in first_row
    reason = raised[0].replace(">", "&gt;").replace("'", "&#39;").replace('"', "&#34;")
    assert reason[:40] in first_row
