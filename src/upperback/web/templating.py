"""The Jinja2 environment of the pages and reports (autoescaped, packaged templates)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading.dose import load_text
from upperback.model.program import Prescription
from upperback.web.security import csrf_token

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))


def rx_load(p: Prescription) -> str:
    """A dose's load for clinician pages in its equipment's unit (' @ band level 2 ...')."""
    return load_text(p, exercise_library().by_id.get(p.exercise_id), loading_rules())


templates.env.globals["rx_load"] = rx_load


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with the CSRF token and the logged-in account in its context."""
    context.setdefault("account", getattr(request.state, "account", None))
    context["csrf_token"] = csrf_token(request)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
