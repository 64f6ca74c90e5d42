"""Adaptive feedback: log a session; what comes next changes, with reasons."""

from __future__ import annotations

from fastapi import APIRouter, status
from starlette.concurrency import run_in_threadpool

from upperback.model.session import SessionLog, SessionLogIn
from upperback.services import sessions
from upperback.services.sessions import list_logs
from upperback.web.api.guards import check_dates
from upperback.web.api.schemas import LogOut
from upperback.web.deps import ClientId, CurrentActor, DbDep

router = APIRouter(prefix="/clients/{client_id}", tags=["sessions"])


@router.post(
    "/sessions",
    response_model=LogOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "Already logged, or the program is suspended"}},
)
async def log_session(
    client_id: ClientId, db: DbDep, actor: CurrentActor, log: SessionLogIn
) -> LogOut:
    """Store a performed session (client or clinician); the adaptive engine re-doses what follows."""
    check_dates(log)
    # One hop into the thread pool for the use case; the answer is checked against LogOut
    # on the event loop (a sync route would take a second hop for that).
    out = await run_in_threadpool(sessions.log_session, db, actor, client_id, log)
    return LogOut(
        log_id=out.log_id,
        program_version=out.program_version,
        adaptations=out.adaptations,
        next_session=out.next_session,
        referral=out.referral,
    )


@router.get("/sessions", response_model=list[SessionLog])
def list_sessions(client_id: ClientId, db: DbDep, actor: CurrentActor) -> list[SessionLog]:
    return list_logs(db, actor, client_id)
