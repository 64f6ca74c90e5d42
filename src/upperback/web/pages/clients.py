"""Dashboard, client overview, registering clients and their logins, the exercise library,
and the API docs served from a package's local Swagger UI files (fastapi-offline)."""

from __future__ import annotations

import datetime as dt
import mimetypes
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from upperback.errors import NotFound, UpperbackError
from upperback.model.client import ClientIn
from upperback.services import accounts, clients, program
from upperback.services import library as lib
from upperback.services.access import require_clinician
from upperback.services.dashboard import SORTS, dashboard_page
from upperback.web.deps import MAX_ID, DbDep, PageActor, PageClient
from upperback.web.pages.forms import FieldError, FormState, number, plain
from upperback.web.templating import render

router = APIRouter()
CLIENT_LABELS = {
    "name": "Name",
    "sex": "Sex",
    "birth_year": "Birth year",
    "body_mass_kg": "Body mass (kg)",
    "email": "Email",
}


def _dashboard(request: Request, db: DbDep, actor: PageActor, **extra: Any) -> Response:
    code = int(extra.pop("status_code", 200))
    extra.setdefault("f", FormState())
    extra.setdefault("q", "")
    extra.setdefault("sort", "priority")
    extra.setdefault("page", 1)
    extra.setdefault("flagged", False)
    data = dashboard_page(
        db, actor, today=dt.date.today(), q=extra["q"], sort=extra["sort"], page=extra["page"],
        flagged_only=extra["flagged"],
    )  # fmt: skip
    return render(
        request,
        "dashboard.html",
        status_code=code,
        data=data,
        sorts=SORTS,
        today=dt.date.today(),
        **extra,
    )


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    db: DbDep,
    actor: PageActor,
    q: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[str, Query(max_length=20)] = "priority",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    flagged: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    """Clinicians see their dashboard; a client goes straight to their own home page."""
    if actor.role == "client":
        return RedirectResponse("/me", status_code=303)
    return _dashboard(
        request, db, actor, q=q, sort=sort, page=page, flagged=flagged == "1", error=None
    )


@router.post("/clients")
async def add_client(request: Request, db: DbDep, actor: PageActor) -> Response:
    form = await request.form()
    f = FormState.of(form)
    try:
        require_clinician(actor, "register clients")
        name = str(form.get("name") or "").strip()
        if not name:
            raise FieldError("name", "Name: is required")
        year = number(form, "birth_year", "Birth year")
        if year is None:
            raise FieldError("birth_year", "Birth year: is required")
        if year != int(year):
            raise FieldError("birth_year", "Birth year: must be a whole number")
        doc = {
            "name": name, "sex": str(form.get("sex") or ""), "birth_year": int(year),
            "body_mass_kg": number(form, "body_mass_kg", "Body mass (kg)"),
            "email": str(form.get("email") or "").strip() or None,
        }  # fmt: skip
        try:
            data = ClientIn.model_validate(doc)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = str(err["loc"][0]) if err.get("loc") else "name"
            raise FieldError(
                field, f"{CLIENT_LABELS.get(field, field)}: {plain(dict(err), ClientIn, field)}"
            ) from None
        client = clients.add_client(db, actor, data, today=dt.date.today())
    except UpperbackError as exc:
        return _dashboard(
            request, db, actor, f=f, error=f.fail(exc, "name"), status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}", status_code=303)


