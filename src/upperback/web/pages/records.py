"""Progress dashboard with plots, adaptation history, printable home program, downloads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback import report
from upperback.errors import UpperbackError
from upperback.knowledge.tests_catalog import battery
from upperback.report.html import referral_letter_html, report_csp
from upperback.report.pdf import referral_letter_pdf
from upperback.report.plots import measure_label, plot_version
from upperback.services import photos
from upperback.services.program import adaptations_by_version
from upperback.services.referral import referral_data
from upperback.services.sessions import list_logs
from upperback.web.deps import DbDep, PageActor, PageClient
from upperback.web.pages.forms import FieldError, FormState, number
from upperback.web.shared import attachment
from upperback.web.templating import render

router = APIRouter(prefix="/clients/{client_id}")


@router.get("/progress", response_class=HTMLResponse)
def progress_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = report.collect(db, actor, client.id, today=dt.date.today())
    # Each plot is its own image request (the browser fetches only the desktop or the
    # phone version it shows, in parallel, after the page); `v` changes with the data.
    plots = [
        (k, report.PLOT_GROUPS[k].title, plot_version(data, k))
        for k in report.plots_available(data)
    ]
    return render(
        request,
        "progress.html",
        client=client,
        data=data,
        plots=plots,
        active="progress",
        label=measure_label,
    )


@router.get("/progress/plots/{name}.png")
def progress_plot(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, name: str,
    narrow: bool = False,
) -> Response:  # fmt: skip
    """One progress plot as PNG (desktop, or narrow and taller for a phone); cached drawing."""
    if name not in report.PLOT_GROUPS:
        return Response("plot: no such plot", status_code=404, media_type="text/plain")
    data = report.collect(db, actor, client.id, today=dt.date.today())
    return Response(
        report.plot(data, name, "png", narrow=narrow),
        media_type="image/png",
        headers={"Cache-Control": "private, no-store"},
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
    return _self_contained(report.home_program_html(data, week=week))


@router.get("/report.html", response_class=HTMLResponse)
def report_html(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = report.collect(db, actor, client.id, today=dt.date.today())
    return _self_contained(report.progress_report_html(data))


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


def _self_contained(html: str) -> HTMLResponse:
    """A stand-alone report page whose inline styles the CSP allows by hash."""
    return HTMLResponse(html, headers={"Content-Security-Policy": report_csp(html)})


@router.get("/referral.html", response_class=HTMLResponse)
def referral_html(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = referral_data(db, actor, client.id)
    return _self_contained(referral_letter_html(data, today=dt.date.today()))


@router.get("/referral.pdf")
def referral_pdf(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    data = referral_data(db, actor, client.id)
    return Response(
        referral_letter_pdf(data, today=dt.date.today()),
        media_type="application/pdf",
        headers=attachment(f"upperback-referral-client{client.id}.pdf"),
    )


# ---- head posture from a photo ----------------------------------------------------------


def _posture_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, **extra: object
) -> Response:
    code = int(str(extra.pop("status_code", 200)))
    extra.setdefault("f", FormState())
    extra.setdefault("error", None)
    spec = battery().get("cva")
    return render(
        request, "posture.html", status_code=code, client=client, active="assessment",
        photos=photos.list_photos(db, actor, client.id), norm=spec.norm_for(client.sex),
        cutoff=next((n for n in spec.norms if n.cutoff is not None), None),
        today=dt.date.today(), max_mb=photos.MAX_BYTES // (1024 * 1024), **extra,
    )  # fmt: skip


@router.get("/posture", response_class=HTMLResponse)
def posture_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _posture_page(request, db, actor, client)


@router.post("/posture")
async def posture_upload(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    photo: Annotated[UploadFile | None, File()] = None,
    taken: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    f = FormState(values={"taken": [taken]}, submitted=True)
    try:
        try:
            day = dt.date.fromisoformat(taken) if taken else dt.date.today()
        except ValueError:
            raise FieldError("taken", f"Date taken: {taken!r} is not a date (YYYY-MM-DD)") from None
        data = b""
        if photo is not None:
            data = await photo.read(photos.MAX_BYTES + 1)
        try:
            view = photos.upload_photo(db, actor, client.id, data, taken=day)
        except UpperbackError as exc:
            raise FieldError("photo", exc.message.replace("photo:", "Photo:", 1)) from None
    except UpperbackError as exc:
        return _posture_page(
            request, db, actor, client, f=f, error=f.fail(exc, "photo"), status_code=exc.status_code
        )
    return RedirectResponse(f"/clients/{client.id}/posture/{view.id}", status_code=303)


def _mark_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, photo_id: int,
    **extra: object,
) -> Response:  # fmt: skip
    code = int(str(extra.pop("status_code", 200)))
    extra.setdefault("f", FormState())
    extra.setdefault("error", None)
    extra.setdefault("result", None)
    spec = battery().get("cva")
    return render(
        request, "posture_mark.html", status_code=code, client=client, active="assessment",
        photo=photos.get_photo(db, actor, client.id, photo_id), norm=spec.norm_for(client.sex),
        cutoff=next((n for n in spec.norms if n.cutoff is not None), None), **extra,
    )  # fmt: skip


@router.get("/posture/{photo_id}", response_class=HTMLResponse)
def posture_mark_page(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, photo_id: int
) -> Response:
    return _mark_page(request, db, actor, client, photo_id)


@router.get("/posture/{photo_id}/image")
def posture_image(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, photo_id: int
) -> Response:
    media, data = photos.photo_bytes(db, actor, client.id, photo_id)
    return Response(data, media_type=media, headers={"Cache-Control": "private, no-store"})


@router.post("/posture/{photo_id}")
async def posture_mark_submit(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, photo_id: int
) -> Response:
    form = await request.form()
    f = FormState.of(form)
    try:
        pts: dict[str, float] = {}
        for name, label in (
            ("tragus_x", "Tragus x"),
            ("tragus_y", "Tragus y"),
            ("c7_x", "C7 x"),
            ("c7_y", "C7 y"),
        ):
            v = number(form, name, label)
            if v is None:
                raise FieldError(name, f"{label}: place the {label.split()[0]} point on the photo")
            pts[name] = v
        _view, result = photos.mark_photo(
            db, actor, client.id, photo_id, tragus_px=(pts["tragus_x"], pts["tragus_y"]),
            c7_px=(pts["c7_x"], pts["c7_y"]), day=dt.date.today(),
        )  # fmt: skip
    except UpperbackError as exc:
        name = (
            exc.field
            if isinstance(exc, FieldError)
            else ("c7_y" if "c7" in exc.message.lower() else "tragus_y")
        )
        f.errors[name] = exc.message
        return _mark_page(
            request,
            db,
            actor,
            client,
            photo_id,
            f=f,
            error=exc.message,
            status_code=exc.status_code,
        )
    return _mark_page(request, db, actor, client, photo_id, result=result)
