"""The FHIR endpoints over a real app: access rules, content type, bounds, refusals."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import DATA, Demo, normalized, row_counts
from upperback.interop.importer import MAX_BYTES
from upperback.services.database import Database
from upperback.services.seed import (
    CLIENT_PASSWORD,
    CLIENT_USER,
    DEMO_PASSWORD,
    DEMO_USER,
    OTHER_PASSWORD,
    OTHER_USER,
)
from upperback.web import create_app

FHIR = "application/fhir+json"


@pytest.fixture
def api(demo: tuple[Database, Demo]) -> Iterator[TestClient]:
    _, d = demo
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        app = create_app(str(d.path), secret_key="x" * 40)
    yield TestClient(app)
    app.state.db.close()


def token(api: TestClient, user: str, password: str) -> dict[str, str]:
    r = api.post("/api/v1/auth/token", data={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_export_follows_the_client_data_rules(
    api: TestClient, demo: tuple[Database, Demo], demo_bundle: dict[str, Any]
) -> None:
    _, d = demo
    url = f"/api/v1/clients/{d.client_id}/fhir"
    r = api.get(url, headers=token(api, DEMO_USER, DEMO_PASSWORD))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(FHIR)
    assert r.json()["type"] == "transaction" and normalized(r.json()) == normalized(demo_bundle)
    assert api.get(url, headers=token(api, CLIENT_USER, CLIENT_PASSWORD)).status_code == 200
    assert api.get(url, headers=token(api, OTHER_USER, OTHER_PASSWORD)).status_code == 404
    assert api.get(url).status_code == 401


def test_import_reports_and_refuses(api: TestClient, demo: tuple[Database, Demo]) -> None:
    db, _ = demo
    clinician = token(api, OTHER_USER, OTHER_PASSWORD)
    body = (DATA / "foreign_bundle.json").read_bytes()
    r = api.post("/api/v1/fhir/import", content=body, headers={**clinician, "Content-Type": FHIR})
    assert r.status_code == 200, r.text
    assert r.json()["created"] is True and len(r.json()["skipped"]) == 3
    before = row_counts(db)
    bad = json.loads(body)
    del bad["entry"][3]["resource"]["valueQuantity"]
    r = api.post(
        "/api/v1/fhir/import", content=json.dumps(bad), headers={**clinician, "Content-Type": FHIR}
    )
    assert r.status_code == 422
    assert r.json()["detail"].startswith("Observation/rom-1: value[x]: missing")
    r = api.post(
        "/api/v1/fhir/import", content=b"{nope", headers={**clinician, "Content-Type": FHIR}
    )
    assert r.status_code == 422 and "malformed JSON" in r.json()["detail"]
    r = api.post(
        "/api/v1/fhir/import",
        content=body,
        headers={**clinician, "Content-Type": f"{FHIR}; fhirVersion=5.0"},
    )
    assert r.status_code == 422 and "fhirVersion=5.0" in r.json()["detail"]
    r = api.post(
        "/api/v1/fhir/import",
        content=b" " * (MAX_BYTES + 1),
        headers={**clinician, "Content-Type": FHIR},
    )
    assert r.status_code == 413
    r = api.post(
        "/api/v1/fhir/import",
        content=body,
        headers={**token(api, CLIENT_USER, CLIENT_PASSWORD), "Content-Type": FHIR},
    )
    assert r.status_code == 403
    assert row_counts(db) == before
