"""Translate between ORM rows and domain models (kept apart so the domain never sees SQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, Connection, Row, bindparam, select
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
_LOGS = TypeAdapter(list[SessionLog])
_LOG_T, _SET_T = SessionLogRow.__table__, SetLogRow.__table__
_PLAN_LOGS = (
    select(*(_LOG_T.c[k] for k in LOG_FIELDS))
    .where(_LOG_T.c.client_id == bindparam("cid"), _LOG_T.c.date >= bindparam("since"))
    .order_by(_LOG_T.c.date, _LOG_T.c.id)
)
_SETS_OF = (
    select(_SET_T.c.session_log_id, *(_SET_T.c[k] for k in SET_FIELDS))
    .where(_SET_T.c.session_log_id.in_(bindparam("ids", expanding=True)))
    .order_by(_SET_T.c.id)
)


def load_session_logs(session: Session, where: ColumnElement[bool]) -> list[SessionLog]:
    """Logs with their sets in two plain column queries and one batch validation: no ORM
    objects on this hot path (pydantic-core validates a list faster than model_construct
    builds one)."""
    log_t = SessionLogRow.__table__
    conn = session.connection()
    stmt = select(*(log_t.c[k] for k in LOG_FIELDS)).where(where)
    return _with_sets(conn, conn.execute(stmt.order_by(log_t.c.date, log_t.c.id)).all())


def load_plan_logs(session: Session, client_id: int, since: dt.date) -> list[SessionLog]:
    """A client's logs dated on or after `since` (one plan's), with prebuilt statements."""
    conn = session.connection()
    return _with_sets(conn, conn.execute(_PLAN_LOGS, {"cid": client_id, "since": since}).all())


def _with_sets(conn: Connection, logs: Sequence[Row[Any]]) -> list[SessionLog]:
    if not logs:
        return []
    docs = [dict(zip(LOG_FIELDS, row, strict=True)) for row in logs]
    sets: dict[int, list[dict[str, Any]]] = {}
    for d in docs:
        d["sets"] = sets[d["id"]] = []
    for s in conn.execute(_SETS_OF, {"ids": list(sets)}):
        sets[s[0]].append(dict(zip(SET_FIELDS, s[1:], strict=True)))
    return _LOGS.validate_python(docs)


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
