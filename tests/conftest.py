"""Shared fixtures: real files and databases under pytest's tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pg_server import LocalPostgres
from pg_server import start as start_postgres

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """Folder of the real recordings shipped beside the project (never copied in)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data folder missing: {SHARED_DATA}")
    return SHARED_DATA


# --- Stores: every store, service and web test that takes `db_url` runs on SQLite and on
# PostgreSQL. The PostgreSQL server is started once per test session (per xdist worker) on
# a loopback port from a package's binaries (see pg_server.py) and thrown away after.

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalPostgres]:
    try:
        server = start_postgres()
    except RuntimeError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store under test: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on the parametrised backend: a file path or a PostgreSQL URL."""
    if backend == "sqlite":
        yield str(tmp_path / "store.sqlite3")
        return
    server: LocalPostgres = request.getfixturevalue("pg_server")
    name = server.create_database()
    yield server.url(name)
    server.drop_database(name)
