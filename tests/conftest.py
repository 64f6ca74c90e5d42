"""Shared fixtures: real files and databases under pytest's tmp_path; test tiers by folder;
the real sEMG recordings beside the project (skipped with one line when absent, required
when UPPERBACK_REQUIRE_SHARED=1, as CI sets)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pg_server import LocalPostgres
from pg_server import start as start_postgres

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
REQUIRE_SHARED = "UPPERBACK_REQUIRE_SHARED"

# Tier of each test, by folder (a file listed here overrides its folder):
# unit = pure steps in memory; integration = real SQLite, files, in-process HTTP, loopback
# streams; e2e = the real `upperback` command or a real browser end to end.
TIERS = {
    "assessment": "unit",
    "feedback": "unit",
    "knowledge": "unit",
    "loading": "unit",
    "model": "unit",
    "outcomes": "unit",
    "preface": "unit",
    "sim": "unit",
    "emg": "unit",
    "store": "integration",
    "services": "integration",
    "report": "integration",
    "web": "integration",
    "interop": "integration",
    "cli": "e2e",
    "cohort": "integration",
}
FILE_TIERS = {
    "emg/test_emg_readers.py": "integration",
    "emg/test_emg_lsl.py": "integration",
    "emg/test_emg_cli.py": "e2e",
    "web/test_web_browser.py": "e2e",
    "interop/test_fhir_cli.py": "e2e",
}


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get(REQUIRE_SHARED) == "1" and not SHARED_DATA.is_dir():
        pytest.exit(
            f"error: {REQUIRE_SHARED}=1 but the real recordings are not at {SHARED_DATA}", 2
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        rel = Path(str(item.fspath)).resolve().relative_to(tests_dir).as_posix()
        tier = FILE_TIERS.get(rel) or TIERS.get(rel.split("/")[0], "unit")
        item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def shared_data() -> Path:
    """Folder of the real recordings shipped beside the project (never copied in)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real recordings not at {SHARED_DATA} (UPPERBACK_REQUIRE_SHARED=1 requires them)"
        )
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
