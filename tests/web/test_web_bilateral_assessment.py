"""Bilateral scapular dyskinesis through the API and the web form: one profile finding
naming both sides; a rating outside the scale answers with one line naming the field and
stores nothing (the form keeps what was typed); the clinician may set irritability."""

from __future__ import annotations

import html
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import World, page_login, row_counts

D = "2026-03-03"
BOTH = [
    {"test_id": "scapular_dyskinesis", "rating": "obvious", "side": "L"},
    {"test_id": "scapular_dyskinesis", "rating": "obvious", "side": "R"},
]


def test_api_bilateral_rating_gives_one_finding_and_a_bad_rating_is_a_422(
    api: TestClient, headers_a: dict[str, str], world: World
) -> None:
    base = f"/api/v1/clients/{world.a_client}"
    bad = {"date": D, "tester": "t", "results": [{**BOTH[0], "rating": "severe"}]}
    before = api.get(f"{base}/assessments", headers=headers_a).json()
    r = api.post(f"{base}/assessments", headers=headers_a, json=bad)
    assert r.status_code == 422
    assert "rating: 'severe' is not one of normal, subtle, obvious" in r.json()["detail"]
    assert api.get(f"{base}/assessments", headers=headers_a).json() == before
    doc = {"date": D, "tester": "t", "results": BOTH, "irritability": "moderate"}
    r = api.post(f"{base}/assessments", headers=headers_a, json=doc)
    assert r.status_code == 201, r.text
    prof = api.get(f"{base}/profile", headers=headers_a).json()
    dys = [f for f in prof["findings"] if f["code"] == "scapular_dyskinesis"]
    assert len(dys) == 1 and dys[0]["side"] == "B"
    assert "left and right" in dys[0]["statement"]
    assert prof["irritability"] == "moderate"
    assert prof["irritability_reason"].startswith("set by the clinician")


def test_web_form_both_sides_and_a_bad_rating_beside_its_field(app: FastAPI, world: World) -> None:
    c = TestClient(app)
    csrf = page_login(c, "demo", "demo-clinician")
    url = f"/clients/{world.a_second}/assessment"
    form = {
        "csrf_token": csrf, "tester": "demo", "date": D,
        "rating:scapular_dyskinesis:L": "obvious", "rating:scapular_dyskinesis:R": "severe",
        "val:nprs:-": "4",
    }  # fmt: skip
    before = row_counts(world.path)
    r = c.post(url, data=form)
    assert r.status_code == 422
    errors = {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(r'<span class="field-error" id="err-([^"]+)"[^>]*>([^<]*)</span>', r.text)
    }  # fmt: skip
    assert "severe" in errors["rating-scapular_dyskinesis-R"]
    assert "Scapular dyskinesis test (R)" in errors["rating-scapular_dyskinesis-R"]
    assert "<option selected>obvious</option>" in r.text  # the left rating kept
    assert row_counts(world.path) == before
    form["rating:scapular_dyskinesis:R"] = "obvious"
    r = c.post(url, data=form)
    assert r.status_code == 200
    page = c.get(f"/clients/{world.a_second}/profile").text
    assert page.count("scapular dyskinesis, left and right") == 1
    assert 'id="irritability-reason"' in page and "derived from pain 4/10" in page
