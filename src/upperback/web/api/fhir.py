"""FHIR R4: a client's record as a Bundle (same access rules as all client data), and a
Bundle imported by a clinician (bounded body, all or nothing)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from upperback.errors import InvalidInput
from upperback.interop.importer import MAX_BYTES, parse_json
from upperback.services import fhir
from upperback.services.access import require_clinician
from upperback.web.deps import ClientId, CurrentActor, DbDep

router = APIRouter(tags=["fhir"])
FHIR_JSON = "application/fhir+json"


class BodyTooLarge(InvalidInput):
    status_code = 413


@router.get(
    "/clients/{client_id}/fhir",
    response_class=JSONResponse,
    responses={200: {"content": {FHIR_JSON: {}}}},
)
def export_bundle(client_id: ClientId, db: DbDep, actor: CurrentActor) -> JSONResponse:
    """The client's record as one FHIR R4 transaction Bundle (POST it to a FHIR server)."""
    bundle = fhir.export_fhir(db, actor, client_id, now=dt.datetime.now(dt.UTC))
    return JSONResponse(
        bundle,
        media_type=FHIR_JSON,
        headers={
            "Content-Disposition": f'attachment; filename="upperback-client{client_id}-fhir.json"'
        },
    )


def _check_content_type(request: Request) -> None:
    ctype = request.headers.get("content-type", "")
    media, *params = [p.strip() for p in ctype.split(";")]
    if media not in (FHIR_JSON, "application/json"):
        raise InvalidInput(f"Content-Type: {media or 'missing'!r}; send {FHIR_JSON}")
    for p in params:
        key, _, value = p.partition("=")
        if key.strip().lower() == "fhirversion" and not value.strip().startswith("4.0"):
            raise InvalidInput(
                f"Content-Type: fhirVersion={value.strip()}; upperback reads FHIR R4 (4.0)"
            )


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise BodyTooLarge(
            f"body: {declared} bytes is over the {MAX_BYTES} byte limit for a Bundle"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise BodyTooLarge(f"body: over the {MAX_BYTES} byte limit for a Bundle")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/fhir/import", responses={200: {"description": "What was imported and skipped."}})
async def import_bundle(request: Request, db: DbDep, actor: CurrentActor) -> dict[str, object]:
    """Import a FHIR R4 Bundle (clinicians): create or match its client, map what upperback
    understands, list what it skipped; a refusal stores nothing (422 with one line)."""
    require_clinician(actor, "import a FHIR Bundle")
    _check_content_type(request)
    doc = parse_json(await _body(request))
    report = await run_in_threadpool(fhir.import_fhir, db, actor, doc, today=dt.date.today())
    return {
        "client_id": report.client_id,
        "created": report.created,
        "imported": report.imported,
        "skipped": report.skipped,
    }
