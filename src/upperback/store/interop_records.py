"""Reads the FHIR export needs beyond `Records`: every intake form, every referral with its
clearance, and each assessment as entered (items of NDI and PSFS) beside its scoring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from upperback.model.assessment import AssessmentIn, ScoredAssessment
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.store.mapping import scored_from_row
from upperback.store.records import Records
from upperback.store.tables import AssessmentRow, ClearanceRow, ClinicianRow, IntakeRow


@dataclass(frozen=True)
class ReferralEntry:
    date: dt.date
    screening: ScreeningResult
    source: str
    clearance: Clearance | None


class InteropRecords(Records):
    """`Records` plus the whole-history reads an export of the record needs."""

    def clinician_name(self, clinician_id: int) -> str:
        row = self.session.get(ClinicianRow, clinician_id)
        return row.name if row is not None else "clinician"

    def _intake_rows(self, client_id: int) -> list[IntakeRow]:
        return list(
            self.session.scalars(
                select(IntakeRow).where(IntakeRow.client_id == client_id).order_by(IntakeRow.id)
            )
        )

    def intake_forms(self, client_id: int) -> list[Intake]:
        """Every full intake, oldest first (referrals raised by a log are not forms)."""
        return [
            Intake.model_validate(r.document)
            for r in self._intake_rows(client_id)
            if "source" not in r.document
        ]

    def referrals(self, client_id: int) -> list[ReferralEntry]:
        """Every referral, oldest first, with the clearance that closed it, if any."""
        cleared = {
            c.intake_id: Clearance(date=c.date, note=c.note)
            for c in self.session.scalars(
                select(ClearanceRow).where(ClearanceRow.client_id == client_id)
            )
        }
        return [
            ReferralEntry(
                date=r.date,
                screening=ScreeningResult.model_validate(r.screening),
                source=str(r.document.get("source", "intake")),
                clearance=cleared.get(r.id),
            )
            for r in self._intake_rows(client_id)
            if r.outcome == "refer"
        ]

    def assessments_as_entered(self, client_id: int) -> list[tuple[AssessmentIn, ScoredAssessment]]:
        rows = self.session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.client_id == client_id)
            .order_by(AssessmentRow.date, AssessmentRow.id)
        )
        return [(AssessmentIn.model_validate(r.document), scored_from_row(r)) for r in rows]
