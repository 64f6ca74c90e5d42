"""Request and response bodies of the API that are not domain documents themselves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from upperback.model.adaptation import Adaptation
from upperback.model.assessment import ScoredAssessment
from upperback.model.intake import Clearance, ScreeningResult
from upperback.model.outcome import AdherenceSummary, OutcomePoint, OutcomeSummary
from upperback.model.profile import DeficitProfile
from upperback.model.program import SessionPlan


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


class AccountOut(BaseModel):
    id: int
    username: str
    role: str
    clinician_id: int | None
    client_id: int | None


class AccountIn(BaseModel):
    """A login for a client: they will see only their own program and logs."""

    username: str = Field(min_length=2, max_length=60)
    password: str = Field(min_length=8, max_length=200)


class ScreeningStatus(BaseModel):
    screening: ScreeningResult | None
    clearance: Clearance | None
    blocks_program: bool = Field(description="True while a referral has no clearance.")


class AssessmentOut(BaseModel):
    assessment_id: int
    scored: ScoredAssessment
    profile: DeficitProfile
    replanned: list[Adaptation]


class PlanIn(BaseModel):
    start_date: dt.date
    seed: int = Field(default=0, ge=0, le=2**31 - 1)
    start_loads: dict[str, float] = Field(
        default_factory=dict,
        max_length=40,
        description="Clinician's starting loads: exercise id -> kg (a size its equipment "
        "comes in) or band / pressure-cuff level; they win over the assessment's.",
    )


class NextOut(BaseModel):
    program_version: int
    session: SessionPlan | None
    session_date: dt.date | None
    suspended_reason: str | None
    latest_adaptations: list[Adaptation] = Field(
        description="The adaptations that produced the current version, with their reasons."
    )
    precautions: list[str] = Field(
        default_factory=list,
        description="Screening precautions ('label: action', red-flag data) for whoever "
        "supervises the session, e.g. anticoagulants.",
    )


class LogOut(BaseModel):
    log_id: int
    program_version: int
    adaptations: list[Adaptation]
    next_session: SessionPlan | None
    referral: ScreeningResult | None


class ProgressOut(BaseModel):
    outcomes: list[OutcomeSummary]
    adherence: AdherenceSummary | None
    series: dict[str, list[OutcomePoint]]
    adaptations_count: int


class EmgRecordingOut(BaseModel):
    id: int
    client_id: int
    date: dt.date
    filename: str
    analysis: dict[str, Any] | None = None
