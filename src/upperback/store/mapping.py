"""Translate between ORM rows and domain models (kept apart so the domain never sees SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from upperback.model.adaptation import Adaptation, Override
from upperback.model.assessment import ScoredAssessment, ScoredResult
from upperback.model.client import Client
from upperback.model.program import Program
from upperback.model.session import SessionLog, SessionLogIn, SetLog
from upperback.store.tables import (
    AdaptationRow,
    AssessmentRow,
    ClientRow,
    OverrideRow,
    ProgramRow,
    SessionLogRow,
    SetLogRow,
)


def client_from_row(row: ClientRow) -> Client:
    return Client.model_validate(
        {
            "id": row.id,
            "clinician_id": row.clinician_id,
            "name": row.name,
            "sex": row.sex,
            "birth_year": row.birth_year,
            "body_mass_kg": row.body_mass_kg,
            "email": row.email,
            "created": row.created,
        }
    )


def program_to_row(
    client_id: int,
    program: Program,
    *,
    document: dict[str, Any] | None = None,
    patch: list[Any] | None = None,
) -> ProgramRow:
    """A version row: a whole document (the default) or a patch (see store.versions)."""
    return ProgramRow(
        client_id=client_id,
        version=program.version,
        start_date=program.start_date,
        seed=program.seed,
        weeks=program.weeks,
        sessions_per_week=program.sessions_per_week,
        stopped_reason=program.stopped_reason,
        document=document
        if document is not None or patch is not None
        else program.model_dump(mode="json"),
        patch=patch,
    )


def program_from_document(document: dict[str, Any]) -> Program:
    return Program.model_validate(document)


def session_log_values(client_id: int, program_version: int, log: SessionLogIn) -> dict[str, Any]:
    """The session row's columns alone; its sets go in with `set_rows` as one bulk insert."""
    fields = log.model_dump(exclude={"sets", "id"})
    return {"client_id": client_id, "program_version": program_version, **fields}


def set_rows(session_log_id: int, log: SessionLogIn) -> list[dict[str, Any]]:
    return [{"session_log_id": session_log_id, **s.model_dump()} for s in log.sets]


SET_FIELDS = tuple(SetLog.model_fields)
LOG_FIELDS = tuple(k for k in SessionLog.model_fields if k != "sets")


def load_session_logs(session: Session, where: ColumnElement[bool]) -> list[SessionLog]:
    """Logs with their sets in two plain column queries: no ORM objects on this hot path.

    Rows this store wrote from validated logs are built without validating them again
    (model_construct: about 1 ms per request for a 12-week plan's history); the column
    types already give the model's types (dates, floats, bools, JSON lists).
    """
    log_t, set_t = SessionLogRow.__table__, SetLogRow.__table__
    conn = session.connection()
    logs = conn.execute(
        select(*(log_t.c[k] for k in LOG_FIELDS)).where(where).order_by(log_t.c.date, log_t.c.id)
    ).all()
    if not logs:
        return []
    construct_set, construct_log = SetLog.model_construct, SessionLog.model_construct
    sets: dict[int, list[SetLog]] = {row.id: [] for row in logs}
    for s in conn.execute(
        select(set_t.c.session_log_id, *(set_t.c[k] for k in SET_FIELDS))
        .where(set_t.c.session_log_id.in_(sets))
        .order_by(set_t.c.id)
    ):
        fields = dict(zip(SET_FIELDS, s[1:], strict=True))
        fields["technique_lost"] = bool(fields["technique_lost"])
        sets[s[0]].append(construct_set(**fields))
    return [
        construct_log(**dict(zip(LOG_FIELDS, row, strict=True)), sets=sets[row.id]) for row in logs
    ]


def adaptation_to_row(
    client_id: int, version: int, log_id: int | None, a: Adaptation
) -> AdaptationRow:
    return AdaptationRow(
        client_id=client_id,
        session_log_id=log_id,
        program_version=version,
        rule_id=a.rule_id,
        action=a.action.value,
        exercise_id=a.exercise_id,
        reason=a.reason,
        before=a.before,
        after=a.after,
        date=a.date,
        from_week=a.from_week,
        from_index=a.from_index,
        source=a.source,
    )


def adaptation_from_row(row: AdaptationRow) -> Adaptation:
    return Adaptation.model_validate(
        {
            "rule_id": row.rule_id,
            "action": row.action,
            "exercise_id": row.exercise_id,
            "reason": row.reason,
            "before": row.before,
            "after": row.after,
            "date": row.date,
            "from_week": row.from_week,
            "from_index": row.from_index,
            "source": row.source,
        }
    )


def override_from_row(row: OverrideRow) -> Override:
    return Override.model_validate(
        {
            "exercise_id": row.exercise_id,
            "field": row.field,
            "value": row.value,
            "reason": row.reason,
            "date": row.date,
        }
    )


def scored_from_row(row: AssessmentRow) -> ScoredAssessment:
    return ScoredAssessment(
        date=row.date,
        tester=row.tester,
        results=[ScoredResult.model_validate(r.scored) for r in row.results],
    )
