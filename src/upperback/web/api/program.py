"""Intentional loading: plan the program, read it, the next session, adaptations, overrides."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, status
from starlette.concurrency import run_in_threadpool

from upperback.model.adaptation import Adaptation, Override
from upperback.model.program import Program
from upperback.services import program
from upperback.web.api.guards import check_dates
from upperback.web.api.schemas import NextOut, PlanIn
from upperback.web.deps import ClientId, CurrentActor, DbDep
from upperback.web.guard import READ_AUDITED

router = APIRouter(prefix="/clients/{client_id}", tags=["program"])


@router.post(
    "/program",
    response_model=Program,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "An open red-flag referral blocks planning"}},
)
def plan(client_id: ClientId, db: DbDep, actor: CurrentActor, body: PlanIn) -> Program:
    """Generate the 12-week program from the latest profile and intake (clinician only)."""
    check_dates(body)
    return program.plan_program(
        db,
        actor,
        client_id,
        start_date=body.start_date,
        seed=body.seed,
        start_loads=body.start_loads,
    )


@router.get("/program", response_model=Program)
def current(client_id: ClientId, db: DbDep, actor: CurrentActor) -> Program:
    """The current version of the program: phases, weeks, sessions, prescriptions with reasons."""
    return program.current_program(db, actor, client_id)


def next_out(view: program.NextView) -> NextOut:
    return NextOut(
        program_version=view.program_version,
        session=view.session,
        session_date=view.session_date,
        suspended_reason=view.suspended_reason,
        latest_adaptations=view.latest_adaptations,
        precautions=view.precautions,
    )


@router.get("/next", response_model=NextOut)
async def next_session(
    request: Request, client_id: ClientId, db: DbDep, actor: CurrentActor
) -> NextOut:
    """The next session with doses and cues, or why there is none (suspended, finished)."""
    # The phone's hottest read: its audit entry is written in the use case's transaction
    # (one commit, not a second transaction after the response), and the use case is the
    # request's one hop into the thread pool (an async route's answer is also checked
    # against NextOut here, not in another hop).
    view = await run_in_threadpool(
        partial(program.next_view, db, actor, client_id, audit_read=True)
    )
    setattr(request.state, READ_AUDITED, True)  # web.guard: no second entry
    return next_out(view)


@router.get("/adaptations", response_model=list[Adaptation])
def adaptations(client_id: ClientId, db: DbDep, actor: CurrentActor) -> list[Adaptation]:
    """Every change the engine or the clinician made, with its rule, reason and source."""
    return program.adaptations_for(db, actor, client_id)


@router.post("/overrides", response_model=Program, status_code=status.HTTP_201_CREATED)
def override(client_id: ClientId, db: DbDep, actor: CurrentActor, body: Override) -> Program:
    """A clinician's decision, applied as a new program version and never undone by the engine."""
    check_dates(body)
    return program.add_override(db, actor, client_id, body)
