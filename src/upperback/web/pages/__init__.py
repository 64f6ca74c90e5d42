"""Server-rendered pages: plain HTML forms, a little JavaScript, session cookie + CSRF."""

from fastapi import APIRouter, Depends, Request

from upperback.web.pages import auth, clients, emg, method, records, security
from upperback.web.security import CSRF_FIELD, CSRF_HEADER, check_csrf


async def verify_csrf(request: Request) -> None:
    """Every state-changing page request must carry the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    check_csrf(request, submitted)


pages_router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(verify_csrf)],
)
for _module in (auth, clients, method, records, emg, security):
    pages_router.include_router(_module.router)

__all__ = ["pages_router"]
