"""Read models the pages and API need beyond the service layer: each checks access first.

Adapter-level helpers: they read rows through the same `client_for` check as the services,
and write nothing but sEMG analyses (kept with the client's record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from upperback.errors import NotFound
from upperback.knowledge.loading_rules import loading_rules
from upperback.model.client import Client
from upperback.model.session import SessionLog
from upperback.services import clients, progress
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.services.sessions import list_logs
from upperback.store.tables import EmgRecordingRow

# Falling adherence: recent adherence this far below the overall figure [U: design choice].
ADHERENCE_DROP = 0.2
RECENT_DAYS = 14


@dataclass
class ClientFlags:
    """What a clinician should look at first, per client."""

    client: Client
    referral: str | None = None
    pain_flare: str | None = None
    adherence: str | None = None
    adherence_value: float | None = None
    last_log: dt.date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.referral or self.pain_flare or self.adherence)


def _pain_flare(logs: list[SessionLog], today: dt.date) -> str | None:
    """Silbernagel's pain-monitoring limits (loading_rules.yaml `pain`) in the last two weeks."""
    rules = loading_rules().pain
    for log in reversed(logs):
        if (today - log.date).days > RECENT_DAYS:
            break
        if log.max_pain_during() > rules.during_max:
            return f"pain {log.max_pain_during():g}/10 during session {log.week}.{log.index} ({log.date})"
        if (
            log.pain_next_morning is not None
            and log.pain_before is not None
            and log.pain_next_morning - log.pain_before > rules.morning_tolerance
        ):
            return f"next-morning pain rose to {log.pain_next_morning:g}/10 after {log.date}"
    return None


def dashboard(db: Database, actor: Actor, *, today: dt.date) -> list[ClientFlags]:
    """The clinician's clients with flags for open referrals, pain flares and falling adherence."""
    from upperback.services import preface

    out: list[ClientFlags] = []
    gap_days = loading_rules().adherence.gap_days
    for c in clients.list_clients(db, actor):
        flags = ClientFlags(client=c)
        _cl, screening, clearance = preface.screening_status(db, actor, c.id)
        if screening is not None and screening.blocks_program and clearance is None:
            flags.referral = f"open referral ({screening.urgency.value})"
        logs = list_logs(db, actor, c.id)
        flags.last_log = logs[-1].date if logs else None
        flags.pain_flare = _pain_flare(logs, today)
        prog = progress.progress(db, actor, c.id, today=today)
        adh = prog.adherence
        if adh is not None and adh.planned_sessions:
            flags.adherence_value = adh.adherence
            if adh.recent_adherence < adh.adherence - ADHERENCE_DROP:
                flags.adherence = (
                    f"recent adherence {adh.recent_adherence:.0%} vs {adh.adherence:.0%} overall"
                )
            elif (
                flags.last_log
                and (today - flags.last_log).days >= gap_days
                and today > flags.last_log
            ):
                flags.adherence = f"no session logged for {(today - flags.last_log).days} days"
        out.append(flags)
    return out


def store_emg(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    day: dt.date,
    filename: str,
    analysis: dict[str, Any],
) -> int:
    """Keep an sEMG analysis (and the upload needed to replay it) with the client's record."""
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        row = EmgRecordingRow(client_id=client_id, date=day, filename=filename, analysis=analysis)
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, actor, "emg.upload", client_id)
        rec_id = row.id
        uow.commit()
        return rec_id


@dataclass(frozen=True)
class EmgEntry:
    id: int
    client_id: int
    date: dt.date
    filename: str


def list_emg(db: Database, actor: Actor, client_id: int) -> list[EmgEntry]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        rows = uow.session.execute(
            select(
                EmgRecordingRow.id,
                EmgRecordingRow.date,
                EmgRecordingRow.filename,
            )
            .where(EmgRecordingRow.client_id == client_id)
            .order_by(EmgRecordingRow.id)
        )
        return [EmgEntry(r.id, client_id, r.date, r.filename) for r in rows]


def get_emg(
    db: Database, actor: Actor, client_id: int, recording_id: int
) -> tuple[EmgEntry, dict[str, Any]]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        row = uow.session.get(EmgRecordingRow, recording_id)
        if row is None or row.client_id != client_id:
            raise NotFound(f"sEMG recording {recording_id} not found")
        return EmgEntry(row.id, client_id, row.date, row.filename), dict(row.analysis)
