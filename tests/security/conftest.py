"""Fixtures of the security tests: the web tests' seeded world (built once, copied per test)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sec_helpers import make_app
from web_helpers import World, _build


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> World:
    return _build(tmp_path_factory.mktemp("sec-seed") / "template.sqlite3")


@pytest.fixture
def world(seeded: World, tmp_path: Path) -> World:
    path = tmp_path / "sec.sqlite3"
    shutil.copy(seeded.path, path)
    return World(
        path,
        seeded.a_client,
        seeded.a_second,
        seeded.b_client,
        seeded.a_recording,
        seeded.b_recording,
    )


@pytest.fixture
def app(world: World) -> Iterator[FastAPI]:
    application = make_app(world)
    yield application
    application.state.db.close()


@pytest.fixture
def api(app: FastAPI) -> TestClient:
    return TestClient(app)
