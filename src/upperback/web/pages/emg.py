"""sEMG pages: upload and list recordings, one recording's envelopes, live biofeedback."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.emg.live.loop import ratio_pair
from upperback.emg.offline.quality import INFORMATIONAL
from upperback.errors import InvalidInput, UpperbackError
from upperback.report.emg_view import (
    analyze_upload,
    emg_plot_png,
    exposure_from_upload,
    recording_from_upload,
)
from upperback.services.emg import get_emg, list_emg, store_emg, upload_emg
from upperback.services.exposure import latest_exposure, upload_exposure
from upperback.web.deps import DbDep, PageActor, PageClient, SettingsDep
from upperback.web.shared import RecordingId, read_limited
from upperback.web.templating import render

#: Electrode/amplifier fields offered on upload (SENIAM / ISEK reporting items).
META_FIELDS: tuple[tuple[str, str], ...] = (
    ("electrode_type", "Electrodes (type, e.g. Ag/AgCl bipolar)"),
    ("inter_electrode_distance_mm", "Inter-electrode distance mm"),
    ("electrode_placement", "Placement (e.g. SENIAM UT: midpoint C7-acromion)"),
    ("amplifier", "Amplifier (make, model)"),
    ("amplifier_bandwidth_hz", "Amplifier bandwidth Hz"),
)
MAX_REVIEW_FIELDS = 4000


def error_field(message: str) -> str:
    """The form field an upload error is about, so the message sits beside it."""
    for field in ("mapping", "fs"):
        if message.startswith(field):
            return field
    return "file"


def parse_mapping_text(text: str) -> dict[str, str]:
    """``"EMG6=UT_R, EMG7=LT_R"`` (commas or new lines) into a channel -> muscle dict."""
    from upperback.emg.channels import parse_mapping_items

    items = [t.strip() for t in text.replace("\n", ",").split(",") if t.strip()]
    if len(items) > 64:
        raise InvalidInput("mapping: at most 64 channels")
    try:
        return parse_mapping_items(items)
    except InvalidInput as exc:
        raise InvalidInput(exc.message.replace("--map", "mapping")) from None


def analyse_upload(
    content: bytes,
    filename: str,
    *,
    fs: float | None,
    mains: str,
    mapping: dict[str, str],
    metadata: dict[str, str],
) -> dict[str, Any]:
    """The stored document; with a mapping or metadata the analysis is redone with them."""
    from upperback.emg import analyze_recording

    stored = analyze_upload(content, filename, fs=fs, mains=mains)
    if mapping or metadata:
        rec = _recording(stored, filename, mapping)
        stored["analysis"] = analyze_recording(rec, mains=mains, metadata=metadata).model_dump(
            mode="json"
        )
        stored["upload"]["mapping"] = mapping
        stored["upload"]["metadata"] = metadata
    stored["upload"]["mains"] = mains
    return stored


def _recording(stored: dict[str, Any], filename: str, mapping: dict[str, str] | None) -> Any:
    from upperback.emg.channels import resolve_channels

    rec = recording_from_upload(stored)
    if mapping:
        resolve_channels(rec.channels, mapping)
    return type(rec)(
        data=rec.data, fs=rec.fs, channels=rec.channels, units=rec.units, source=filename,
        mapping=dict(mapping or {}),
    )  # fmt: skip


def reviewed_activations(form: Any, channels: list[str]) -> dict[str, list[tuple[float, float]]]:
    """Activations from the review form: ``on:C:K``/``off:C:K`` numbers, ``del:C:K`` boxes
    (C channel index, K activation index); one line naming a bad field."""
    if len(form) > MAX_REVIEW_FIELDS:
        raise InvalidInput(f"review: more than {MAX_REVIEW_FIELDS} fields")
    out: dict[str, list[tuple[float, float]]] = {}
    for key in form:
        if not key.startswith("on:"):
            continue
        try:
            _, c, k = key.split(":")
            ci = int(c)
            name = channels[ci]
        except (ValueError, IndexError):
            raise InvalidInput(f"review: unknown field {key[:40]!r}") from None
        if form.get(f"del:{c}:{k}"):
            out.setdefault(name, [])
            continue
        try:
            on = float(form[key])
            off = float(form.get(f"off:{c}:{k}", ""))
        except ValueError:
            raise InvalidInput(f"review {name}: activation {int(k) + 1}: not a number") from None
        out.setdefault(name, []).append((on, off))
    return out


def reanalyse(
    stored: dict[str, Any], filename: str, acts: dict[str, list[tuple[float, float]]]
) -> dict[str, Any]:
    """The analysis redone with the reviewer's activations (same mapping, mains, metadata)."""
    from upperback.emg import analyze_recording

    up = stored.get("upload") or {}
    rec = _recording(stored, filename, up.get("mapping"))
    res = analyze_recording(
        rec, mains=str(up.get("mains", "auto")), metadata=up.get("metadata") or None,
        activations=acts,
    )  # fmt: skip
    return res.model_dump(mode="json")


