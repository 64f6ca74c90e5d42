"""Use cases: a client's record as a FHIR R4 Bundle (export), and a Bundle into the record
(import). Each is one transaction: access checked and audited inside it, all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from upperback.errors import UpperbackError
from upperback.interop.export import build_bundle
from upperback.interop.importer import Event, ImportPlan, read_bundle
from upperback.interop.record import Assessment, ClientRecord, Referral
from upperback.interop.rules import check_bundle
from upperback.services import assessment, clients, preface, program, sessions
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.interop_records import InteropRecords
from upperback.store.mapping import client_from_row


def gather_record(s: Session, actor: Actor, client_id: int) -> ClientRecord:
    """Everything the Bundle shows, read in the caller's transaction after the access check."""
    row = client_for(s, actor, client_id)
    records = InteropRecords(s)
    return ClientRecord(
        client=client_from_row(row),
        clinician_name=records.clinician_name(row.clinician_id),
        intakes=records.intake_forms(client_id),
        referrals=[
            Referral(r.date, r.screening, r.source, r.clearance)
            for r in records.referrals(client_id)
        ],
        assessments=[
            Assessment(document=doc, scored=scored)
            for doc, scored in records.assessments_as_entered(client_id)
        ],
        program=records.current_program(client_id),
        program_suspended=records.screening(client_id).blocks_program,
        logs=records.logs(client_id),
        overrides=records.overrides(client_id),
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
