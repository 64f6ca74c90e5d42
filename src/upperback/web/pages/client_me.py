"""The client's own pages on the phone: today, the guided session, check-in, words, progress."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from upperback.errors import Conflict, Forbidden, InvalidInput, NotFound, UpperbackError
from upperback.illustrate.plain import (
    client_text,
    plain_change,
    plain_effort,
    plain_language,
    plain_load,
    plain_name,
)
from upperback.model.program import SessionPlan
from upperback.services import checkins, clients, guided, program, questionnaires
from upperback.services.access import Actor
from upperback.services.exposure import micro_break_plan
from upperback.web.deps import DbDep, PageActor
from upperback.web.pages.client_progress import progress_view
from upperback.web.pages.client_view import cards
from upperback.web.templating import STATIC_DIR, render, templates

router = APIRouter()
# Plain-language helpers for the shared log templates (log.html, logged.html).
templates.env.globals.update(
    plain_change=plain_change,
    plain_name=plain_name,
    plain_effort=plain_effort,
    plain_load=plain_load,
    client_text=client_text,
)
MAX_BODY = 64_000


def _client_id(actor: Actor) -> int:
    if actor.role != "client" or actor.client_id is None:
        raise Forbidden("these pages are the client's own: open a client's record instead")
    return actor.client_id


def _next(
    db: DbDep, actor: Actor, client_id: int
) -> tuple[SessionPlan | None, dt.date | None, bool, list[str]]:
    """The next session, its date, whether the program is paused, and the client's plain
    safety notes from screening precautions (e.g. a blood thinner)."""
    try:
        view = program.next_view(db, actor, client_id)
    except NotFound:
        return None, None, False, []
    plan = view.session
    when = view.program.session_date(plan.week, plan.index) if plan else None
    return plan, when, view.suspended_reason is not None, view.client_notes


@router.get("/me", response_class=HTMLResponse)
def me_home(request: Request, db: DbDep, actor: PageActor, msg: str | None = None) -> Response:
    cid = _client_id(actor)
    today = dt.date.today()
    client = clients.get_client(db, actor, cid)
    questionnaires.schedule_before_reassessment(db, actor, cid, today)  # idempotent
    plan, when, paused, notes = _next(db, actor, cid)
    return render(
        request, "client_home.html", me=client, plan=plan, when=when, paused=paused, notes=notes,
        items=cards(plan, animated=False) if plan else [],
        checkin=checkins.due_checkin(db, actor, cid, today),
        due=questionnaires.due_for_client(db, actor, cid, today), msg=msg, today=today,
        micro_break=micro_break_plan(db, actor, cid),
    )  # fmt: skip


@router.get("/me/session", response_class=HTMLResponse)
def me_session(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    plan, when, paused, notes = _next(db, actor, cid)
    items = cards(plan) if plan else []
    data = (
        {"week": plan.week, "index": plan.index, "exercises": [c.data() for c in items]}
        if plan
        else None
    )
    return render(
        request,
        "client_session.html",
        plan=plan,
        when=when,
        paused=paused,
        notes=notes,
        items=items,
        data_json=json.dumps(data).replace("<", "\\u003c"),
    )


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidInput(f"body: larger than {MAX_BODY} bytes")
    try:
        return json.loads(raw or b"null")
    except ValueError:
        raise InvalidInput("body: not valid JSON") from None


def _err(exc: UpperbackError) -> JSONResponse:
    return JSONResponse({"detail": exc.message}, status_code=exc.status_code)


@router.get("/me/session/draft")
def draft_get(db: DbDep, actor: PageActor, week: int, index: int) -> Response:
    cid = _client_id(actor)
    d = guided.load_draft(db, actor, cid, week, index)
    return JSONResponse(d.model_dump(mode="json") if d else None)


@router.put("/me/session/draft")
async def draft_put(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    try:
        guided.save_draft(db, actor, cid, guided.parse_draft(await _json_body(request)))
    except UpperbackError as exc:
        return _err(exc)
    return JSONResponse({"saved": True})


@router.post("/me/session/finish")
async def finish(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    try:
        draft = guided.parse_draft(await _json_body(request))
        plan, _when, _paused, _notes = _next(db, actor, cid)
        if plan is None or plan.key != (draft.week, draft.index):
            raise Conflict(
                "session: this session is already saved or no longer next; go back to Today"
            )
        outcome = guided.finish(db, actor, cid, draft, plan, dt.date.today())
    except UpperbackError as exc:
        return _err(exc)
    changes = [plain_change(a.rule_id, a.exercise_id) for a in outcome.adaptations]
    return JSONResponse(
        {
            "saved": True,
            "changes": changes,
            "next": None
            if outcome.next_session is None
            else f"Week {outcome.next_session.week}, session {outcome.next_session.index}",
        }
    )


@router.get("/me/checkin", response_class=HTMLResponse)
def checkin_page(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    due = checkins.due_checkin(db, actor, cid, dt.date.today())
    return render(
        request, "client_checkin.html", due=due, error=None, pain=None, compared=None, answers={}
    )


QUESTION_FIELD = "q_"
"""Form fields `q_<precaution>` carry the yes/no answers of a check-in's extra questions."""


@router.post("/me/checkin")
async def checkin_submit(
    request: Request,
    db: DbDep,
    actor: PageActor,
    session: Annotated[int, Form(ge=1, le=2**31 - 1)],
    pain: Annotated[str, Form(max_length=5)] = "",
    compared: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    cid = _client_id(actor)
    today = dt.date.today()
    error = None
    form = await request.form()
    answers = {
        k[len(QUESTION_FIELD) :]: str(v)[:5]
        for k, v in list(form.multi_items())[:50]
        if k.startswith(QUESTION_FIELD)
    }
    try:
        if pain.strip() == "":
            raise InvalidInput("pain: choose a number from 0 to 10")
        try:
            value = float(pain)
        except ValueError:
            raise InvalidInput(f"pain: {pain!r} is not a number; choose 0 to 10") from None
        due = checkins.due_checkin(db, actor, cid, today)
        checkins.record_checkin(
            db, actor, cid, session, pain_now=value, compared=compared, today=today,
            answers=answers if due is not None and due.questions else None,
        )  # fmt: skip
    except UpperbackError as exc:
        error = exc.message
        due = checkins.due_checkin(db, actor, cid, today)
        return render(
            request,
            "client_checkin.html",
            status_code=exc.status_code,
            due=due,
            error=error,
            pain=pain,
            compared=compared,
            answers=answers,
        )
    return RedirectResponse("/me?msg=checkin", status_code=303)


@router.get("/me/words", response_class=HTMLResponse)
def glossary(request: Request, actor: PageActor) -> Response:
    _client_id(actor)
    return render(request, "client_glossary.html", entries=plain_language().glossary)


@router.get("/me/progress", response_class=HTMLResponse)
def me_progress(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    return render(
        request, "client_progress.html", view=progress_view(db, actor, cid, dt.date.today())
    )


@router.get("/me/sw.js")
def service_worker() -> Response:
    """The service worker, served under /me/ so its scope covers the client pages."""
    body = (STATIC_DIR / "client-sw.js").read_text(encoding="utf-8")
    return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-cache"})
