"""Use cases of workday sEMG exposure: keep a client's exposure result, read the latest one
back with its clinician finding, and the micro-break plan for the client's program.

The analysis (file reading, chunked processing) is the caller's step, passed in as a
callable so this layer stays free of file formats; the finding and the prescription are
the pure ``emg.exposure`` rules, recomputed on read so a knowledge-file update applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from upperback.emg.exposure.advice import (
    ExposureFinding,
    MicroBreakPrescription,
    exposure_finding,
    micro_break_prescription,
)
from upperback.emg.exposure.metrics import ExposureResult
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.store.tables import EmgExposureRow

__all__ = [
    "ExposureRecord",
    "latest_exposure",
    "micro_break_plan",
    "store_exposure",
    "upload_exposure",
]


@dataclass(frozen=True)
class ExposureRecord:
    """A stored workday exposure with what it means for the assessment and the program."""

    id: int
    date: dt.date
    filename: str
    result: ExposureResult
    finding: ExposureFinding | None
    micro_break: MicroBreakPrescription | None


def store_exposure(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    day: dt.date,
    filename: str,
    result: ExposureResult,
) -> int:
    """Keep a workday exposure result with the client's record (authorised, audited)."""
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        row = EmgExposureRow(
            client_id=client_id,
            date=day,
            filename=filename[-300:],
            result=result.model_dump(mode="json"),
        )
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, actor, "emg.exposure", client_id, target=f"emg_exposure:{row.id}")
        uow.commit()
        return int(row.id)


def upload_exposure(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    day: dt.date,
    filename: str,
    analyse: Callable[[], ExposureResult],
) -> int:
    """Check access first (before minutes of analysis on a long file), analyse, store."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
    result = analyse()
    return store_exposure(db, actor, client_id, day=day, filename=filename, result=result)


def latest_exposure(db: Database, actor: Actor, client_id: int) -> ExposureRecord | None:
    """The client's most recent workday exposure with its finding and micro-break plan."""
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        row = uow.session.scalars(
            select(EmgExposureRow)
            .where(EmgExposureRow.client_id == client_id)
            .order_by(EmgExposureRow.date.desc(), EmgExposureRow.id.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        audit(uow.session, actor, "emg.exposure.read", client_id, target=f"emg_exposure:{row.id}")
        uow.commit()
        result = ExposureResult.model_validate(row.result)
        return ExposureRecord(
            id=int(row.id),
            date=row.date,
            filename=row.filename,
            result=result,
            finding=exposure_finding(result),
            micro_break=micro_break_prescription(result),
        )


def micro_break_plan(db: Database, actor: Actor, client_id: int) -> MicroBreakPrescription | None:
    """Micro-breaks during desk work for the client's program (None without an exposure
    result or when muscular rest was not scarce)."""
    rec = latest_exposure(db, actor, client_id)
    return rec.micro_break if rec is not None else None