@router.get("/clients/{client_id}", response_class=HTMLResponse)
def overview(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    view = program.program_view(db, actor, client.id)
    status, nxt = view.screening, view.next
    return render(
        request,
        "client.html",
        client=client,
        status=status,
        nxt=nxt,
        active="overview",
        f=FormState(),
    )


@router.post("/clients/{client_id}/account")
def add_account(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    require_clinician(actor, "create client logins")
    try:
        acc = accounts.create_client_account(db, actor, client.id, username, password)
    except UpperbackError as exc:
        f = FormState(values={"username": [username]}, submitted=True)
        low = exc.message.lower()
        f.errors["password" if "password" in low else "username"] = exc.message
        return render(
            request, "client.html", status_code=exc.status_code, client=client,
            status=program.program_view(db, actor, client.id).screening, nxt=None, active="overview", f=f,
        )  # fmt: skip
    return render(
        request, "message.html", client=client, title="Login created",
        message=f"{client.name} can now log in as {acc.username!r} and will see only their own program and logs.",
    )  # fmt: skip


# ---- exercise library -----------------------------------------------------------------


def _client_param(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_ID else None


@router.get("/library", response_class=HTMLResponse)
def library_page(
    request: Request,
    db: DbDep,
    actor: PageActor,
    q: Annotated[str, Query(max_length=100)] = "",
    muscle: Annotated[str, Query(max_length=40)] = "",
    loading: Annotated[str, Query(max_length=40)] = "",
    equipment: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[str, Query(max_length=2)] = "",
    ratio: Annotated[str, Query(max_length=2)] = "",
    client: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """Search and filter the library; with ?client=ID, the engine's verdict for that client."""
    require_clinician(actor, "browse the exercise library")
    lv = int(level) if level.isdigit() and 1 <= int(level) <= 5 else None
    flt = lib.LibraryFilter(
        q=q, muscle=muscle, loading=loading, equipment=equipment, level=lv, ratio=ratio
    )
    cid = _client_param(client)
    who = clients.get_client(db, actor, cid) if cid is not None else None
    entries = lib.browse(flt, db, actor, cid) if cid is not None else lib.browse(flt)
    return render(
        request, "library.html", entries=entries, flt=flt, opts=lib.options(), who=who,
        illustrations=_illustrations(),
    )  # fmt: skip


def _illustrations() -> Any:
    """Pictures of each exercise from `upperback.illustrate` once it is installed, else None."""
    try:
        import upperback.illustrate as illustrate  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return illustrate


@router.get("/library/{exercise_id}", response_class=HTMLResponse)
def exercise_page(request: Request, actor: PageActor, exercise_id: str) -> Response:
    require_clinician(actor, "browse the exercise library")
    try:
        entry = lib.entry(exercise_id[:60])
    except UpperbackError:
        raise NotFound(f"exercise {exercise_id[:60]!r} is not in the library") from None
    return render(
        request, "exercise.html", e=entry, ex=entry.exercise, illustrations=_illustrations()
    )


@router.get("/library/{exercise_id}/picture.svg")
def exercise_picture(actor: PageActor, exercise_id: str, pose: str = "start") -> Response:
    """The exercise drawn by `upperback.illustrate` (start, end, or animated at its tempo)."""
    from upperback.report.html import report_csp

    require_clinician(actor, "browse the exercise library")
    ill = _illustrations()
    if ill is None:
        raise NotFound("exercise pictures are not available in this installation")
    try:
        ex = lib.entry(exercise_id[:60]).exercise
        svg = ill.figure_animated(ex) if pose == "animated" else ill.figure_still(ex, pose[:10])
    except UpperbackError as exc:
        raise NotFound(f"no picture: {exc.message}") from None
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={
            "Content-Security-Policy": report_csp(svg),
            "Cache-Control": "private, max-age=3600",
        },
    )


# ---- API docs from the fastapi-offline package's Swagger UI 5 files (no CDN) ------------

_DOCS_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon.png")


def _swagger_dir() -> Path:
    """Swagger UI 5 (renders OpenAPI 3.1, which FastAPI emits) as shipped by fastapi-offline."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).parent / "static"


@router.get("/api/v1/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html")


@router.get("/api/v1/docs/assets/{name}")
def api_docs_asset(name: str) -> Response:
    if name not in _DOCS_FILES:
        raise NotFound("no such docs asset")
    path = _swagger_dir() / name
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(
        path.read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=86400"}
    )
