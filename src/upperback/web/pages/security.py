"""Account security pages: second factor, tokens, sessions, client logins; the per-client
audit trail (clinicians) and a client's own copy of their data."""

from __future__ import annotations

import io
import json
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.services import audit as audit_service
from upperback.services import auth_sessions, fhir, second_factor
from upperback.services.accounts import Account, client_logins, set_disabled
from upperback.services.client_data import export_client_data
from upperback.web.deps import MAX_ID, DbDep, PageAccount, PageActor, PageClient
from upperback.web.templating import render

router = APIRouter()


def _qr_svg(uri: str) -> str:
    buf = io.BytesIO()
    segno.make(uri, error="m").save(buf, kind="svg", scale=4, border=2)
    return buf.getvalue().decode()


def _account_page(
    request: Request, db: DbDep, account: Account, status: int = 200, **extra: object
) -> Response:
    pending = second_factor.pending_setup(db, account) if account.role == "clinician" else None
    return render(
        request,
        "account.html",
        status_code=status,
        me=account,
        totp_on=second_factor.totp_enabled(db, account.id),
        recovery_left=second_factor.remaining_recovery_codes(db, account.id),
        pending=pending,
        qr=_qr_svg(pending.uri) if pending else None,
        tokens=auth_sessions.list_tokens(db, account),
        sessions=auth_sessions.count_sessions(db, account),
        logins=client_logins(db, account.actor()) if account.role == "clinician" else [],
        **extra,
    )


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, db: DbDep, account: PageAccount) -> Response:
    return _account_page(request, db, account)


@router.post("/account/totp/start")
def totp_start(request: Request, db: DbDep, account: PageAccount) -> Response:
    second_factor.begin_totp(db, account)
    return RedirectResponse("/account#second-factor", status_code=303)


@router.post("/account/totp/confirm")
def totp_confirm(
    request: Request, db: DbDep, account: PageAccount, code: Annotated[str, Form(max_length=40)]
) -> Response:
    try:
        codes = second_factor.confirm_totp(db, account, code)
    except UpperbackError as exc:
        return _account_page(request, db, account, 422, totp_error=exc.message)
    return _account_page(request, db, account, recovery_codes=codes)


@router.post("/account/totp/off")
def totp_off(
    request: Request, db: DbDep, account: PageAccount, code: Annotated[str, Form(max_length=40)]
) -> Response:
    try:
        second_factor.disable_totp(db, account, code)
    except UpperbackError as exc:
        return _account_page(request, db, account, 422, totp_error=exc.message)
    return RedirectResponse("/account#second-factor", status_code=303)


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(
    db: DbDep, account: PageAccount, token_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Response:
    auth_sessions.revoke_token(db, account, token_id)
    return RedirectResponse("/account#tokens", status_code=303)


@router.post("/account/logout-everywhere")
def logout_everywhere(request: Request, db: DbDep, account: PageAccount) -> Response:
    auth_sessions.end_all_sessions(db, account.id)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/account/logins")
def login_switch(
    db: DbDep,
    actor: PageActor,
    username: Annotated[str, Form(max_length=120)],
    disable: Annotated[str, Form(pattern="^(yes|no)$")],
) -> Response:
    set_disabled(db, actor, username, disable == "yes")
    return RedirectResponse("/account#logins", status_code=303)


@router.get("/account/my-data.json")
def my_data(db: DbDep, actor: PageActor) -> Response:
    """A client's own copy of everything kept about them."""
    if actor.client_id is None:
        return RedirectResponse("/account", status_code=303)
    return _json_download(export_client_data(db, actor, actor.client_id), "my-upperback-data.json")


@router.get("/account/my-record.fhir.json")
def my_fhir_record(db: DbDep, actor: PageActor) -> Response:
    """The same copy as a FHIR R4 Bundle, for another clinic's or hospital's system."""
    if actor.client_id is None:
        return RedirectResponse("/account", status_code=303)
    return _json_download(
        fhir.export_fhir(db, actor, actor.client_id), "my-upperback-record.fhir.json"
    )


@router.get("/clients/{client_id}/data.json")
def client_data(db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _json_download(export_client_data(db, actor, client.id), f"client-{client.id}-data.json")


@router.get("/clients/{client_id}/audit", response_class=HTMLResponse)
def audit_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    entries = audit_service.entries_for_client(db, actor, client.id, limit=300)
    return render(request, "audit.html", client=client, active="audit", entries=entries)


@router.get("/clients/{client_id}/audit.csv")
def audit_csv(db: DbDep, actor: PageActor, client: PageClient) -> Response:
    entries = audit_service.entries_for_client(db, actor, client.id)
    return Response(
        audit_service.to_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="client-{client.id}-audit.csv"'},
    )


def _json_download(doc: object, filename: str) -> Response:
    return Response(
        json.dumps(doc, indent=1, ensure_ascii=False),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
