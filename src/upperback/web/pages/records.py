"""Progress dashboard with plots, adaptation history, printable home program, downloads."""

from __future__ import annotations

import base64
import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from upperback import report
from upperback.services.program import adaptations_by_version
from upperback.services.sessions import list_logs
from upperback.web.deps import DbDep, PageActor, PageClient
from upperback.web.shared import attachment
from upperback.web.templating import render

router = APIRouter(prefix="/clients/{client_id}")


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = report.collect(db, actor, client.id, today=dt.date.today())
    plots = [
        (report.PLOT_GROUPS[k].title, base64.b64encode(report.plot(data, k, "png")).decode())
        for k in report.plots_available(data)
    ]
    return render(
        request, "progress.html", client=client, data=data, plots=plots, active="progress"
    )


@router.get("/adaptations", response_class=HTMLResponse)
def adaptations_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    items = list(reversed(adaptations_by_version(db, actor, client.id)))
    return render(request, "adaptations.html", client=client, items=items, active="adaptations")


@router.get("/home-program", response_class=HTMLResponse)
def home_program(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, week: int | None = None
) -> Response:
    data = report.collect(db, actor, client.id, today=dt.date.today())
    if week is not None and not 1 <= week <= 52:
        week = None
    return HTMLResponse(report.home_program_html(data, week=week))


@router.get("/report.html", response_class=HTMLResponse)
def report_html(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = report.collect(db, actor, client.id, today=dt.date.today())
    return HTMLResponse(report.progress_report_html(data))


@router.get("/report.pdf")
def report_pdf(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = report.collect(db, actor, client.id, today=dt.date.today())
    return Response(
        report.progress_report_pdf(data),
        media_type="application/pdf",
        headers=attachment(f"upperback-progress-client{client.id}.pdf"),
    )


@router.get("/sessions.csv")
def sessions_csv(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return Response(
        report.sessions_csv(list_logs(db, actor, client.id)),
        media_type="text/csv; charset=utf-8",
        headers=attachment(f"upperback-sessions-client{client.id}.csv"),
    )
