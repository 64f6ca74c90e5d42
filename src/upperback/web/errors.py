"""One translation of errors to HTTP: JSON `{"detail": ...}` on the API, a page elsewhere."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from upperback.errors import UpperbackError
from upperback.knowledge.loader import describe_validation_error
from upperback.web.auth import NotAuthenticated, TooManyAttempts
from upperback.web.templating import render

# An absolute file path (temporary upload files, the install folder) never reaches a user.
_PATH = re.compile(
    r"(?<![\w:/])/(?:tmp|var|home|root|usr|opt|srv|mnt|etc|work|private|Users|proc|run)"
    r"/(?:[\w.+-]+/)*([\w.+-]+)"
)


def scrub_paths(message: str) -> str:
    """Keep only the last part of any absolute path in a message ('/tmp/x/a.edf' -> 'a.edf')."""
    return _PATH.sub(lambda m: m.group(1), message)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _reply(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    message = scrub_paths(message)
    if is_api(request):
        return JSONResponse({"detail": message}, status_code=status, headers=dict(headers or {}))
    page = render(request, "error.html", status_code=status, message=message, status=status)
    page.headers.update(dict(headers or {}))
    return page


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UpperbackError)
    async def _upperback(request: Request, exc: UpperbackError) -> Response:
        return _reply(request, exc.status_code, exc.message)

    @app.exception_handler(ValidationError)
    async def _pydantic(request: Request, exc: ValidationError) -> Response:
        return _reply(request, 422, describe_validation_error(exc, exc.title))

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> Response:
        if is_api(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return _reply(request, 422, _validation_message(exc))

    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
        if is_api(request):
            return JSONResponse(
                {"detail": exc.message}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(TooManyAttempts)
    async def _throttled(request: Request, exc: TooManyAttempts) -> Response:
        return _reply(request, 429, exc.message, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _reply(request, exc.status_code, str(exc.detail), headers=exc.headers)
