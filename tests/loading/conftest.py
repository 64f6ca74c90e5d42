"""Fixtures for loading tests: a small valid exercise library written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from upperback.knowledge.loader import ExerciseLibrary, load_exercises

FIXTURE_LIBRARY = Path(__file__).parent / "fixtures" / "library.yaml"


@pytest.fixture(scope="session")
def lib() -> ExerciseLibrary:
    return load_exercises(FIXTURE_LIBRARY)
