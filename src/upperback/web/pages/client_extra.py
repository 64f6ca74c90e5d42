"""Questionnaires (client answers, clinician sends and reads) and the calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.errors import InvalidInput, UpperbackError
from upperback.services import calendar, checkins, questionnaires
from upperback.web.deps import MAX_ID, DbDep, PageActor, PageClient
from upperback.web.pages.client_me import _client_id
from upperback.web.pages.forms import items_list
from upperback.web.templating import render

router = APIRouter()
AssignmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/me/questionnaire/{aid}", response_class=HTMLResponse)
def questionnaire_page(
    request: Request, db: DbDep, actor: PageActor, aid: AssignmentId
) -> Response:
    cid = _client_id(actor)
    a = questionnaires.get_assignment(db, actor, cid, aid)
    return render(
        request,
        "client_questionnaire.html",
        a=a,
        inst=questionnaires.instrument(a.instrument),
        chosen={},
        error=None,
    )


@router.post("/me/questionnaire/{aid}")
async def questionnaire_submit(
    request: Request, db: DbDep, actor: PageActor, aid: AssignmentId
) -> Response:
    cid = _client_id(actor)
    a = questionnaires.get_assignment(db, actor, cid, aid)
    inst = questionnaires.instrument(a.instrument)
    form = await request.form()
    n = len(a.activities) if a.instrument == "psfs" else len(inst.items)
    chosen: dict[int, str] = {}
    try:
        answers: list[float] = []
        for i in range(n):
            raw = form.get(f"q{i}")
            if not isinstance(raw, str) or raw == "":
                raise InvalidInput(f"question {i + 1}: please choose an answer")
            chosen[i] = raw
            try:
                answers.append(float(raw))
            except ValueError:
                raise InvalidInput(f"question {i + 1}: choose one of the answers") from None
        questionnaires.answer(db, actor, cid, aid, answers, dt.date.today())
    except UpperbackError as exc:
        for i in range(n):  # keep everything typed
            raw = form.get(f"q{i}")
            if isinstance(raw, str):
                chosen[i] = raw
        return render(
            request,
            "client_questionnaire.html",
            status_code=exc.status_code,
            a=a,
            inst=inst,
            chosen=chosen,
            error=exc.message,
        )
    return RedirectResponse("/me?msg=questionnaire", status_code=303)


@router.get("/me/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    return render(
        request, "client_calendar.html", link=None, active=calendar.has_feed(db, actor, cid)
    )


@router.post("/me/calendar/new", response_class=HTMLResponse)
def calendar_new(request: Request, db: DbDep, actor: PageActor) -> Response:
    cid = _client_id(actor)
    token = calendar.new_feed(db, actor, cid)
    link = str(request.base_url).rstrip("/") + f"/calendar/{token}.ics"
    return render(request, "client_calendar.html", link=link, active=True)


@router.post("/me/calendar/off")
def calendar_off(db: DbDep, actor: PageActor) -> Response:
    calendar.revoke_feeds(db, actor, _client_id(actor))
    return RedirectResponse("/me/calendar", status_code=303)


@router.get("/calendar/{token}.ics")
def calendar_feed(db: DbDep, token: Annotated[str, Path(max_length=100)]) -> Response:
    body = calendar.feed_ics(db, token, dt.date.today())
    return Response(
        body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "no-store"}
    )


# ---- clinician side ---------------------------------------------------------------------


@router.get("/clients/{client_id}/questionnaires", response_class=HTMLResponse)
def clinician_questionnaires(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    return _clinician_page(request, db, actor, client, error=None)


def _clinician_page(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    *,
    error: str | None,
    status_code: int = 200,
) -> Response:
    today = dt.date.today()
    missing = (
        [m for m in checkins.missing_checkins(db, actor, today) if m.client_id == client.id]
        if actor.role == "clinician"
        else []
    )
    return render(
        request,
        "questionnaires_clinician.html",
        status_code=status_code,
        client=client,
        results=questionnaires.results(db, actor, client.id),
        pending=questionnaires.due_for_client(db, actor, client.id, today),
        instruments=questionnaires.instruments(),
        missing=missing,
        error=error,
        today=today,
        active="questionnaires",
    )


@router.post("/clients/{client_id}/questionnaires")
async def clinician_send(
    request: Request, db: DbDep, actor: PageActor, client: PageClient
) -> Response:
    form = await request.form()
    try:
        name = str(form.get("instrument") or "")
        raw_due = str(form.get("due") or "")
        try:
            due = dt.date.fromisoformat(raw_due) if raw_due else dt.date.today()
        except ValueError:
            raise InvalidInput(f"due: {raw_due!r} is not a date (YYYY-MM-DD)") from None
        questionnaires.assign(
            db, actor, client.id, name, due=due, activities=items_list(form, "activity")
        )
    except UpperbackError as exc:
        return _clinician_page(
            request, db, actor, client, error=exc.message, status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}/questionnaires", status_code=303)
