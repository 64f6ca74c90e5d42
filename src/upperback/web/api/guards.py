"""Checks the API adds at its edge to documents the domain accepts as typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from upperback.errors import InvalidInput
from upperback.model.common import EARLIEST_DAY, LATEST_DAY

EARLIEST = EARLIEST_DAY
LATEST = LATEST_DAY


def _walk(value: Any, where: str) -> None:
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if not EARLIEST <= day <= LATEST:
            raise InvalidInput(f"{where}: {day} is outside {EARLIEST}..{LATEST}")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _walk(getattr(value, name), f"{where}.{name}" if where else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _walk(item, f"{where}[{i}]")


def check_dates(doc: BaseModel) -> None:
    """Dates far outside a human lifetime would overflow date arithmetic downstream."""
    _walk(doc, "")
