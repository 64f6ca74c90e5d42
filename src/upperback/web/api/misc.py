"""Knowledge and records export: the exercise library, a clinician's full export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from upperback.knowledge.loader import exercise_library
from upperback.knowledge.schema import Exercise
from upperback.services import transfer
from upperback.web.deps import CurrentActor, DbDep

router = APIRouter(tags=["knowledge"])


@router.get("/exercises", response_model=list[Exercise])
def exercises(_actor: CurrentActor) -> list[Exercise]:
    """The curated exercise library with targets, ratio class, dosage, cues and evidence."""
    return list(exercise_library())


@router.get("/export", tags=["export"])
def export(db: DbDep, actor: CurrentActor) -> dict[str, Any]:
    """Every record the acting clinician owns, lossless (clinician only)."""
    return transfer.export_records(db, actor)
