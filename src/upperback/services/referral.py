"""What a referral letter needs: the referring screening, the intake behind it, who refers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from upperback.errors import NotFound
from upperback.model.client import Client
from upperback.model.intake import Intake, ScreeningResult
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import client_from_row
from upperback.store.tables import ClearanceRow, ClinicianRow, IntakeRow


@dataclass(frozen=True)
class ReferralData:
    client: Client
    clinician: str
    intake: Intake
    screening: ScreeningResult
    cleared: bool


def referral_data(db: Database, actor: Actor, client_id: int) -> ReferralData:
    """The newest referring intake (open first); NotFound when screening never referred."""
    clinician_id = require_clinician(actor, "write a referral letter")
    with db.uow(write=True) as uow:
        s = uow.session
        client = client_from_row(client_for(s, actor, client_id))
        cleared_ids = set(
            s.scalars(select(ClearanceRow.intake_id).where(ClearanceRow.client_id == client_id))
        )
        rows = list(
            s.scalars(
                select(IntakeRow)
                .where(IntakeRow.client_id == client_id, IntakeRow.outcome == "refer")
                .order_by(IntakeRow.id.desc())
                .limit(20)
            )
        )
        if not rows:
            raise NotFound("no referral: the screening of this client did not refer")
        row = next((r for r in rows if r.id not in cleared_ids), rows[0])
        name = (
            s.scalar(select(ClinicianRow.name).where(ClinicianRow.id == clinician_id))
            or "clinician"
        )
        audit(s, actor, "referral.letter", client_id)
        data = ReferralData(
            client=client, clinician=name, intake=Intake.model_validate(row.document),
            screening=ScreeningResult.model_validate(row.screening), cleared=row.id in cleared_ids,
        )  # fmt: skip
        uow.commit()
        return data
