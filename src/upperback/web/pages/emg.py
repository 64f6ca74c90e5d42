"""sEMG pages: upload and list recordings, one recording's envelopes, live biofeedback."""

from __future__ import annotations

import asyncio
import base64
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from upperback.emg.live import ratio_pair
from upperback.errors import UpperbackError
from upperback.report.emg_view import emg_plot_png
from upperback.services.emg import get_emg, list_emg
from upperback.web.deps import DbDep, PageActor, PageClient, SettingsDep
from upperback.web.shared import RecordingId, analyse_and_store, read_limited
from upperback.web.templating import render

router = APIRouter(prefix="/clients/{client_id}/emg")


@router.get("", response_class=HTMLResponse)
def emg_page(request: Request, db: DbDep, actor: PageActor, client: PageClient) -> Response:
    return render(
        request, "emg.html", client=client, recordings=list_emg(db, actor, client.id),
        active="emg", error=None,
    )  # fmt: skip


@router.post("")
async def emg_upload(
    request: Request,
    db: DbDep,
    actor: PageActor,
    client: PageClient,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    fs: Annotated[str, Form()] = "",
    mains: Annotated[str, Form(pattern="^(auto|50|60|none)$")] = "auto",
) -> Response:
    try:
        content = await read_limited(file, settings.max_upload_bytes)
        rate = float(fs) if fs.strip() else None
        name = (file.filename or "upload.csv")[-200:]
        rec_id = await asyncio.to_thread(
            analyse_and_store, db, actor, client.id, content, name, rate, mains
        )
    except (UpperbackError, ValueError) as exc:
        message = exc.message if isinstance(exc, UpperbackError) else "fs: not a number"
        code = exc.status_code if isinstance(exc, UpperbackError) else 422
        return render(
            request, "emg.html", status_code=code, client=client,
            recordings=list_emg(db, actor, client.id), active="emg", error=message,
        )  # fmt: skip
    return RedirectResponse(f"/clients/{client.id}/emg/{rec_id}", status_code=303)


@router.get("/{recording_id}", response_class=HTMLResponse)
def emg_detail(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, recording_id: RecordingId
) -> Response:
    entry, stored = get_emg(db, actor, client.id, recording_id)
    png = base64.b64encode(emg_plot_png(stored)).decode()
    return render(
        request, "emg_detail.html", client=client, entry=entry, analysis=stored.get("analysis", {}),
        png=png, active="emg",
    )  # fmt: skip


@router.get("/{recording_id}/live", response_class=HTMLResponse)
def emg_live(
    request: Request, db: DbDep, actor: PageActor, client: PageClient, recording_id: RecordingId
) -> Response:
    entry, stored = get_emg(db, actor, client.id, recording_id)
    pair = ratio_pair(list(stored.get("envelope", {}).get("channels", {})))
    return render(
        request, "live.html", client=client, entry=entry, pair=pair, active="emg",
        ws_path=f"/api/v1/clients/{client.id}/emg/{entry.id}/live",
    )  # fmt: skip
