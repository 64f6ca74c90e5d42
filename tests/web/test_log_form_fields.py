"""The session-log form over real HTTP and a real SQLite file: an error sits beside its own
field (set and exercise named), everything typed stays, and nothing is stored."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, page_login, row_counts

from upperback.services import program
from upperback.services.access import Actor
from upperback.services.database import Database


def _errors(text: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(
            r'<span class="field-error" id="err-([^"]+)"[^>]*>([^<]*)</span>', text
        )
    }


def _value(text: str, name: str) -> str | None:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', text)
    return html.unescape(m.group(1)) if m else None


def test_log_error_sits_beside_its_field_and_keeps_everything_typed(
    app: FastAPI, world: World
) -> None:
    db = Database.open(world.path, migrate_schema=False)
    try:
        nxt = program.next_view(db, Actor(role="clinician", clinician_id=1), world.a_client)
    finally:
        db.close()
    assert nxt.session is not None
    rx = nxt.session.prescriptions[0]
    first = "reps" if rx.reps else "hold"
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    before = row_counts(world.path)
    typed = {
        "csrf_token": csrf, "pain_before": "3", "readiness": "7", "fatigue": "2",
        f"p1s1_{first}": "6", "p1s1_rpe": "6.5", "p1s1_pain": "1", "p1s1_lost": "on",
        f"p1s2_{first}": "5", "p1s2_rpe": "7", "p1s2_pain": "12",
        "notes": "felt a pull on the left", "new_symptoms": "dizziness",
    }  # fmt: skip
    r = c.post(f"/clients/{world.a_client}/log", data=typed)
    assert r.status_code == 422
    message = f"Set 2 of {rx.name}: pain must be 0-10"
    assert _errors(r.text) == {"p1s2_pain": message}
    assert re.search(r'name="p1s2_pain" value="12"[^>]*aria-invalid="true"', r.text)
    assert 'href="#err-p1s2_pain"' in r.text  # the top line points to the field
    for name in ("pain_before", "readiness", "fatigue", f"p1s1_{first}", "p1s1_rpe",
                 "p1s1_pain", f"p1s2_{first}", "p1s2_rpe", "p1s2_pain"):  # fmt: skip
        assert _value(r.text, name) == typed[name], name
    assert re.search(r'name="p1s1_lost"\s+checked', r.text)
    assert not re.search(r'name="p1s2_lost"\s+checked', r.text)
    assert ">felt a pull on the left</textarea>" in r.text
    assert re.search(r'value="dizziness"\s+checked', r.text)
    assert row_counts(world.path) == before

    r = c.post(f"/clients/{world.a_client}/log", data={**typed, "p1s2_pain": "2", "fatigue": "11"})
    assert r.status_code == 422
    errors = _errors(r.text)
    assert list(errors) == ["fatigue"] and errors["fatigue"].startswith("Fatigue:")
    assert _value(r.text, "fatigue") == "11" and _value(r.text, "p1s2_pain") == "2"
    assert row_counts(world.path) == before
