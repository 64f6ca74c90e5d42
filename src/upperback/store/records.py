"""The read repository: every record a use case reads, as domain models, in one place.

Services open a unit of work and read through `Records(session)`; no service writes a query.
Each query lives once here, so "the latest profile" or "the screening that governs planning"
means the same thing to every use case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from upperback.model.adaptation import Adaptation, Override
from upperback.model.assessment import ScoredAssessment, ScoredResult
from upperback.model.client import Client
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.model.outcome import OutcomePoint
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program
from upperback.model.session import SessionLog
from upperback.store import versions
from upperback.store.mapping import (
    adaptation_from_row,
    client_from_row,
    load_plan_logs,
    load_session_logs,
    scored_from_row,
)
from upperback.store.program_cache import PROGRAMS
from upperback.store.tables import (
    AccountRow,
    AdaptationRow,
    AssessmentRow,
    ClearanceRow,
    ClientRow,
    ClinicianRow,
    EmgRecordingRow,
    IntakeRow,
    OutcomeRow,
    OverrideRow,
    ProgramRow,
    SessionLogRow,
)


@dataclass(frozen=True)
class VersionedAdaptation:
    """An adaptation with the program version it produced."""

    program_version: int
    adaptation: Adaptation


@dataclass(frozen=True)
class EmgEntry:
    """A stored sEMG recording, without its (large) analysis."""

    id: int
    client_id: int
    date: dt.date
    filename: str


@dataclass(frozen=True)
class ScreeningView:
    """The screening that governs planning, its clearance, and whether planning is blocked."""

    screening: ScreeningResult | None
    clearance: Clearance | None

    @property
    def blocks_program(self) -> bool:
        return (
            self.screening is not None and self.screening.blocks_program and self.clearance is None
        )


# --- Prebuilt statements of the logging path (built once, not on every log) --------------
_HEAD = (
    select(ProgramRow.id, ProgramRow.version, ProgramRow.created)
    .where(ProgramRow.client_id == bindparam("cid"))
    .order_by(ProgramRow.version.desc())
    .limit(1)
)
_SCREENINGS = (
    select(
        IntakeRow.id,
        IntakeRow.outcome,
        IntakeRow.screening,
        ClearanceRow.id.label("cl_id"),
        ClearanceRow.date.label("cl_date"),
        ClearanceRow.note.label("cl_note"),
    )
    .outerjoin(
        ClearanceRow,
        (ClearanceRow.intake_id == IntakeRow.id) & (ClearanceRow.client_id == IntakeRow.client_id),
    )
    .where(IntakeRow.client_id == bindparam("cid"))
    .order_by(IntakeRow.id.desc())
)
_PROFILE = (
    select(AssessmentRow.profile)
    .where(AssessmentRow.client_id == bindparam("cid"))
    .order_by(AssessmentRow.date.desc(), AssessmentRow.id.desc())
    .limit(1)
)
_OVERRIDES = (
    select(
        OverrideRow.exercise_id,
        OverrideRow.field,
        OverrideRow.value,
        OverrideRow.reason,
        OverrideRow.date,
    )
    .where(OverrideRow.client_id == bindparam("cid"), OverrideRow.revoked_at.is_(None))
    .order_by(OverrideRow.id)  # revoked overrides (migration 0004) no longer apply
)


class Records:
    """Read access to one client's record (or a clinician's list) inside a unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- people -------------------------------------------------------------------------
    def first_clinician(self) -> ClinicianRow | None:
        return self.session.scalars(select(ClinicianRow).order_by(ClinicianRow.id)).first()

    def clinician_named(self, name: str) -> ClinicianRow | None:
        return self.session.scalars(select(ClinicianRow).where(ClinicianRow.name == name)).first()

    def client_named(self, clinician_id: int, name: str) -> ClientRow | None:
        return self.session.scalars(
            select(ClientRow).where(ClientRow.clinician_id == clinician_id, ClientRow.name == name)
        ).first()

    def any_client_named(self, name: str) -> ClientRow | None:
        return self.session.scalars(select(ClientRow).where(ClientRow.name == name)).first()

    def account_named(self, username: str) -> AccountRow | None:
        return self.session.scalars(
            select(AccountRow).where(AccountRow.username == username)
        ).first()

    def clients(self, *, clinician_id: int | None, client_id: int | None) -> list[Client]:
        """A clinician's clients, or (for a client) their own record, by id."""
        q = select(ClientRow).order_by(ClientRow.id)
        if clinician_id is not None:
            q = q.where(ClientRow.clinician_id == clinician_id)
        else:
            q = q.where(ClientRow.id == client_id)
        return [client_from_row(r) for r in self.session.scalars(q)]

    # --- preface ------------------------------------------------------------------------
    def latest_intake_row(self, client_id: int, *, full_only: bool = False) -> IntakeRow | None:
        """The newest intake (a full form only when `full_only`: referrals raised by a log are not)."""
        rows = self.session.scalars(
            select(IntakeRow).where(IntakeRow.client_id == client_id).order_by(IntakeRow.id.desc())
        )
        for row in rows:
            if not full_only or "source" not in row.document:
                return row
        return None

    def latest_intake(self, client_id: int) -> Intake | None:
        row = self.latest_intake_row(client_id, full_only=True)
        return Intake.model_validate(row.document) if row else None

    def uncleared_referrals(self, client_id: int) -> list[IntakeRow]:
        """Referral rows no clinician has cleared yet, newest first."""
        cleared = select(ClearanceRow.intake_id).where(ClearanceRow.client_id == client_id)
        return list(
            self.session.scalars(
                select(IntakeRow)
                .where(
                    IntakeRow.client_id == client_id,
                    IntakeRow.outcome == "refer",
                    IntakeRow.id.not_in(cleared),
                )
                .order_by(IntakeRow.id.desc())
            )
        )

    def open_referral(self, client_id: int) -> tuple[ScreeningResult | None, Clearance | None]:
        """The screening that governs planning, with its clearance if any.

        Any referral without a clearance governs, whatever came after it: a later clear intake
        (or a client's own form) does not cancel a referral. Otherwise the newest screening.
        """
        # One prebuilt query (every log and every "next" view runs it): the client's
        # screenings newest first, each with its clearances.
        rows = list(self.session.execute(_SCREENINGS, {"cid": client_id}))
        cleared = {r.id for r in rows if r.cl_id is not None}
        for r in rows:
            if r.outcome == "refer" and r.id not in cleared:
                return ScreeningResult.model_validate(r.screening), None
        if not rows:
            return None, None
        newest = rows[0]
        clearances = [r for r in rows if r.id == newest.id and r.cl_id is not None]
        cl = max(clearances, key=lambda r: r.cl_id) if clearances else None
        screening = ScreeningResult.model_validate(newest.screening)
        return screening, Clearance(date=cl.cl_date, note=cl.cl_note) if cl else None

    def screening(self, client_id: int) -> ScreeningView:
        return ScreeningView(*self.open_referral(client_id))

    # --- assessment ---------------------------------------------------------------------
    def assessments(self, client_id: int) -> list[ScoredAssessment]:
        """Every scored assessment, oldest first."""
        rows = self.session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.client_id == client_id)
            .order_by(AssessmentRow.date, AssessmentRow.id)
        )
        return [scored_from_row(r) for r in rows]

    def previous_results(self, client_id: int) -> list[ScoredResult]:
        return [r for a in self.assessments(client_id) for r in a.results]

    def latest_profile(self, client_id: int) -> DeficitProfile | None:
        profile = self.session.scalars(_PROFILE, {"cid": client_id}).first()
        return DeficitProfile.model_validate(profile) if profile is not None else None

    # --- program ------------------------------------------------------------------------
    def current_program(self, client_id: int) -> Program | None:
        """The newest version: one small query for which version that is, then the validated
        program from this process's cache (store.program_cache) or, the first time, from
        the stored snapshot and patches (validated once, then kept)."""
        head = self.session.execute(_HEAD, {"cid": client_id}).first()
        if head is None:
            return None
        key = (self._url(), head.id, head.version, head.created)
        program = PROGRAMS.get(key)
        if program is not None:
            return program
        doc = self.program_document(client_id, upto=head.version)
        if doc is None:  # pragma: no cover - a version row always has a snapshot below it
            return None
        program = Program.model_validate(doc)
        PROGRAMS.put(key, program, doc)
        return program

    def _url(self) -> str:
        return str(self.session.get_bind().engine.url)

    def program_document(self, client_id: int, *, upto: int | None = None) -> dict[str, Any] | None:
        """A version's document (the latest by default): the nearest snapshot at or below it
        plus the patches after it (store.versions), in two queries."""
        cond = ProgramRow.client_id == client_id
        if upto is not None:
            cond = cond & (ProgramRow.version <= upto)
        snap = self.session.execute(
            select(ProgramRow.version, ProgramRow.document)
            .where(cond, ProgramRow.document.is_not(None))
            .order_by(ProgramRow.version.desc())
            .limit(1)
        ).first()
        if snap is None:
            return None
        patches = self.session.scalars(
            select(ProgramRow.patch)
            .where(cond, ProgramRow.version > snap.version)
            .order_by(ProgramRow.version)
        )
        return versions.materialise(snap.document, (p for p in patches if p is not None))

    def overrides(self, client_id: int) -> list[Override]:
        rows = self.session.execute(_OVERRIDES, {"cid": client_id})
        return [Override.model_validate(dict(r._mapping)) for r in rows]

    def adaptations(
        self, client_id: int, *, version: int | None = None, action: str | None = None
    ) -> list[VersionedAdaptation]:
        """Adaptations with the version each produced, oldest first (one version, one kind
        of action if given: the logging path asks only for alerts, not a year of changes)."""
        q = select(AdaptationRow).where(AdaptationRow.client_id == client_id)
        if version is not None:
            q = q.where(AdaptationRow.program_version == version)
        if action is not None:
            q = q.where(AdaptationRow.action == action)
        rows = self.session.scalars(q.order_by(AdaptationRow.id))
        return [VersionedAdaptation(r.program_version, adaptation_from_row(r)) for r in rows]

    def adaptation_count(self, client_id: int) -> int:
        n = self.session.scalar(
            select(func.count())
            .select_from(AdaptationRow)
            .where(AdaptationRow.client_id == client_id)
        )
        return int(n or 0)

    # --- sessions -----------------------------------------------------------------------
    def logs(self, client_id: int) -> list[SessionLog]:
        """Every logged session of the client, oldest first."""
        return load_session_logs(self.session, SessionLogRow.client_id == client_id)

    def plan_logs(self, client_id: int, program: Program) -> list[SessionLog]:
        """Sessions logged against this plan: a new plan starts over at week 1 on its start
        date, so logs of an earlier plan (dated before it) do not count as done."""
        return load_plan_logs(self.session, client_id, program.start_date)

    def last_log_date(self, client_id: int) -> dt.date | None:
        return self.session.scalar(
            select(func.max(SessionLogRow.date)).where(SessionLogRow.client_id == client_id)
        )

    def log_row(
        self, client_id: int, week: int, index: int, *, since: dt.date | None = None
    ) -> SessionLogRow | None:
        """The logged session week.index (of the plan started on `since`, if given)."""
        q = select(SessionLogRow).where(
            SessionLogRow.client_id == client_id,
            SessionLogRow.week == week,
            SessionLogRow.index == index,
        )
        if since is not None:
            q = q.where(SessionLogRow.date >= since)
        return self.session.scalars(q).first()

    # --- outcomes -----------------------------------------------------------------------
    def outcome_series(self, client_id: int) -> dict[str, list[OutcomePoint]]:
        """Stored outcome points by measure, oldest first."""
        series: dict[str, list[OutcomePoint]] = defaultdict(list)
        for o in self.session.scalars(
            select(OutcomeRow)
            .where(OutcomeRow.client_id == client_id)
            .order_by(OutcomeRow.date, OutcomeRow.id)
        ):
            series[o.measure].append(
                OutcomePoint(measure=o.measure, date=o.date, value=o.value, unit=o.unit)
            )
        return dict(series)

    # --- sEMG ---------------------------------------------------------------------------
    def emg_entries(self, client_id: int) -> list[EmgEntry]:
        rows = self.session.execute(
            select(EmgRecordingRow.id, EmgRecordingRow.date, EmgRecordingRow.filename)
            .where(EmgRecordingRow.client_id == client_id)
            .order_by(EmgRecordingRow.id)
        )
        return [EmgEntry(r.id, client_id, r.date, r.filename) for r in rows]

    def emg_recording(
        self, client_id: int, recording_id: int
    ) -> tuple[EmgEntry, dict[str, Any]] | None:
        row = self.session.get(EmgRecordingRow, recording_id)
        if row is None or row.client_id != client_id:
            return None
        return EmgEntry(row.id, client_id, row.date, row.filename), dict(row.analysis)
