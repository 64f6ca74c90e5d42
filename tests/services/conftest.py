"""A real SQLite database per test (see services_support)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from services_support import World, open_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    yield from open_world(tmp_path)
