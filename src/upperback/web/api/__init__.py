"""The REST API, versioned under /api/v1: one router per resource."""

from fastapi import APIRouter, Depends

from upperback.web.api import (
    assessment,
    auth,
    clients,
    emg,
    fhir,
    misc,
    preface,
    program,
    progress,
    reports,
    sessions,
)
from upperback.web.deps import serialize_sqlite_writes

api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(serialize_sqlite_writes)])
for _module in (
    auth,
    clients,
    preface,
    assessment,
    program,
    sessions,
    progress,
    reports,
    emg,
    fhir,
    misc,
):
    api_router.include_router(_module.router)

__all__ = ["api_router"]
