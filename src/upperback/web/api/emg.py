"""sEMG: upload a recording for analysis (envelopes, onsets, quality), read it back, replay it live."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile, WebSocket, WebSocketDisconnect, status
from fastapi.responses import Response

from upperback.errors import InvalidInput, UpperbackError
from upperback.report.emg_view import REPLAY_HZ, emg_plot_png
from upperback.services.accounts import Account
from upperback.services.emg import get_emg, list_emg
from upperback.web.api.schemas import EmgRecordingOut
from upperback.web.auth import NotAuthenticated
from upperback.web.deps import (
    ClientId,
    CurrentActor,
    DbDep,
    SettingsDep,
    account_from_session,
    account_from_token,
)
from upperback.web.shared import RecordingId, analyse_and_store, read_limited

router = APIRouter(prefix="/clients/{client_id}/emg", tags=["emg"])


@router.post("", response_model=EmgRecordingOut, status_code=status.HTTP_201_CREATED)
async def upload(
    client_id: ClientId,
    db: DbDep,
    actor: CurrentActor,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="CSV/TXT, EDF/BDF or C3D recording.")],
    fs: Annotated[float | None, Form(gt=0, le=100_000)] = None,
    mains: Annotated[str, Form(pattern="^(auto|50|60|none)$")] = "auto",
) -> EmgRecordingOut:
    """Analyse a recording (activations, onsets, ratios, fatigue, quality flags) and keep it."""
    content = await read_limited(file, settings.max_upload_bytes)
    name = (file.filename or "upload.csv")[-200:]
    rec_id = await asyncio.to_thread(
        analyse_and_store, db, actor, client_id, content, name, fs, mains
    )
    entry, stored = get_emg(db, actor, client_id, rec_id)
    return EmgRecordingOut(
        id=entry.id, client_id=client_id, date=entry.date, filename=entry.filename,
        analysis=stored.get("analysis"),
    )  # fmt: skip


@router.get("", response_model=list[EmgRecordingOut])
def list_recordings(client_id: ClientId, db: DbDep, actor: CurrentActor) -> list[EmgRecordingOut]:
    return [
        EmgRecordingOut(id=e.id, client_id=e.client_id, date=e.date, filename=e.filename)
        for e in list_emg(db, actor, client_id)
    ]


@router.get("/{recording_id}", response_model=EmgRecordingOut)
def get_recording(
    client_id: ClientId, recording_id: RecordingId, db: DbDep, actor: CurrentActor
) -> EmgRecordingOut:
    entry, stored = get_emg(db, actor, client_id, recording_id)
    return EmgRecordingOut(
        id=entry.id, client_id=client_id, date=entry.date, filename=entry.filename,
        analysis=stored.get("analysis"),
    )  # fmt: skip


@router.get(
    "/{recording_id}/envelopes.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def envelopes_png(
    client_id: ClientId, recording_id: RecordingId, db: DbDep, actor: CurrentActor
) -> Response:
    """Envelopes per channel with activations shaded and quality flags."""
    _entry, stored = get_emg(db, actor, client_id, recording_id)
    return Response(emg_plot_png(stored), media_type="image/png")


def _replay_setup(
    db: Any, account: Account, client_id: int, stored: dict[str, Any], params: Any
) -> Any:
    """Live replay messages: ratio normalised to another stored recording used as MVC
    (``?mvc=<recording id>``), target in class units (``?target=1.0``)."""
    from upperback.emg.live.replay import replay_messages
    from upperback.report.emg_view import recording_from_upload

    try:
        target = float(params.get("target", "1.0"))
    except ValueError:
        raise InvalidInput("target: not a number") from None
    mvc = None
    mvc_id = params.get("mvc")
    if mvc_id:
        if not mvc_id.isdigit() or not 1 <= int(mvc_id) <= 2**31 - 1:
            raise InvalidInput("mvc: not a recording id")
        mvc = recording_from_upload(get_emg(db, account.actor(), client_id, int(mvc_id))[1])
    rec = recording_from_upload(stored)
    mapping = (stored.get("upload") or {}).get("mapping")
    if mapping:
        rec = type(rec)(rec.data, rec.fs, rec.channels, rec.units, rec.source, dict(mapping))
    return list(replay_messages(rec, target=target, mvc=mvc, hz=REPLAY_HZ))


def _ws_account(websocket: WebSocket, db: Any, settings: Any) -> Account:
    token = websocket.query_params.get("token")
    if token:
        return account_from_token(db, settings, token)
    return account_from_session(websocket, db)


@router.websocket("/{recording_id}/live")
async def live(websocket: WebSocket, client_id: int, recording_id: int) -> None:
    """Replay a stored recording as live biofeedback: ratio, cue and controller level ~10/s.

    Authenticate with the page session cookie or `?token=<bearer token>`. Refused
    connections close with code 4401 (not logged in) or 4404 (no such client/recording).
    """
    db = websocket.app.state.db
    settings = websocket.app.state.settings
    try:
        account = _ws_account(websocket, db, settings)
        stored = get_emg(db, account.actor(), client_id, recording_id)[1]
    except NotAuthenticated:
        await websocket.close(code=4401)
        return
    except UpperbackError:
        await websocket.close(code=4404)
        return
    await websocket.accept()
    fast = websocket.query_params.get("speed") == "max"
    try:
        messages = await asyncio.to_thread(
            _replay_setup, db, account, client_id, stored, websocket.query_params
        )
        for msg in messages:
            await websocket.send_json(msg)
            await asyncio.sleep(0 if fast else 1 / REPLAY_HZ)
        await websocket.send_json({"done": True})
        await websocket.close()
    except UpperbackError as exc:  # e.g. no upper-trapezius/partner pair to feed back on
        await websocket.send_json({"error": exc.message, "done": True})
        await websocket.close()
    except WebSocketDisconnect:
        return
