"""Fixtures of the web tests: a seeded database (built once, copied per test module), apps,
logged-in clients for the API (tokens) and the pages (session cookie + CSRF)."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import headless_chromium, live_server
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import (
    SECRET,
    TODAY,
    World,
    _build,
    csrf_of,
    page_login,
    row_counts,
    synthetic_emg_csv,
    token_for,
)

from pg_server import LocalPostgres
from upperback.web import create_app

__all__ = [
    "SECRET",
    "TODAY",
    "World",
    "csrf_of",
    "page_login",
    "row_counts",
    "synthetic_emg_csv",
    "token_for",
]


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("seed") / "template.sqlite3"
    return _build(path)


@pytest.fixture(scope="session")
def pg_seeded_template(pg_server: LocalPostgres) -> World:
    """The same seeded world in a PostgreSQL template database (copied per test)."""
    name = pg_server.create_database("webtmpl")
    return _build(pg_server.url(name))  # type: ignore[arg-type]


@pytest.fixture
def world(
    seeded_template: World, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[World]:
    """A private copy of the seeded database for one test, on SQLite and on PostgreSQL."""
    fields = ("a_client", "a_second", "b_client", "a_recording", "b_recording")
    ids = [getattr(seeded_template, f) for f in fields]
    if backend == "sqlite":
        path = tmp_path / "web.sqlite3"
        shutil.copy(seeded_template.path, path)
        yield World(path, *ids)
        return
    server: LocalPostgres = request.getfixturevalue("pg_server")
    template: World = request.getfixturevalue("pg_seeded_template")
    name = server.create_database("web", template=str(template.path).rsplit("/", 1)[1])
    yield World(server.url(name), *(getattr(template, f) for f in fields))  # type: ignore[arg-type]
    server.drop_database(name)


@pytest.fixture
def app(world: World) -> Iterator[FastAPI]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        application = create_app(str(world.path), secret_key=SECRET)
    yield application
    application.state.db.close()


@pytest.fixture
def api(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture
def headers_a(api: TestClient) -> dict[str, str]:
    return token_for(api, "demo", "demo-clinician")


@pytest.fixture
def headers_b(api: TestClient) -> dict[str, str]:
    return token_for(api, "other", "other-clinician")


@pytest.fixture
def headers_client(api: TestClient) -> dict[str, str]:
    return token_for(api, "alex", "demo-client")


@pytest.fixture(scope="module")
def server(seeded_template: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Browser tests: a live uvicorn server on a copy of the seeded database, per module."""
    with live_server(seeded_template.path, tmp_path_factory.mktemp("browser")) as (base, _, _):
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Browser tests: headless Chromium for the module (after its server is up)."""
    with headless_chromium() as b:
        yield b
