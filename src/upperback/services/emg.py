"""Use cases of sEMG records: keep an analysed recording with the client's record, list them,
read one back. The analysis itself is the caller's step (web upload or CLI file), passed in
so this layer stays free of plotting and file formats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from upperback.errors import NotFound
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.store.records import EmgEntry, Records
from upperback.store.writes import Writer

__all__ = ["EmgEntry", "get_emg", "list_emg", "store_emg", "upload_emg"]

Analyse = Callable[[bytes, str], dict[str, Any]]


def store_emg(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    day: dt.date,
    filename: str,
    analysis: dict[str, Any],
) -> int:
    """Keep an sEMG analysis (and the envelope needed to replay it) with the client's record."""
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        rec_id = Writer(uow.session).add_emg_recording(client_id, day, filename, analysis)
        audit(uow.session, actor, "emg.upload", client_id)
        uow.commit()
        return rec_id


def upload_emg(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    day: dt.date,
    filename: str,
    content: bytes,
    analyse: Analyse,
) -> int:
    """Check access first (before spending time on analysis), analyse, then store."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
    analysis = analyse(content, filename)
    return store_emg(db, actor, client_id, day=day, filename=filename, analysis=analysis)


def list_emg(db: Database, actor: Actor, client_id: int) -> list[EmgEntry]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return Records(uow.session).emg_entries(client_id)


def get_emg(
    db: Database, actor: Actor, client_id: int, recording_id: int
) -> tuple[EmgEntry, dict[str, Any]]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        found = Records(uow.session).emg_recording(client_id, recording_id)
        if found is None:
            raise NotFound(f"sEMG recording {recording_id} not found")
        return found
