"""Client and clinician identities as the domain sees them."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from upperback.model.common import Frozen, Sex


class ClientIn(Frozen):
    """What a clinician enters to register a client."""

    name: str = Field(min_length=1, max_length=200)
    sex: Sex
    birth_year: int = Field(ge=1900, le=2100)
    body_mass_kg: float | None = Field(default=None, gt=20, lt=400)
    email: str | None = Field(default=None, max_length=320)


class Client(ClientIn):
    id: int
    clinician_id: int
    created: dt.date

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on a given day (birth day taken as 1 July)."""
        return day.year - self.birth_year - (1 if (day.month, day.day) < (7, 1) else 0)