router = APIRouter(prefix="/clients/{client_id}/emg")


def _exposure_view(db: Any, actor: Any, client_id: int) -> dict[str, Any]:
    """The latest workday exposure and its APDF/EVA picture for the sEMG page."""
    from upperback.emg.exposure.plots import exposure_plot_png

    rec = latest_exposure(db, actor, client_id)
    png = base64.b64encode(exposure_plot_png(rec.result)).decode() if rec else None
    return {"exposure": rec, "exposure_png": png}


def _page(
    request: Request, db: Any, actor: Any, client: Any, *, status_code: int = 200,
    error: str | None = None, typed: dict[str, str] | None = None,
    error_field: str | None = None,
) -> Response:  # fmt: skip
    return render(
        request, "emg.html", status_code=status_code, client=client,
        recordings=list_emg(db, actor, client.id), active="emg", error=error,
        typed=typed or {}, meta_fields=META_FIELDS, error_field=error_field,
        **_exposure_view(db, actor, client.id),
    )  # fmt: skip


@router.get("", response_class=HTMLResponse)
def emg_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return _page(request, db, actor, client)


def exposure_error_field(message: str) -> str:
    """The exposure form field an error is about (the MVC file, the rate, else the day)."""
    for prefix, field in (("mvc", "x_mvc"), ("fs", "x_fs"), ("mvc recording", "x_mvc")):
        if message.lower().startswith(prefix):
            return field
    return "x_file"


@router.post("/exposure")
async def emg_exposure_upload(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    settings: SettingsDep,
    workday: Annotated[UploadFile, File()],
    mvc: Annotated[UploadFile, File()],
    x_fs: Annotated[str, Form(max_length=20)] = "",
    x_mains: Annotated[str, Form(pattern="^(auto|50|60|none)$")] = "auto",
) -> Response:
    """A workday recording and its MVC: exposure stored with the client's record."""
    typed = {"x_fs": x_fs, "x_mains": x_mains}
    try:
        try:
            rate = float(x_fs) if x_fs.strip() else None
        except ValueError:
            raise InvalidInput(f"fs: {x_fs[:20]!r} is not a number") from None
        day_bytes = await read_limited(workday, settings.max_upload_bytes)
        mvc_bytes = await read_limited(mvc, settings.max_upload_bytes)
        day_name = (workday.filename or "workday.edf")[-200:]
        mvc_name = (mvc.filename or "mvc.csv")[-200:]

        def analyse() -> Any:
            return exposure_from_upload(
                day_bytes, day_name, mvc_bytes, mvc_name, fs=rate, mains=x_mains
            )

        await asyncio.to_thread(
            upload_exposure, db, actor, client.id, day=dt.date.today(), filename=day_name,
            analyse=analyse,
        )  # fmt: skip
    except UpperbackError as exc:
        return _page(
            request, db, actor, client, status_code=exc.status_code, error=exc.message,
            typed=typed, error_field=exposure_error_field(exc.message),
        )  # fmt: skip
    return RedirectResponse(f"/clients/{client.id}/emg#exposure", status_code=303)


