"""Builders for intake documents used across the preface tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from upperback.model.intake import Intake


@pytest.fixture
def make_intake() -> Callable[..., Intake]:
    def build(**fields: Any) -> Intake:
        return Intake(date=dt.date(2025, 3, 3), **fields)

    return build
