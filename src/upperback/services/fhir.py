"""Use cases: a client's record as a FHIR R4 Bundle (export), and a Bundle into the record
(import). Each is one transaction: access checked and audited inside it, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from upperback.errors import UpperbackError
from upperback.interop.export import build_bundle
from upperback.interop.importer import Event, ImportPlan, read_bundle
from upperback.interop.record import Assessment, ClientRecord, Referral
from upperback.interop.rules import check_bundle
from upperback.model.assessment import AssessmentIn
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.preface.gate import program_allowed
from upperback.services import assessment, clients, preface, program, sessions
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.services.preface import open_referral
from upperback.services.program import current_program_row, logs_in, overrides_in
from upperback.store.mapping import client_from_row, program_from_row, scored_from_row
from upperback.store.tables import AssessmentRow, ClearanceRow, ClinicianRow, IntakeRow


def _intakes_and_referrals(s: Session, client_id: int) -> tuple[list[Intake], list[Referral]]:
    rows = s.scalars(
        select(IntakeRow).where(IntakeRow.client_id == client_id).order_by(IntakeRow.id)
    ).all()
    cleared: dict[int, Clearance] = {
        c.intake_id: Clearance(date=c.date, note=c.note)
        for c in s.scalars(select(ClearanceRow).where(ClearanceRow.client_id == client_id))
    }
    intakes = [Intake.model_validate(r.document) for r in rows if "source" not in r.document]
    referrals = [
        Referral(
            date=r.date,
            screening=ScreeningResult.model_validate(r.screening),
            source=str(r.document.get("source", "intake")),
            clearance=cleared.get(r.id),
        )
        for r in rows
        if r.outcome == "refer"
    ]
    return intakes, referrals


def _assessments(s: Session, client_id: int) -> list[Assessment]:
    rows = s.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.client_id == client_id)
        .order_by(AssessmentRow.date, AssessmentRow.id)
    )
    return [
        Assessment(document=AssessmentIn.model_validate(r.document), scored=scored_from_row(r))
        for r in rows
    ]


def gather_record(s: Session, actor: Actor, client_id: int) -> ClientRecord:
    """Everything the Bundle shows, read in the caller's transaction after the access check."""
    row = client_for(s, actor, client_id)
    clinician = s.get(ClinicianRow, row.clinician_id)
    intakes, referrals = _intakes_and_referrals(s, client_id)
    prog_row = current_program_row(s, client_id)
    screening, clearance = open_referral(s, client_id)
    return ClientRecord(
        client=client_from_row(row),
        clinician_name=clinician.name if clinician else "clinician",
        intakes=intakes,
        referrals=referrals,
        assessments=_assessments(s, client_id),
        program=program_from_row(prog_row) if prog_row is not None else None,
        program_suspended=not program_allowed(screening, clearance)[0],
        logs=logs_in(s, client_id),
        overrides=overrides_in(s, client_id),
    )


def export_fhir(
    db: Database, actor: Actor, client_id: int, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The client's record as one FHIR R4 transaction Bundle, checked before it leaves.

    Clinicians see their own clients, a client their own record (same rule as all client
    data); the read is audited.
    """
    with db.uow(write=True) as uow:
        record = gather_record(uow.session, actor, client_id)
        audit(uow.session, actor, "fhir.export", client_id)
        uow.commit()
    bundle = build_bundle(record, timestamp=now)
    check_bundle(bundle, strict=True)
    return bundle


@dataclass(frozen=True)
class ImportReport:
    client_id: int
    created: bool
    imported: dict[str, int]
    skipped: list[str]


class _Joined(Database):
    """The database seen through one open connection, so every service call made during an
    import joins a single outer transaction: with the connection inside a SAVEPOINT, a
    service's session commits or rolls back only a savepoint of its own (SQLAlchemy's
    default join mode), and the import commits or rolls back the whole."""

    def __init__(self, db: Database, conn: Connection) -> None:
        super().__init__(url=db.url, engine=cast(Engine, conn))


def _match_or_create(
    db: Database, actor: Actor, plan: ImportPlan, today: dt.date
) -> tuple[int, bool]:
    want = plan.client
    for c in clients.list_clients(db, actor):
        if c.name == want.name and c.birth_year == want.birth_year and c.sex == want.sex:
            return c.id, False
    return clients.add_client(db, actor, want, today=today).id, True


def _replay(db: Database, actor: Actor, client_id: int, event: Event) -> None:
    p = event.payload
    if event.kind == "intake":
        preface.record_intake(db, actor, client_id, p)
    elif event.kind == "assessment":
        assessment.record_assessment(db, actor, client_id, p)
    elif event.kind == "clearance":
        preface.record_clearance(db, actor, client_id, p)
    elif event.kind == "plan":
        program.plan_program(db, actor, client_id, start_date=p[0], seed=p[1])
    elif event.kind == "log":
        sessions.log_session(db, actor, client_id, p)
    elif event.kind == "override":
        program.add_override(db, actor, client_id, p)


def import_fhir(db: Database, actor: Actor, doc: Any, *, today: dt.date) -> ImportReport:
    """Create or match the Bundle's client and replay what it holds, in date order, through
    the same use cases a clinician would run; one transaction, so a refusal stores nothing.

    A client matches on name, birth year and sex among the acting clinician's clients.
    """
    require_clinician(actor, "import a FHIR Bundle")
    plan = read_bundle(doc)
    events = plan.sorted_events()
    first = min((e.day for e in events), default=today)
    write = db.engine.execution_options(upperback_write=True)
    with write.connect() as conn, conn.begin(), conn.begin_nested():
        # inside a SAVEPOINT each service's session works in a savepoint of its own
        joined = _Joined(db, conn)
        client_id, created = _match_or_create(joined, actor, plan, min(first, today))
        counts: dict[str, int] = {}
        for event in events:
            try:
                _replay(joined, actor, client_id, event)
            except UpperbackError as exc:
                raise type(exc)(f"{event.where}: {exc.message}") from None
            counts[event.kind] = counts.get(event.kind, 0) + 1
        with joined.uow(write=True) as uow:
            audit(uow.session, actor, "fhir.import", client_id)
            uow.commit()
    return ImportReport(client_id, created, counts, plan.skipped)
