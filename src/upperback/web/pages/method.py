"""The method's steps as pages: intake and screening, assessment, profile, program, logging.

Every form page keeps what was typed (`FormState`) and shows an error beside its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from upperback.errors import InvalidInput, NotFound, UpperbackError
from upperback.knowledge.instrument_forms import instrument_forms
from upperback.knowledge.loader import describe_validation_error, exercise_library
from upperback.knowledge.tests_catalog import battery
from upperback.model.adaptation import Override
from upperback.model.common import Equipment, Goal, Muscle, WorkPosture
from upperback.model.intake import Clearance
from upperback.preface.education import education_for
from upperback.preface.screening import RedFlagQuestion, red_flag_items, yellow_flag_items
from upperback.services import assessment, overrides, photos, preface, program, sessions
from upperback.services.exposure import latest_exposure
from upperback.web.deps import DbDep, PageActor, PageClient
from upperback.web.pages.forms import (
    FieldError,
    FormState,
    assessment_from_form,
    intake_from_form,
    log_from_form,
    optional_intake_fields,
)
from upperback.web.templating import render

router = APIRouter(prefix="/clients/{client_id}")
T = TypeVar("T")
EDIT_FIELDS = ("sets", "reps", "hold_s", "load_kg", "level")


def _checked(build: Callable[[], T]) -> T:
    """Form fields the model rejects become one readable line on the same page."""
    try:
        return build()
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc, exc.title)) from None


def _words(slug: str) -> str:
    return slug.replace("_", " ").capitalize()


def flag_groups(items: list[RedFlagQuestion]) -> list[dict[str, Any]]:
    """Red-flag questions by domain, catalogue order; client history apart from exam items."""
    groups: dict[str, dict[str, Any]] = {}
    for q in items:
        g = groups.setdefault(
            q.domain, {"domain": q.domain, "title": _words(q.domain), "history": [], "exam": []}
        )
        g["exam" if q.clinician_only else "history"].append(q)
    return list(groups.values())


def _intake_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: Any
) -> Response:
    code = int(extra.pop("status_code", 200))
    extra.setdefault("f", FormState())
    red = red_flag_items()
    return render(
        request, "intake.html", status_code=code, client=client, active="intake",
        status=preface.screening_view(db, actor, client.id), groups=flag_groups(red),
        yellow=yellow_flag_items(), postures=list(WorkPosture), goals=list(Goal),
        equipment=list(Equipment), optional=optional_intake_fields(), today=dt.date.today(),
        **extra,
    )  # fmt: skip


@router.get("/intake", response_class=HTMLResponse)
def intake_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _intake_page(request, db, actor, client, result=None, education=[], error=None)


@router.post("/intake")
async def intake_submit(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    form = await request.form()
    f = FormState.of(form)
    red = [q.id for q in red_flag_items()]
    yellow = [q.id for q in yellow_flag_items()]
    try:
        doc = intake_from_form(form, red, yellow, dt.date.today())
        result = preface.record_intake(db, actor, client.id, doc)
    except UpperbackError as exc:
        return _intake_page(
            request, db, actor, client, result=None, education=[], error=f.fail(exc), f=f,
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
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if len(note.strip()) < 3:
        f = FormState(
            values={"note": [note]},
            errors={"note": "Clearance note: say who reviewed the referral and the result"},
            submitted=True,
        )
        return _intake_page(
            request, db, actor, client, result=None, education=[], error=f.errors["note"],
            f=f, status_code=422,
        )  # fmt: skip
    preface.record_clearance(
        db, actor, client.id, Clearance(date=dt.date.today(), note=note.strip())
    )
    return RedirectResponse(f"/clients/{client.id}/intake", status_code=303)


def _assessment_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: Any
) -> Response:
    code = int(extra.pop("status_code", 200))
    extra.setdefault("f", FormState())
    extra.setdefault("photo", None)
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
        forms=instrument_forms(), exposure=latest_exposure(db, actor, client.id), **extra,
    )  # fmt: skip


@router.get("/assessment", response_class=HTMLResponse)
def assessment_page(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    photo: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """With ?photo=<id>, the angle marked on that posture photo is filled in."""
    f = FormState()
    marked = None
    if photo is not None:
        marked = photos.get_photo(db, actor, client.id, photo)
        if marked.cva_deg is not None:
            f = FormState(
                values={"val:cva:-": [f"{marked.cva_deg:g}"], "photo_id": [str(marked.id)]},
                submitted=False,
            )
    return _assessment_page(request, db, actor, client, outcome=None, error=None, f=f, photo=marked)


@router.post("/assessment")
async def assessment_submit(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    form = await request.form()
    f = FormState.of(form)
    try:
        doc = _checked(lambda: assessment_from_form(form, dt.date.today(), client))
        out = assessment.record_assessment(db, actor, client.id, doc)
        photo_id = f.v("photo_id")
        if photo_id.isdigit() and any(r.test_id == "cva" for r in doc.results):
            photos.link_photo(db, actor, client.id, int(photo_id), out.assessment_id)
    except UpperbackError as exc:
        return _assessment_page(
            request, db, actor, client, outcome=None, error=f.fail(exc), f=f,
            status_code=exc.status_code,
        )  # fmt: skip
    return _assessment_page(request, db, actor, client, outcome=out, error=None)


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    try:
        prof = assessment.latest_profile(db, actor, client.id)
    except NotFound:
        prof = None
    return render(request, "profile.html", client=client, profile=prof, active="profile")


def _program_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: Any
) -> Response:
    code = int(extra.pop("status_code", 200))
    extra.setdefault("f", FormState())
    view = program.program_view(db, actor, client.id)
    prog, nxt = view.program, view.next
    by_exercise: dict[str, list[overrides.OverrideView]] = {}
    revoked: list[overrides.OverrideView] = []
    if actor.role == "clinician":
        for o in overrides.list_overrides(db, actor, client.id):
            if o.revoked_at is None:
                by_exercise.setdefault(o.exercise_id, []).append(o)
                if o.field == "replace_with":
                    by_exercise.setdefault(o.value, []).append(o)
            else:
                revoked.append(o)
    return render(
        request, "program.html", status_code=code, client=client, program=prog, nxt=nxt,
        status=view.screening, active="program", today=dt.date.today(),
        ov=by_exercise, revoked=revoked[:20], edit_fields=EDIT_FIELDS, **extra,
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
    start_date: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    f = FormState(values={"start_date": [start_date]}, submitted=True)
    try:
        try:
            start = dt.date.fromisoformat(start_date) if start_date else dt.date.today()
        except ValueError:
            raise FieldError(
                "start_date", f"Start: {start_date!r} is not a date (YYYY-MM-DD)"
            ) from None
        program.plan_program(db, actor, client.id, start_date=start)
    except UpperbackError as exc:
        msg = f.fail(exc, "start_date")
        return _program_page(
            request, db, actor, client, error=msg, f=f, status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}/program", status_code=303)


def _store_override(
    db: DbDep, actor: PageActor, client: PageClient, fields: dict[str, Any], value_field: str
) -> None:
    try:
        ov = Override.model_validate({**fields, "date": dt.date.today()})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = str(err["loc"][0]) if err.get("loc") else ""
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        if loc == "reason":
            raise FieldError(
                "reason", "Reason: say in a few words why (at least 3 characters)"
            ) from None
        raise FieldError(
            value_field, f"{_words(str(fields.get('field', 'value')))}: {msg}"
        ) from None
    program.add_override(db, actor, client.id, ov)


@router.post("/override")
async def override_submit(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    """One edit at one exercise: a dose field, remove, freeze or (from the picker) a swap.

    Fields may carry the exercise as prefix (`<exercise>:value`), so each exercise's
    inline form keeps its own typed values and error.
    """
    form = await request.form()

    def get(name: str, limit: int) -> str:
        raw = form.get(f"{exercise_id}:{name}", form.get(name, ""))
        return raw.strip()[:limit] if isinstance(raw, str) else ""

    raw_id = form.get("exercise_id", "")
    exercise_id = raw_id.strip()[:60] if isinstance(raw_id, str) else ""
    field, value, reason = get("field", 20), get("value", 200), get("reason", 2000)
    if not exercise_id:
        return _program_page(
            request, db, actor, client, error="Exercise: pick one", status_code=422
        )
    form_prefix = f"{exercise_id}:"
    f = FormState(
        values={
            form_prefix + "value": [value],
            form_prefix + "reason": [reason],
            form_prefix + "field": [field],
        },
        submitted=True,
    )
    try:
        if field == "replace_with":
            if not value:
                raise FieldError("value", "Replacement: pick an exercise from the list")
            overrides.check_pick(db, actor, client.id, exercise_id, value)
        fields = {"exercise_id": exercise_id, "field": field, "value": value, "reason": reason}
        try:
            _store_override(db, actor, client, fields, "value")
        except FieldError as exc:
            raise FieldError(form_prefix + exc.field, exc.message) from None
    except UpperbackError as exc:
        name = exc.field if isinstance(exc, FieldError) else form_prefix + "value"
        f.errors[name] = exc.message
        if field == "replace_with":
            return _swap_page(
                request,
                db,
                actor,
                client,
                exercise_id,
                error=exc.message,
                f=f,
                status_code=exc.status_code,
            )
        return _program_page(
            request, db, actor, client, error=exc.message, f=f, status_code=exc.status_code,
            edit_open=exercise_id,
        )  # fmt: skip
    return RedirectResponse(f"/clients/{client.id}/program#ex-{exercise_id}", status_code=303)


@router.post("/override/{override_id}/revoke")
async def revoke_submit(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    override_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    form = await request.form()
    raw = form.get(f"revoke:{override_id}", form.get("reason", ""))
    reason = raw.strip()[:2000] if isinstance(raw, str) else ""
    f = FormState(values={f"revoke:{override_id}": [reason]}, submitted=True)
    try:
        overrides.revoke_override(db, actor, client.id, override_id, reason, today=dt.date.today())
    except UpperbackError as exc:
        f.errors[f"revoke:{override_id}"] = exc.message
        return _program_page(
            request, db, actor, client, error=exc.message, f=f, status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}/program", status_code=303)


def _swap_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, exercise_id: str,
    **extra: Any,
) -> Response:  # fmt: skip
    code = int(extra.pop("status_code", 200))
    extra.setdefault("f", FormState())
    extra.setdefault("error", None)
    target = str(extra.pop("target", ""))
    equipment = str(extra.pop("equipment", ""))
    level = extra.pop("level", None)
    only = bool(extra.pop("only_allowed", False))
    current = exercise_library().get(exercise_id)
    cands = overrides.swap_candidates(
        db, actor, client.id, exercise_id, target=target, equipment=equipment, level=level,
        only_allowed=only,
    )  # fmt: skip
    return render(
        request, "swap.html", status_code=code, client=client, active="program", current=current,
        candidates=cands, muscles=[m.value for m in Muscle], equipment=[e.value for e in Equipment],
        sel={"target": target, "equipment": equipment, "level": level, "only": only}, **extra,
    )  # fmt: skip


@router.get("/program/swap", response_class=HTMLResponse)
def swap_page(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    exercise: Annotated[str, Query(max_length=60)] = "",
    target: Annotated[str, Query(max_length=40)] = "",
    equipment: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[str, Query(max_length=2)] = "",
    only: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    if not exercise:
        return RedirectResponse(f"/clients/{client.id}/program#edit", status_code=303)
    lv = int(level) if level.isdigit() and 1 <= int(level) <= 5 else None
    return _swap_page(
        request, db, actor, client, exercise, target=target, equipment=equipment, level=lv,
        only_allowed=only == "1",
    )  # fmt: skip


@router.get("/log", response_class=HTMLResponse)
def log_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    try:
        nxt = program.next_view(db, actor, client.id)
    except NotFound:
        nxt = None
    return render(
        request, "log.html", client=client, nxt=nxt, active="log", today=dt.date.today(),
        symptoms=red_flag_items(), error=None, outcome=None, f=FormState(),
    )  # fmt: skip


@router.post("/log")
async def log_submit(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    form = await request.form()
    f = FormState.of(form)
    nxt = program.next_view(db, actor, client.id)
    error: str | None = None
    outcome = None
    code = 200
    if nxt.session is None:
        error, code = nxt.suspended_reason or "no session left to log", 409
    else:
        try:
            plan = nxt.session
            doc = log_from_form(form, plan, dt.date.today())
            outcome = sessions.log_session(db, actor, client.id, doc)
        except UpperbackError as exc:
            error, code = f.fail(exc), exc.status_code
    if outcome is not None:
        return render(
            request, "logged.html", client=client, outcome=outcome, active="log",
            nxt=program.next_view(db, actor, client.id),
        )  # fmt: skip
    return render(
        request, "log.html", status_code=code, client=client, nxt=nxt, active="log",
        today=dt.date.today(), symptoms=red_flag_items(), error=error, outcome=None, f=f,
    )  # fmt: skip