@router.post("")
async def emg_upload(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    fs: Annotated[str, Form(max_length=20)] = "",
    mains: Annotated[str, Form(pattern="^(auto|50|60|none)$")] = "auto",
    mapping: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    form = await request.form()
    meta = {k: str(form.get(k, "")).strip() for k, _ in META_FIELDS if str(form.get(k, "")).strip()}
    typed = {"fs": fs, "mains": mains, "mapping": mapping, **meta}
    try:
        try:
            rate = float(fs) if fs.strip() else None
        except ValueError:
            raise InvalidInput(f"fs: {fs[:20]!r} is not a number") from None
        chan_map = parse_mapping_text(mapping)
        content = await read_limited(file, settings.max_upload_bytes)
        name = (file.filename or "upload.csv")[-200:]

        def analyse(data: bytes, filename: str) -> dict[str, Any]:
            return analyse_upload(
                data, filename, fs=rate, mains=mains, mapping=chan_map, metadata=meta
            )

        rec_id = await asyncio.to_thread(
            upload_emg, db, actor, client.id, day=dt.date.today(), filename=name,
            content=content, analyse=analyse,
        )  # fmt: skip
    except UpperbackError as exc:
        return _page(
            request, db, actor, client, status_code=exc.status_code, error=exc.message,
            typed=typed, error_field=error_field(exc.message),
        )  # fmt: skip
    return RedirectResponse(f"/clients/{client.id}/emg/{rec_id}", status_code=303)


@router.get("/{recording_id}", response_class=HTMLResponse)
def emg_detail(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, recording_id: RecordingId
) -> Response:
    entry, stored = get_emg(db, actor, client.id, recording_id)
    return _detail(request, client, entry, stored, stored.get("analysis", {}))


def _detail(
    request: Request, client: Any, entry: Any, stored: dict[str, Any], analysis: dict[str, Any],
    *, reviewed: bool = False, error: str | None = None, status_code: int = 200,
) -> Response:  # fmt: skip
    shown = {**stored, "analysis": analysis}
    png = base64.b64encode(emg_plot_png(shown)).decode()
    return render(
        request, "emg_detail.html", status_code=status_code, client=client, entry=entry,
        analysis=analysis, png=png, active="emg", reviewed=reviewed, error=error,
        can_review="zlib_b64" in (stored.get("upload") or {}),
        info_flags=sorted(INFORMATIONAL),
        metadata=analysis.get("metadata") or {},
    )  # fmt: skip


@router.post("/{recording_id}/review", response_class=HTMLResponse)
async def emg_review(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, recording_id: RecordingId
) -> Response:
    """Recompute ratios and delays with the clinician's onsets; "save" keeps a reviewed copy."""
    entry, stored = get_emg(db, actor, client.id, recording_id)
    form = await request.form()
    channels = list((stored.get("analysis") or {}).get("channels", {}))
    try:
        acts = reviewed_activations(form, channels)
        analysis = await asyncio.to_thread(reanalyse, stored, entry.filename, acts)
    except UpperbackError as exc:
        return _detail(
            request, client, entry, stored, stored.get("analysis", {}), error=exc.message,
            status_code=exc.status_code,
        )  # fmt: skip
    if form.get("save"):
        doc = {**stored, "analysis": analysis, "review": {"of": entry.id}}
        name = (entry.filename + " (reviewed)")[-200:]
        new_id = await asyncio.to_thread(
            store_emg, db, actor, client.id, day=dt.date.today(), filename=name, analysis=doc
        )
        return RedirectResponse(f"/clients/{client.id}/emg/{new_id}", status_code=303)
    return _detail(request, client, entry, stored, analysis, reviewed=True)


@router.get("/{recording_id}/live", response_class=HTMLResponse)
def emg_live(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, recording_id: RecordingId
) -> Response:
    entry, stored = get_emg(db, actor, client.id, recording_id)
    mapping = (stored.get("upload") or {}).get("mapping") or None
    pair = ratio_pair(list(stored.get("envelope", {}).get("channels", {})), mapping)
    others = [r for r in list_emg(db, actor, client.id) if r.id != entry.id]
    return render(
        request, "live.html", client=client, entry=entry, pair=pair, active="emg",
        ws_path=f"/api/v1/clients/{client.id}/emg/{entry.id}/live", mvc_choices=others,
    )  # fmt: skip
