"""The clinician's workbench over real HTTP (TestClient) and a real SQLite file.

Forms keep what was typed and name the field; nothing is stored on a refusal. PSFS and
NDI entry; swap by picking and revocation stored with who and why; head-posture photos
(bounded, verified, private); referral letter (HTML with a hash-pinned CSP, PDF); the
library; local API docs; the dashboard bounded to a page for 200 clients.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import TODAY, World, page_login, row_counts

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import clients
from upperback.services.access import Actor
from upperback.services.dashboard import PAGE_SIZE, dashboard_page
from upperback.services.database import Database
from upperback.store.tables import OverrideRow, PosturePhotoRow


def _errors(text: str) -> dict[str, str]:
    """Field-error spans by field name (id err-<name with : as ->)."""
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(
            r'<span class="field-error" id="err-([^"]+)"[^>]*>([^<]*)</span>', text
        )
    }


def _value(text: str, name: str) -> str | None:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', text)
    return html.unescape(m.group(1)) if m else None


def _png(w: int = 400, h: int = 500) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (210, 190, 170)).save(buf, "PNG")
    return buf.getvalue()


def test_intake_error_keeps_everything_and_stores_nothing(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    before = row_counts(world.path)
    r = c.post(
        f"/clients/{world.a_second}/intake",
        data={
            "csrf_token": csrf, "pain_now": "12", "occupation": "night-shift nurse",
            "rf:diplopia": "yes", "rf:dysarthria": "no", "minutes_per_session": "30",
        },
    )  # fmt: skip
    assert r.status_code == 422
    assert _errors(r.text)["pain_now"] == "Pain now: must be 0-10"
    assert _value(r.text, "occupation") == "night-shift nurse"
    assert _value(r.text, "pain_now") == "12"
    assert re.search(r'name="rf:diplopia" value="yes" checked', r.text)
    assert re.search(r'name="rf:dysarthria" value="no" checked', r.text)
    assert row_counts(world.path) == before
    # a wrong type is named too
    r = c.post(
        f"/clients/{world.a_second}/intake",
        data={"csrf_token": csrf, "sessions_per_week": "three"},
    )
    assert _errors(r.text)["sessions_per_week"].startswith("Sessions per week: 'three'")


def test_red_flags_grouped_by_domain_with_exam_items_apart(app: FastAPI, world: World) -> None:
    from upperback.preface.screening import red_flag_items

    c = TestClient(app)
    page_login(c, "demo", "demo-clinician")
    text = c.get(f"/clients/{world.a_second}/intake").text
    items = red_flag_items()
    for domain in {q.domain for q in items}:
        assert f'id="rf-group-{domain}"' in text
    for q in items:  # every catalogue item is a yes / no / not asked radio group
        for answer in ("yes", "no", "not_asked"):
            assert f'name="rf:{q.id}" value="{answer}"' in text
    assert "Clinician examination" in text and "Ask the client" in text


def test_psfs_and_ndi_saved_from_the_form(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    form = {"csrf_token": csrf, "tester": "demo", "date": "2026-03-01"}
    for k, (act, score) in enumerate(
        [("overhead reach", "4"), ("driving", "6"), ("reading", "12")], 1
    ):
        form[f"act:psfs:{k}"], form[f"item:psfs:{k}"] = act, score
    for k in range(1, 11):
        form[f"item:ndi:{k}"] = "2"
    before = row_counts(world.path)
    r = c.post(f"/clients/{world.a_second}/assessment", data=form)
    assert r.status_code == 422
    err = _errors(r.text)["item-psfs-3"]
    assert "activity 3 (reading)" in err and "0-10" in err
    assert _value(r.text, "act:psfs:2") == "driving"
    assert 'value="2" selected' in r.text  # NDI answers kept
    assert row_counts(world.path) == before
    form["item:psfs:3"] = "5"
    r = c.post(f"/clients/{world.a_second}/assessment", data=form)
    assert r.status_code == 200, _errors(r.text)
    scored = r.text[r.text.index('id="scored"') :]
    assert "Patient-Specific Functional Scale" in scored
    assert "5 points" in scored  # mean of 4, 6, 5 in the version-1 direction
    assert "40 %" in scored  # NDI 20/50


def test_swap_by_picking_then_revoke_records_who_and_why(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    cid = world.a_client
    text = c.get(f"/clients/{cid}/program").text
    ex = re.findall(r'id="ex-([a-z0-9_]+)"', text)[0]
    picker = c.get(f"/clients/{cid}/program/swap", params={"exercise": ex, "only": "1"}).text
    picks = re.findall(r'name="value" value="([a-z0-9_]+)"', picker)
    assert picks and "Engine would pick" in picker and "Engine would not pick" not in picker
    before = row_counts(world.path)
    r = c.post(
        f"/clients/{cid}/override",
        data={"csrf_token": csrf, "exercise_id": ex, "field": "replace_with", f"{ex}:reason": "x"},
    )
    assert r.status_code == 422 and "pick an exercise" in r.text
    after = row_counts(world.path)
    assert {k: v for k, v in after.items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }  # the picker shown again audits its read; nothing else is written
    r = c.post(
        f"/clients/{cid}/override",
        data={
            "csrf_token": csrf, "exercise_id": ex, "field": "replace_with", "value": picks[0],
            f"{ex}:reason": "standing option preferred",
        },
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    db = Database.open(world.path, migrate_schema=False)
    try:
        with db.uow() as uow:
            row = uow.session.query(OverrideRow).order_by(OverrideRow.id.desc()).first()
            assert row is not None and row.value == picks[0] and row.clinician_id is not None
            oid = row.id
    finally:
        db.close()
    text = c.get(f"/clients/{cid}/program").text
    assert "swapped for" in text and "standing option preferred" in text
    r = c.post(
        f"/clients/{cid}/override/{oid}/revoke", data={"csrf_token": csrf, f"revoke:{oid}": ""}
    )
    assert r.status_code == 422 and "reason" in _errors(r.text)[f"revoke-{oid}"]
    r = c.post(
        f"/clients/{cid}/override/{oid}/revoke",
        data={"csrf_token": csrf, f"revoke:{oid}": "back to the engine"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    text = c.get(f"/clients/{cid}/program").text
    assert "Revoked overrides (1)" in text and "back to the engine" in text
    db = Database.open(world.path, migrate_schema=False)
    try:
        with db.uow() as uow:
            row = uow.session.get(OverrideRow, oid)
            assert row is not None and row.revoked_at is not None and row.revoked_by is not None
    finally:
        db.close()
    # a bad dose names the field and keeps the reason
    r = c.post(
        f"/clients/{cid}/override",
        data={"csrf_token": csrf, "exercise_id": ex, f"{ex}:field": "sets", f"{ex}:value": "40",
              f"{ex}:reason": "fewer sets"},
    )  # fmt: skip
    assert r.status_code == 422
    assert _errors(r.text)[f"{ex}-value"].startswith(
        "Sets: sets must be a whole number from 1 to 10"
    )
    assert _value(r.text, f"{ex}:reason") == "fewer sets"


def test_posture_photo_bounded_verified_private_and_scored(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    cid = world.a_second
    before = row_counts(world.path)
    for content, expect in (
        (b"plain text, not a picture", "not a readable"),
        (b"\xff\xd8" + b"\0" * (9 * 1024 * 1024), "too large"),
        (_png(50, 50), "too small"),
    ):
        r = c.post(
            f"/clients/{cid}/posture",
            data={"csrf_token": csrf, "taken": "2026-03-01"},
            files={"photo": ("side.jpg", content, "image/jpeg")},
        )
        assert r.status_code == 422 and expect in _errors(r.text)["photo"], r.text[:300]
        assert _value(r.text, "taken") == "2026-03-01"
    assert row_counts(world.path) == before
    r = c.post(
        f"/clients/{cid}/posture",
        data={"csrf_token": csrf},
        files={"photo": ("side.png", _png(), "image/png")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    pid = int(r.headers["location"].rsplit("/", 1)[1])
    img = c.get(f"/clients/{cid}/posture/{pid}/image")
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert "no-store" in img.headers["cache-control"]
    r = c.post(
        f"/clients/{cid}/posture/{pid}",
        data={
            "csrf_token": csrf,
            "tragus_x": "300",
            "tragus_y": "900",
            "c7_x": "200",
            "c7_y": "300",
        },
    )
    assert r.status_code == 422 and "outside the 400 x 500 photo" in r.text
    r = c.post(
        f"/clients/{cid}/posture/{pid}",
        data={
            "csrf_token": csrf,
            "tragus_x": "300",
            "tragus_y": "200",
            "c7_x": "200",
            "c7_y": "300",
        },
    )
    assert r.status_code == 200 and "CVA 45.0°" in r.text  # atan2(100, 100)
    db = Database.open(world.path, migrate_schema=False)
    try:
        with db.uow() as uow:
            row = uow.session.get(PosturePhotoRow, pid)
            assert row is not None and row.cva_deg == 45.0 and row.assessment_id is not None
    finally:
        db.close()
    other = TestClient(app)
    page_login(other, "other", "other-clinician")
    assert other.get(f"/clients/{cid}/posture/{pid}/image").status_code == 404
    client_login = TestClient(app)
    page_login(client_login, "alex", "demo-client")
    assert client_login.get(f"/clients/{cid}/posture/{pid}/image").status_code in (403, 404)


def test_referral_letter_html_and_pdf(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    cid = world.a_second
    assert c.get(f"/clients/{cid}/referral.html").status_code == 404
    c.post(f"/clients/{cid}/intake", data={"csrf_token": csrf, "pain_now": "3", "rf:diplopia": "yes",
                                            "complaint": "sudden headache"})  # fmt: skip
    r = c.get(f"/clients/{cid}/referral.html")
    assert r.status_code == 200
    assert "Referral: Jo Second" in r.text and "Diplopia" in r.text and "EMERGENCY" in r.text
    csp = r.headers["content-security-policy"]
    assert "'sha256-" in csp and "unsafe-inline" not in csp and "script-src" not in csp
    pdf = c.get(f"/clients/{cid}/referral.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    report = c.get(f"/clients/{world.a_client}/report.html")
    assert "'sha256-" in report.headers["content-security-policy"]


def test_library_filters_and_local_api_docs(app: FastAPI, world: World) -> None:
    from upperback.knowledge.loader import exercise_library

    c = TestClient(app)
    page_login(c, "demo", "demo-clinician")
    text = c.get("/library", params={"muscle": "serratus_anterior", "level": "1"}).text
    shown = set(re.findall(r'<a href="/library/([a-z0-9_]+)">', text))
    want = {
        e.id for e in exercise_library()
        if e.level == 1 and any(m.value == "serratus_anterior" for m in (*e.targets, *e.secondary))
    }  # fmt: skip
    assert shown == want and want
    verdicts = c.get("/library", params={"client": str(world.a_client)}).text
    assert "Eligible" in verdicts
    ex = next(iter(want))
    page = c.get(f"/library/{ex}").text
    assert "svg" in page and "EMG figures" in page and "Progression ladder" in page
    assert c.get("/library/no_such_exercise").status_code == 404
    import importlib.util

    pic = c.get(f"/library/{ex}/picture.svg", params={"pose": "start"})
    if importlib.util.find_spec("upperback.illustrate") is None:
        assert pic.status_code == 404 and "picture to come" in page
    else:
        assert pic.status_code == 200 and pic.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in pic.text and f"/library/{ex}/picture.svg" in page
    docs = c.get("/api/v1/docs").text
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    js = c.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert c.get("/api/v1/docs/assets/..%2Fsecret").status_code == 404
    assert "Seed" not in c.get(f"/clients/{world.a_client}/program").text


def test_dashboard_bounded_page_for_200_clients(world: World) -> None:
    db = Database.open(world.path, migrate_schema=False)
    try:
        demo = Actor(role="clinician", clinician_id=1, name="demo")
        for i in range(200):
            clients.add_client(
                db,
                demo,
                ClientIn(name=f"Client {i:03d}", sex=Sex.female, birth_year=1980),
                today=TODAY,
            )
        page = dashboard_page(db, demo, today=TODAY + dt.timedelta(days=30))
        assert page.total == 202 and len(page.rows) == PAGE_SIZE and page.pages == 9
        first = page.rows[0]  # the demo client with a running program comes first
        assert first.name.startswith("Alex Demo") and (first.missed or first.pain_alert)
        assert first.overdue_days > 0 and first.due is not None
        found = dashboard_page(db, demo, today=TODAY, q="client 19")
        assert [r.name for r in found.rows] == [f"Client {i}" for i in range(190, 200)]
        by_name = dashboard_page(db, demo, today=TODAY, sort="name", page=9)
        assert len(by_name.rows) == 202 - 8 * PAGE_SIZE
        flagged = dashboard_page(db, demo, today=TODAY + dt.timedelta(days=30), flagged_only=True)
        assert flagged.total == 1
    finally:
        db.close()


def test_log_form_error_names_the_set_and_exercise(app: FastAPI, world: World) -> None:
    from upperback.services import program
    from upperback.services.access import Actor as A

    db = Database.open(world.path, migrate_schema=False)
    try:
        nxt = program.next_view(db, A(role="clinician", clinician_id=1), world.a_client)
    finally:
        db.close()
    assert nxt.session is not None
    rx = nxt.session.prescriptions[0]
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    before = row_counts(world.path)
    r = c.post(
        f"/clients/{world.a_client}/log",
        data={"csrf_token": csrf, "p1s2_reps": "8", "p1s2_hold": "10", "p1s2_pain": "12"},
    )
    assert r.status_code == 422
    assert f"Set 2 of {html.escape(rx.name)}: pain must be 0-10" in r.text
    r = c.post(
        f"/clients/{world.a_client}/log",
        data={"csrf_token": csrf, "p1s1_reps": "8", "p1s1_hold": "10", "p1s1_rpe": "hard"},
    )
    assert (
        f"Set 1 of {html.escape(rx.name)}: effort (RPE): &#39;hard&#39; is not a number" in r.text
    )
    assert row_counts(world.path) == before
