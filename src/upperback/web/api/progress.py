"""Progress: outcomes against clinically meaningful change, adherence, series for plots."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from upperback.errors import InvalidInput
from upperback.services import progress
from upperback.web.api.guards import EARLIEST, LATEST
from upperback.web.api.schemas import ProgressOut
from upperback.web.deps import ClientId, CurrentActor, DbDep

router = APIRouter(prefix="/clients/{client_id}", tags=["progress"])

TodayQ = Annotated[
    dt.date | None,
    Query(description="Judge adherence as of this day (default today)."),
]


def today_or(day: dt.date | None) -> dt.date:
    if day is None:
        return dt.date.today()
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"today: {day} is outside {EARLIEST}..{LATEST}")
    return day


@router.get("/progress", response_model=ProgressOut)
def get_progress(
    client_id: ClientId, db: DbDep, actor: CurrentActor, today: TodayQ = None
) -> ProgressOut:
    p = progress.progress(db, actor, client_id, today=today_or(today))
    return ProgressOut(
        outcomes=p.outcomes,
        adherence=p.adherence,
        series=p.series,
        adaptations_count=p.adaptations_count,
    )
