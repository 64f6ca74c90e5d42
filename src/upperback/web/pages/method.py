"""The method's steps as pages: intake and screening, assessment, profile, program, logging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from upperback.errors import InvalidInput, NotFound, UpperbackError
from upperback.knowledge.loader import describe_validation_error
from upperback.knowledge.tests_catalog import battery
from upperback.model.adaptation import Override
from upperback.model.common import Equipment, Goal, WorkPosture
from upperback.model.intake import Clearance
from upperback.preface.education import education_for
from upperback.preface.screening import red_flag_items, yellow_flag_items
from upperback.services import assessment, preface, program, sessions
from upperback.web.deps import DbDep, PageActor, PageClient
from upperback.web.pages.forms import assessment_from_form, intake_from_form, log_from_form
from upperback.web.templating import render

router = APIRouter(prefix="/clients/{client_id}")
T = TypeVar("T")


def _checked(build: Callable[[], T]) -> T:
    """Form fields the model rejects become one readable line on the same page."""
    try:
        return build()
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc, exc.title)) from None


def _intake_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: object
) -> Response:
    extra.setdefault("status_code", 200)
    code = int(str(extra.pop("status_code")))
    return render(
        request, "intake.html", status_code=code, client=client, active="intake",
        status=preface.screening_view(db, actor, client.id), red=red_flag_items(), yellow=yellow_flag_items(),
        postures=list(WorkPosture), goals=list(Goal), equipment=list(Equipment),
        today=dt.date.today(), **extra,
    )  # fmt: skip


@router.get("/intake", response_class=HTMLResponse)
def intake_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _intake_page(request, db, actor, client, result=None, education=[], error=None)


@router.post("/intake")
async def intake_submit(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    form = await request.form()
    red = [q.id for q in red_flag_items()]
    yellow = [q.id for q in yellow_flag_items()]
    try:
        doc = _checked(lambda: intake_from_form(form, red, yellow, dt.date.today()))
        result = preface.record_intake(db, actor, client.id, doc)
    except UpperbackError as exc:
        return _intake_page(
            request, db, actor, client, result=None, education=[], error=exc.message,
            status_code=exc.status_code,
        )  # fmt: skip
    return _intake_page(
        request, db, actor, client, result=result, education=education_for(result, doc), error=None
    )


@router.post("/clearance")
def clearance_submit(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    note: Annotated[str, Form(max_length=2000)],
) -> Response:
    preface.record_clearance(db, actor, client.id, Clearance(date=dt.date.today(), note=note))
    return RedirectResponse(f"/clients/{client.id}/intake", status_code=303)


def _assessment_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: object
) -> Response:
    code = int(str(extra.pop("status_code", 200)))
    history = assessment.assessment_history(db, actor, client.id)
    previous: dict[str, str] = {}
    for scored in history:
        for r in scored.results:
            key = r.test_id + (f":{r.side.value}" if r.side else ":-")
            previous[key] = f"{r.score:g} {r.unit} ({r.date})"
    cat = battery()
    specs = [cat.get(t) for t in cat.input_ids()]
    return render(
        request, "assessment.html", status_code=code, client=client, active="assessment",
        specs=specs, sex=client.sex, previous=previous, history=history, today=dt.date.today(),
        **extra,
    )  # fmt: skip


@router.get("/assessment", response_class=HTMLResponse)
def assessment_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _assessment_page(request, db, actor, client, outcome=None, error=None)


@router.post("/assessment")
async def assessment_submit(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    form = await request.form()
    try:
        doc = _checked(lambda: assessment_from_form(form, dt.date.today()))
        out = assessment.record_assessment(db, actor, client.id, doc)
    except UpperbackError as exc:
        return _assessment_page(
            request, db, actor, client, outcome=None, error=exc.message, status_code=exc.status_code
        )
    return _assessment_page(request, db, actor, client, outcome=out, error=None)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    try:
        prof = assessment.latest_profile(db, actor, client.id)
    except NotFound:
        prof = None
    return render(request, "profile.html", client=client, profile=prof, active="profile")


def _program_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: object
) -> Response:
    code = int(str(extra.pop("status_code", 200)))
    view = program.program_view(db, actor, client.id)
    return render(
        request, "program.html", status_code=code, client=client, program=view.program,
        nxt=view.next, status=view.screening, active="program", today=dt.date.today(), **extra,
    )  # fmt: skip


@router.get("/program", response_class=HTMLResponse)
def program_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _program_page(request, db, actor, client, error=None)


@router.post("/program")
def plan_submit(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    start_date: Annotated[str, Form()] = "",
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    try:
        start = dt.date.fromisoformat(start_date) if start_date else dt.date.today()
        program.plan_program(db, actor, client.id, start_date=start, seed=seed)
    except ValueError:
        return _program_page(
            request, db, actor, client, error="start_date: not a date", status_code=422
        )
    except UpperbackError as exc:
        return _program_page(
            request, db, actor, client, error=exc.message, status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}/program", status_code=303)


@router.post("/override")
def override_submit(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    exercise_id: Annotated[str, Form(max_length=60)],
    field: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=2000)],
    value: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        fields = {
            "exercise_id": exercise_id,
            "field": field,
            "value": value,
            "reason": reason,
            "date": dt.date.today(),
        }
        ov = _checked(lambda: Override.model_validate(fields))
        program.add_override(db, actor, client.id, ov)
    except UpperbackError as exc:
        return _program_page(
            request, db, actor, client, error=exc.message, status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}/program", status_code=303)


@router.get("/log", response_class=HTMLResponse)
def log_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    try:
        nxt = program.next_view(db, actor, client.id)
    except NotFound:
        nxt = None
    return render(
        request, "log.html", client=client, nxt=nxt, active="log", today=dt.date.today(),
        symptoms=red_flag_items(), error=None, outcome=None,
    )  # fmt: skip


@router.post("/log")
async def log_submit(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    form = await request.form()
    nxt = program.next_view(db, actor, client.id)
    error: str | None = None
    outcome = None
    code = 200
    if nxt.session is None:
        error, code = nxt.suspended_reason or "no session left to log", 409
    else:
        try:
            plan = nxt.session
            doc = _checked(lambda: log_from_form(form, plan, dt.date.today()))
            outcome = sessions.log_session(db, actor, client.id, doc)
        except UpperbackError as exc:
            error, code = exc.message, exc.status_code
    if outcome is not None:
        return render(
            request, "logged.html", client=client, outcome=outcome, active="log",
            nxt=program.next_view(db, actor, client.id),
        )  # fmt: skip
    return render(
        request, "log.html", status_code=code, client=client, nxt=nxt, active="log",
        today=dt.date.today(), symptoms=red_flag_items(), error=error, outcome=None,
    )  # fmt: skip
