"""Use cases of the preface: intake with red-flag screening, clinician clearance."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from upperback.errors import InvalidInput
from upperback.model.client import Client
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.preface.screening import screen_intake
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import client_from_row
from upperback.store.tables import ClearanceRow, IntakeRow


def record_intake(db: Database, actor: Actor, client_id: int, intake: Intake) -> ScreeningResult:
    """Screen the intake and store both; a referral blocks planning until clearance."""
    require_clinician(actor, "record an intake")
    with db.uow(write=True) as uow:
        row = client_for(uow.session, actor, client_id)
        client = client_from_row(row)
        screening = screen_intake(intake, age=client.age_on(intake.date))
        uow.session.add(
            IntakeRow(
                client_id=client_id,
                date=intake.date,
                document=intake.model_dump(mode="json"),
                screening=screening.model_dump(mode="json"),
                outcome=screening.outcome,
                urgency=screening.urgency.value,
            )
        )
        audit(uow.session, actor, "intake.record", client_id)
        uow.commit()
        return screening


def store_referral(
    session: Session, client_id: int, day: dt.date, screening: ScreeningResult, source: str
) -> None:
    """A referral raised later (for example by new symptoms in a session log)."""
    session.add(
        IntakeRow(
            client_id=client_id,
            date=day,
            document={"source": source},
            screening=screening.model_dump(mode="json"),
            outcome=screening.outcome,
            urgency=screening.urgency.value,
        )
    )


def latest_intake_row(
    session: Session, client_id: int, *, full_only: bool = False
) -> IntakeRow | None:
    rows = session.scalars(
        select(IntakeRow).where(IntakeRow.client_id == client_id).order_by(IntakeRow.id.desc())
    )
    for row in rows:
        if not full_only or "source" not in row.document:
            return row
    return None


def latest_intake(session: Session, client_id: int) -> Intake | None:
    row = latest_intake_row(session, client_id, full_only=True)
    return Intake.model_validate(row.document) if row else None


def _uncleared_referrals(session: Session, client_id: int) -> list[IntakeRow]:
    """Referral rows no clinician has cleared yet, newest first."""
    cleared = select(ClearanceRow.intake_id).where(ClearanceRow.client_id == client_id)
    return list(
        session.scalars(
            select(IntakeRow)
            .where(
                IntakeRow.client_id == client_id,
                IntakeRow.outcome == "refer",
                IntakeRow.id.not_in(cleared),
            )
            .order_by(IntakeRow.id.desc())
        )
    )


def open_referral(
    session: Session, client_id: int
) -> tuple[ScreeningResult | None, Clearance | None]:
    """The screening that governs planning, with its clearance if any.

    Any referral without a clearance governs, whatever came after it: a later clear intake
    (or a client's own form) does not cancel a referral. Otherwise the newest screening.
    """
    open_rows = _uncleared_referrals(session, client_id)
    if open_rows:
        return ScreeningResult.model_validate(open_rows[0].screening), None
    row = latest_intake_row(session, client_id)
    if row is None:
        return None, None
    screening = ScreeningResult.model_validate(row.screening)
    cl = session.scalars(
        select(ClearanceRow)
        .where(ClearanceRow.intake_id == row.id)
        .order_by(ClearanceRow.id.desc())
        .limit(1)
    ).first()
    clearance = Clearance(date=cl.date, note=cl.note) if cl else None
    return screening, clearance


def record_clearance(db: Database, actor: Actor, client_id: int, clearance: Clearance) -> None:
    """A clinician records that every open referral was acted on and loading may start."""
    clinician_id = require_clinician(actor, "record a clearance")
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        open_rows = _uncleared_referrals(uow.session, client_id)
        if not open_rows:
            if latest_intake_row(uow.session, client_id) is None:
                raise InvalidInput("no intake recorded for this client: run intake first")
            raise InvalidInput("there is no open referral to clear")
        for row in open_rows:
            uow.session.add(
                ClearanceRow(
                    client_id=client_id,
                    intake_id=row.id,
                    clinician_id=clinician_id,
                    date=clearance.date,
                    note=clearance.note,
                )
            )
        audit(uow.session, actor, "clearance.record", client_id)
        uow.commit()


def screening_status(
    db: Database, actor: Actor, client_id: int
) -> tuple[Client, ScreeningResult | None, Clearance | None]:
    with db.uow() as uow:
        row = client_for(uow.session, actor, client_id)
        s, c = open_referral(uow.session, client_id)
        return client_from_row(row), s, c
