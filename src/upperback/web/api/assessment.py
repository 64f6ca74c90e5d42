"""Assessment: score a battery against norms and change, the deficit profile, the history."""

from __future__ import annotations

from fastapi import APIRouter, status

from upperback.model.assessment import AssessmentIn, ScoredAssessment
from upperback.model.profile import DeficitProfile
from upperback.services import assessment
from upperback.web.api.guards import check_dates
from upperback.web.api.schemas import AssessmentOut
from upperback.web.deps import ClientId, CurrentActor, DbDep

router = APIRouter(prefix="/clients/{client_id}", tags=["assessment"])


@router.post("/assessments", response_model=AssessmentOut, status_code=status.HTTP_201_CREATED)
def record_assessment(
    client_id: ClientId, db: DbDep, actor: CurrentActor, doc: AssessmentIn
) -> AssessmentOut:
    """Score the battery, compare with norms and the previous results, derive the profile.

    A reassessment re-plans the weeks not yet trained; those changes come back in `replanned`.
    """
    check_dates(doc)
    out = assessment.record_assessment(db, actor, client_id, doc)
    return AssessmentOut(
        assessment_id=out.assessment_id,
        scored=out.scored,
        profile=out.profile,
        replanned=out.replanned,
    )


@router.get("/assessments", response_model=list[ScoredAssessment])
def history(client_id: ClientId, db: DbDep, actor: CurrentActor) -> list[ScoredAssessment]:
    return assessment.assessment_history(db, actor, client_id)


@router.get("/profile", response_model=DeficitProfile)
def profile(client_id: ClientId, db: DbDep, actor: CurrentActor) -> DeficitProfile:
    """The latest deficit profile: findings with their evidence, ranked priorities."""
    return assessment.latest_profile(db, actor, client_id)
