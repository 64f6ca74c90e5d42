"""Preface: intake with red-flag screening, and the clinician's clearance of a referral."""

from __future__ import annotations

from fastapi import APIRouter, status

from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.services import preface
from upperback.web.api.guards import check_dates
from upperback.web.api.schemas import ScreeningStatus
from upperback.web.deps import ClientId, CurrentActor, DbDep

router = APIRouter(prefix="/clients/{client_id}", tags=["preface"])


def status_of(db: DbDep, actor: CurrentActor, client_id: int) -> ScreeningStatus:
    view = preface.screening_view(db, actor, client_id)
    return ScreeningStatus(
        screening=view.screening, clearance=view.clearance, blocks_program=view.blocks_program
    )


@router.post("/intake", response_model=ScreeningResult, status_code=status.HTTP_201_CREATED)
def record_intake(
    client_id: ClientId, db: DbDep, actor: CurrentActor, intake: Intake
) -> ScreeningResult:
    """Record an intake and screen it; outcome `refer` blocks planning until clearance."""
    check_dates(intake)
    return preface.record_intake(db, actor, client_id, intake)


@router.get("/screening", response_model=ScreeningStatus)
def screening(client_id: ClientId, db: DbDep, actor: CurrentActor) -> ScreeningStatus:
    """The newest screening, its clearance if any, and whether planning is blocked."""
    return status_of(db, actor, client_id)


@router.post("/clearance", response_model=ScreeningStatus, status_code=status.HTTP_201_CREATED)
def record_clearance(
    client_id: ClientId, db: DbDep, actor: CurrentActor, clearance: Clearance
) -> ScreeningStatus:
    """A clinician records that the referral was acted on (clinician only)."""
    check_dates(clearance)
    preface.record_clearance(db, actor, client_id, clearance)
    return status_of(db, actor, client_id)
