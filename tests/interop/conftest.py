"""Fixtures of the FHIR tests: the seeded demo database (built once, copied per test), its
exported Bundle, and an empty database with a clinician."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir_support import TODAY, Demo

from upperback.services import clients, fhir
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.seed import seed_demo


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
