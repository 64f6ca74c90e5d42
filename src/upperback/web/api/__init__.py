"""The REST API, versioned under /api/v1: one router per resource."""

from fastapi import APIRouter

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
    security,
    sessions,
)

api_router = APIRouter(prefix="/api/v1")
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
    security,
):
    api_router.include_router(_module.router)

__all__ = ["api_router"]
