"""The audit trail of a client's record and a client's own data export, over the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from upperback.services import audit as audit_service
from upperback.services.client_data import export_client_data
from upperback.web.deps import CurrentActor, DbDep, OwnedClient

router = APIRouter(prefix="/clients/{client_id}", tags=["audit"])


@router.get("/audit", response_model=list[audit_service.AuditEntry])
def audit(client: OwnedClient, db: DbDep, actor: CurrentActor) -> list[audit_service.AuditEntry]:
    """Who read or wrote this client's record, when, from where (newest first, at most 1000).

    The response model is the service's own entry (FastAPI validates dataclasses)."""
    return audit_service.entries_for_client(db, actor, client.id)


@router.get("/audit.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def audit_csv(client: OwnedClient, db: DbDep, actor: CurrentActor) -> Response:
    entries = audit_service.entries_for_client(db, actor, client.id)
    return Response(audit_service.to_csv(entries), media_type="text/csv; charset=utf-8")


@router.get("/data")
def data(client: OwnedClient, db: DbDep, actor: CurrentActor) -> dict[str, Any]:
    """Everything kept about the client, table by table (the client or their clinician)."""
    return export_client_data(db, actor, client.id)
