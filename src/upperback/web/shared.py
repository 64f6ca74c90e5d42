"""Helpers both the API routes and the pages use (pages never import API route modules)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated

from fastapi import Path, UploadFile

from upperback.errors import InvalidInput
from upperback.report.emg_view import analyze_upload
from upperback.services import emg
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.web.deps import MAX_ID

RecordingId = Annotated[int, Path(ge=1, le=MAX_ID, description="sEMG recording id.")]


def attachment(name: str) -> dict[str, str]:
    """Headers that make a browser download the response as `name`."""
    return {"Content-Disposition": f'attachment; filename="{name}"'}


async def read_limited(upload: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it (one line) once it passes `limit` bytes."""
    content = await upload.read(limit + 1)
    if len(content) > limit:
        raise InvalidInput(f"file: larger than {limit // (1024 * 1024)} MB")
    return content


def analyse_and_store(
    db: Database, actor: Actor, client_id: int, content: bytes, filename: str,
    fs: float | None, mains: str,
) -> int:  # fmt: skip
    """Analyse an uploaded recording and keep it with the client's record (sEMG service)."""
    return emg.upload_emg(
        db, actor, client_id, day=dt.date.today(), filename=filename, content=content,
        analyse=partial(analyze_upload, fs=fs, mains=mains),
    )  # fmt: skip
