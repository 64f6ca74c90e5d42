"""Fixtures of the FHIR tests: the seeded demo database (built once, copied per test), its
exported Bundle, an empty database with a clinician, and helpers to compare Bundles."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from upperback.services import clients, fhir
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.seed import seed_demo
from upperback.store.tables import Base

TODAY = dt.date(2026, 3, 2)
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Demo:
    path: Path
    client_id: int
    clinician: Actor


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("fhir") / "demo.sqlite3"
    db = Database.open(path)
    info = seed_demo(db, today=TODAY)
    assert info.client_id is not None
    actor = clients.ensure_clinician(db, "Demo Clinician")
    db.close()
    return Demo(path, info.client_id, actor)


@pytest.fixture
def demo(demo_template: Demo, tmp_path: Path) -> Iterator[tuple[Database, Demo]]:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template.path, path)
    db = Database.open(path)
    yield db, Demo(path, demo_template.client_id, demo_template.clinician)
    db.close()


@pytest.fixture(scope="session")
def demo_bundle(demo_template: Demo) -> dict[str, Any]:
    db = Database.open(demo_template.path)
    try:
        return fhir.export_fhir(db, demo_template.clinician, demo_template.client_id)
    finally:
        db.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[tuple[Database, Actor]]:
    db = Database.open(tmp_path / "empty.sqlite3")
    actor = clients.ensure_clinician(db, "Demo Clinician")
    yield db, actor
    db.close()


def foreign_bundle() -> dict[str, Any]:
    """A hand-written Bundle as another system would send it (see data/foreign_bundle.json)."""
    doc: dict[str, Any] = json.loads((DATA / "foreign_bundle.json").read_text(encoding="utf-8"))
    return doc


def row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def normalized(bundle: dict[str, Any]) -> dict[str, Any]:
    """A Bundle with ids set aside: fullUrls become entry positions, the client id and the
    timestamp are dropped."""
    urls = {e["fullUrl"]: f"#{i}" for i, e in enumerate(bundle["entry"])}

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items() if k != "timestamp"}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return urls.get(x, x) if isinstance(x, str) else x

    out: dict[str, Any] = walk(bundle)
    for e in out["entry"]:
        if e["resource"]["resourceType"] == "Patient":
            e["resource"].pop("identifier", None)
    return out


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes_of(resource: dict[str, Any]) -> set[str]:
    return {f"{c['system']}|{c['code']}" for c in resource.get("code", {}).get("coding", [])}
