"""What an export needs of a client's record, gathered by the service in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from upperback.model.adaptation import Override
from upperback.model.assessment import AssessmentIn, ScoredAssessment
from upperback.model.client import Client
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.model.program import Program
from upperback.model.session import SessionLog


@dataclass(frozen=True)
class Referral:
    """A red-flag referral (from an intake or a session log) and its clearance, if any."""

    date: dt.date
    screening: ScreeningResult
    source: str
    clearance: Clearance | None = None


@dataclass(frozen=True)
class Assessment:
    document: AssessmentIn
    scored: ScoredAssessment


@dataclass(frozen=True)
class ClientRecord:
    client: Client
    clinician_name: str
    intakes: list[Intake] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    program: Program | None = None
    program_suspended: bool = False
    logs: list[SessionLog] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
