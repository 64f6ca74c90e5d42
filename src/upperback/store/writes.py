"""The write repository: every row a use case adds, built from domain models in one place.

A service decides what to store (pure steps decide what it means); `Writer` knows how the
rows look. Nothing here commits: the unit of work around it commits once or rolls back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, delete, event, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from upperback.errors import Conflict
from upperback.model.adaptation import Adaptation, Override
from upperback.model.assessment import AssessmentIn, ScoredAssessment
from upperback.model.client import Client, ClientIn
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.model.outcome import OutcomePoint
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program
from upperback.model.session import SessionLogIn
from upperback.store import versions
from upperback.store.mapping import (
    adaptation_to_row,
    client_from_row,
    program_to_row,
    session_log_values,
    set_rows,
)
from upperback.store.program_cache import PROGRAMS
from upperback.store.records import Records
from upperback.store.tables import (
    AssessmentRow,
    ClearanceRow,
    ClientRow,
    ClinicianRow,
    EmgRecordingRow,
    IntakeRow,
    OutcomeRow,
    OverrideRow,
    SessionLogRow,
    SetLogRow,
    TestResultRow,
)

# Plain tables for core executemany inserts on the logging path.
_SETS: Table = SetLogRow.__table__  # type: ignore[assignment]
_OUTCOMES: Table = OutcomeRow.__table__  # type: ignore[assignment]


class Writer:
    """Adds rows for one use case inside its unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._locked: ClientRow | None = None

    def add_clinician(self, name: str, email: str | None) -> ClinicianRow:
        row = ClinicianRow(name=name, email=email)
        self.session.add(row)
        self.session.flush()
        return row

    def add_client(self, clinician_id: int, data: ClientIn, *, today: dt.date) -> Client:
        row = ClientRow(clinician_id=clinician_id, created=today, **data.model_dump(mode="python"))
        self.session.add(row)
        self.session.flush()
        return client_from_row(row)

    def add_intake(self, client_id: int, intake: Intake, screening: ScreeningResult) -> None:
        self._add_screening(client_id, intake.date, intake.model_dump(mode="json"), screening)

    def add_referral(
        self, client_id: int, day: dt.date, screening: ScreeningResult, source: str
    ) -> None:
        """A referral raised later (for example by new symptoms in a session log)."""
        self._add_screening(client_id, day, {"source": source}, screening)

    def _add_screening(
        self, client_id: int, day: dt.date, document: dict[str, Any], screening: ScreeningResult
    ) -> None:
        self.session.add(
            IntakeRow(
                client_id=client_id,
                date=day,
                document=document,
                screening=screening.model_dump(mode="json"),
                outcome=screening.outcome,
                urgency=screening.urgency.value,
            )
        )

    def add_clearances(
        self, client_id: int, intake_ids: Iterable[int], clinician_id: int, clearance: Clearance
    ) -> None:
        for intake_id in intake_ids:
            self.session.add(
                ClearanceRow(
                    client_id=client_id,
                    intake_id=intake_id,
                    clinician_id=clinician_id,
                    date=clearance.date,
                    note=clearance.note,
                )
            )

    def add_assessment(
        self,
        client_id: int,
        doc: AssessmentIn,
        scored: ScoredAssessment,
        profile: DeficitProfile,
    ) -> int:
        """The assessment, one row per scored result; returns its id."""
        row = AssessmentRow(
            client_id=client_id,
            date=doc.date,
            tester=doc.tester,
            document=doc.model_dump(mode="json"),
            profile=profile.model_dump(mode="json"),
        )
        for r in scored.results:
            row.results.append(
                TestResultRow(
                    test_id=r.test_id,
                    name=r.name,
                    score=r.score,
                    unit=r.unit,
                    side=r.side.value if r.side else None,
                    condition=r.condition,
                    band=r.band,
                    date=r.date,
                    tester=doc.tester,
                    scored=r.model_dump(mode="json"),
                )
            )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_program(
        self, client_id: int, program: Program, *, previous: Program | None = None
    ) -> None:
        """Store a version as a patch against the previous one, or a snapshot (store.versions).

        `previous` saves re-reading the version before when the caller already holds it.
        """
        doc = program.model_dump(mode="json")
        prev: dict[str, Any] | None = None
        if previous is not None and previous.version == program.version - 1:
            # the stored document it came from (cached, read-only), else a fresh dump
            prev = PROGRAMS.document_of(previous) or previous.model_dump(mode="json")
        elif program.version > 1:
            prev = Records(self.session).program_document(client_id, upto=program.version - 1)
        document, patch = versions.encode(program.version, prev, doc)
        row = program_to_row(client_id, program, document=document, patch=patch)
        self.session.add(row)
        # Once committed, the new version is the newest: keep it in this process's cache
        # (store.program_cache), so the phone's next read does not rebuild it from the
        # snapshot and patches. `program` is already validated and frozen, and `doc` is its
        # dump (what is stored), so validating `doc` again would only repeat that work.
        url = str(self.session.get_bind().engine.url)

        def remember(_session: Session) -> None:
            key = (url, row.id, row.version, row.created)
            PROGRAMS.put(key, program, doc)

        event.listen(self.session, "after_commit", remember, once=True)

    def lock_client(self, client_id: int) -> None:
        """Serialise this client's writers (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
        writers are serialised by BEGIN IMMEDIATE already), so two workers logging two
        sessions of one client cannot both make version N + 1."""
        # The ORM row, kept referenced (the session's identity map holds rows weakly), so
        # that `client_for` right after finds it without another query.
        self._locked = self.session.get(ClientRow, client_id, with_for_update=True)

    def add_adaptations(
        self, client_id: int, version: int, log_id: int | None, adaptations: Iterable[Adaptation]
    ) -> None:
        for a in adaptations:
            self.session.add(adaptation_to_row(client_id, version, log_id, a))

    def add_override(self, client_id: int, clinician_id: int, override: Override) -> None:
        self.session.add(
            OverrideRow(
                client_id=client_id,
                clinician_id=clinician_id,
                exercise_id=override.exercise_id,
                field=override.field.value,
                value=override.value,
                reason=override.reason,
                date=override.date,
            )
        )

    def add_log(
        self,
        client_id: int,
        program_version: int,
        log: SessionLogIn,
        *,
        plan_start: dt.date | None = None,
    ) -> int:
        """The session row and its sets (one bulk insert); returns the log id.

        Raises Conflict when the plan's session was logged meanwhile (the unique constraint
        on client, plan, week and index caught a concurrent writer)."""
        # Core INSERT ... RETURNING: no ORM object to track on the hottest write path.
        values = session_log_values(client_id, program_version, log)
        values["plan_start"] = plan_start
        try:
            log_id = int(
                self.session.execute(
                    insert(SessionLogRow).values(values).returning(SessionLogRow.id)
                ).scalar_one()
            )
        except IntegrityError:
            raise Conflict(
                f"week/index: session {log.week}.{log.index} was already logged"
            ) from None
        if log.sets:  # one core executemany (not the ORM's bulk path)
            self.session.connection().execute(insert(_SETS), set_rows(log_id, log))
        return log_id

    def add_outcomes(self, client_id: int, points: Iterable[OutcomePoint], origin: str) -> None:
        rows = [
            {"client_id": client_id, "measure": p.measure, "date": p.date, "value": p.value,
             "unit": p.unit, "origin": origin}
            for p in points
        ]  # fmt: skip
        if rows:  # one core executemany, no ORM objects (every log adds a few)
            self.session.connection().execute(insert(_OUTCOMES), rows)

    def replace_outcomes(
        self, client_id: int, day: dt.date, points: Iterable[OutcomePoint], origin: str
    ) -> None:
        """Drop the points of that origin on that day, then add these (a re-attached summary)."""
        self.session.execute(
            delete(OutcomeRow).where(
                OutcomeRow.client_id == client_id,
                OutcomeRow.date == day,
                OutcomeRow.origin == origin,
            )
        )
        self.add_outcomes(client_id, points, origin)

    def set_log_emg(self, row: SessionLogRow, summary: dict[str, Any]) -> None:
        row.emg = summary

    def add_emg_recording(
        self, client_id: int, day: dt.date, filename: str, analysis: dict[str, Any]
    ) -> int:
        row = EmgRecordingRow(client_id=client_id, date=day, filename=filename, analysis=analysis)
        self.session.add(row)
        self.session.flush()
        return row.id
