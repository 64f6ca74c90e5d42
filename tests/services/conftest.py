"""A real database per test, SQLite and PostgreSQL (db_url in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from services_support import World, open_world


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    yield from open_world(db_url)
