"""Use cases of the preface: intake with red-flag screening, clinician clearance."""

from __future__ import annotations

from upperback.errors import InvalidInput
from upperback.model.client import Client
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.preface.screening import screen_intake
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import client_from_row
from upperback.store.records import Records, ScreeningView
from upperback.store.writes import Writer


def record_intake(db: Database, actor: Actor, client_id: int, intake: Intake) -> ScreeningResult:
    """Screen the intake and store both; a referral blocks planning until clearance."""
    require_clinician(actor, "record an intake")
    with db.uow(write=True) as uow:
        client = client_from_row(client_for(uow.session, actor, client_id))
        screening = screen_intake(intake, age=client.age_on(intake.date))
        Writer(uow.session).add_intake(client_id, intake, screening)
        audit(uow.session, actor, "intake.record", client_id)
        uow.commit()
        return screening


def record_clearance(db: Database, actor: Actor, client_id: int, clearance: Clearance) -> None:
    """A clinician records that every open referral was acted on and loading may start."""
    clinician_id = require_clinician(actor, "record a clearance")
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        records = Records(uow.session)
        open_rows = records.uncleared_referrals(client_id)
        if not open_rows:
            if records.latest_intake_row(client_id) is None:
                raise InvalidInput("no intake recorded for this client: run intake first")
            raise InvalidInput("there is no open referral to clear")
        Writer(uow.session).add_clearances(
            client_id, (row.id for row in open_rows), clinician_id, clearance
        )
        audit(uow.session, actor, "clearance.record", client_id)
        uow.commit()


def screening_status(
    db: Database, actor: Actor, client_id: int
) -> tuple[Client, ScreeningResult | None, Clearance | None]:
    """The client with the screening that governs planning and its clearance, if any."""
    with db.uow() as uow:
        row = client_for(uow.session, actor, client_id)
        s, c = Records(uow.session).open_referral(client_id)
        return client_from_row(row), s, c


def screening_view(db: Database, actor: Actor, client_id: int) -> ScreeningView:
    """The screening that governs planning, its clearance, and whether planning is blocked."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return Records(uow.session).screening(client_id)
