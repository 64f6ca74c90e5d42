"""Dashboard, client overview, registering clients and their logins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.model.client import ClientIn
from upperback.services import accounts, clients, program, progress
from upperback.services.access import require_clinician
from upperback.web.deps import DbDep, PageActor, PageClient
from upperback.web.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DbDep, actor: PageActor) -> Response:
    """Clinicians see their dashboard; a client goes straight to their own record."""
    if actor.role == "client":
        return RedirectResponse(f"/clients/{actor.client_id}", status_code=303)
    rows = progress.dashboard(db, actor, today=dt.date.today())
    return render(request, "dashboard.html", rows=rows, error=None)


@router.post("/clients")
def add_client(
    request: Request,
    db: DbDep,
    actor: PageActor,
    name: Annotated[str, Form(max_length=200)],
    sex: Annotated[str, Form()],
    birth_year: Annotated[int, Form(ge=1900, le=2100)],
    body_mass_kg: Annotated[str, Form()] = "",
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    mass = float(body_mass_kg) if body_mass_kg.strip() else None
    data = ClientIn.model_validate(
        {
            "name": name,
            "sex": sex,
            "birth_year": birth_year,
            "body_mass_kg": mass,
            "email": email or None,
        }
    )
    client = clients.add_client(db, actor, data, today=dt.date.today())
    return RedirectResponse(f"/clients/{client.id}", status_code=303)


@router.get("/clients/{client_id}", response_class=HTMLResponse)
def overview(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    view = program.program_view(db, actor, client.id)
    status, nxt = view.screening, view.next
    return render(request, "client.html", client=client, status=status, nxt=nxt, active="overview")


@router.post("/clients/{client_id}/account")
def add_account(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    username: Annotated[str, Form(max_length=60)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    require_clinician(actor, "create client logins")
    try:
        acc = accounts.create_client_account(db, actor, client.id, username, password)
    except UpperbackError as exc:
        return render(
            request,
            "error.html",
            status_code=exc.status_code,
            message=exc.message,
            status=exc.status_code,
        )
    return render(
        request, "message.html", client=client, title="Login created",
        message=f"{client.name} can now log in as {acc.username!r} and will see only their own program and logs.",
    )  # fmt: skip
