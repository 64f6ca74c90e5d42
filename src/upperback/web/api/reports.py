"""Reports: progress report (HTML, PDF), printable home program, CSV of logs, plots."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from upperback import report
from upperback.services.sessions import list_logs
from upperback.web.api.progress import TodayQ, today_or
from upperback.web.deps import ClientId, CurrentActor, DbDep
from upperback.web.shared import attachment

router = APIRouter(prefix="/clients/{client_id}", tags=["reports"])

PlotName = StrEnum("PlotName", {k: k for k in report.PLOT_GROUPS})  # type: ignore[misc]


class PlotFormat(StrEnum):
    png = "png"
    svg = "svg"


_MEDIA = {"png": "image/png", "svg": "image/svg+xml"}


@router.get("/report.html", response_class=HTMLResponse)
def report_html(
    client_id: ClientId, db: DbDep, actor: CurrentActor, today: TodayQ = None
) -> HTMLResponse:
    """Self-contained progress report with plots (print or save it)."""
    data = report.collect(db, actor, client_id, today=today_or(today))
    return HTMLResponse(report.progress_report_html(data))


@router.get(
    "/report.pdf", response_class=Response, responses={200: {"content": {"application/pdf": {}}}}
)
def report_pdf(
    client_id: ClientId, db: DbDep, actor: CurrentActor, today: TodayQ = None
) -> Response:
    data = report.collect(db, actor, client_id, today=today_or(today))
    return Response(
        report.progress_report_pdf(data),
        media_type="application/pdf",
        headers=attachment(f"upperback-progress-client{client_id}.pdf"),
    )


@router.get("/home-program.html", response_class=HTMLResponse)
def home_program(
    client_id: ClientId,
    db: DbDep,
    actor: CurrentActor,
    week: Annotated[int | None, Query(ge=1, le=52)] = None,
) -> HTMLResponse:
    """Printable home-exercise program for one week (default: the week of the next session)."""
    data = report.collect(db, actor, client_id, today=dt.date.today())
    return HTMLResponse(report.home_program_html(data, week=week))


@router.get(
    "/sessions.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}}
)
def sessions_csv(client_id: ClientId, db: DbDep, actor: CurrentActor) -> Response:
    """Every logged set as CSV (one row per set; a missed session is one row)."""
    text = report.sessions_csv(list_logs(db, actor, client_id))
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"upperback-sessions-client{client_id}.csv"),
    )


@router.get(
    "/plots/{name}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
)
def plot(
    client_id: ClientId,
    name: PlotName,
    db: DbDep,
    actor: CurrentActor,
    format: PlotFormat = PlotFormat.png,
    today: TodayQ = None,
) -> Response:
    """One progress plot: pain, disability, rom, adherence, emg_ratio or emg_onset."""
    data = report.collect(db, actor, client_id, today=today_or(today))
    return Response(report.plot(data, name.value, format.value), media_type=_MEDIA[format.value])
