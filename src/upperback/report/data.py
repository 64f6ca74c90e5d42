"""Everything a report shows about one client, read once through the access-checked services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from upperback.errors import NotFound
from upperback.model.adaptation import Adaptation
from upperback.model.client import Client
from upperback.model.intake import Clearance, ScreeningResult
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program
from upperback.model.session import SessionLog
from upperback.services import assessment, clients, preface, program, progress, sessions
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.progress import Progress


@dataclass(frozen=True)
class ReportData:
    client: Client
    today: dt.date
    progress: Progress
    program: Program | None
    logs: list[SessionLog]
    adaptations: list[Adaptation]
    profile: DeficitProfile | None
    screening: ScreeningResult | None
    clearance: Clearance | None


def collect(db: Database, actor: Actor, client_id: int, *, today: dt.date) -> ReportData:
    """Gather a client's record for a report; NotFound if the actor may not see it."""
    client = clients.get_client(db, actor, client_id)
    _c, screening, clearance = preface.screening_status(db, actor, client_id)
    try:
        prog: Program | None = program.current_program(db, actor, client_id)
    except NotFound:
        prog = None
    try:
        profile: DeficitProfile | None = assessment.latest_profile(db, actor, client_id)
    except NotFound:
        profile = None
    return ReportData(
        client=client,
        today=today,
        progress=progress.progress(db, actor, client_id, today=today),
        program=prog,
        logs=sessions.list_logs(db, actor, client_id),
        adaptations=program.adaptations_for(db, actor, client_id),
        profile=profile,
        screening=screening,
        clearance=clearance,
    )
