"""Bulk copy of a clinician's rows out of, and into an empty, database (export/import).

Table-generic on purpose: every table travels, in dependency order, so an export is lossless.
Imported rows are read back through the domain models before the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Date, DateTime, Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from upperback.errors import Conflict, InvalidInput
from upperback.knowledge.loader import describe_validation_error
from upperback.model.assessment import AssessmentIn
from upperback.model.intake import ScreeningResult
from upperback.model.profile import DeficitProfile
from upperback.store import compaction, mapping
from upperback.store.tables import (
    AdaptationRow,
    AssessmentRow,
    Base,
    ClientRow,
    IntakeRow,
    OverrideRow,
    ProgramRow,
    SessionLogRow,
)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _decode(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    col_type = table.c[name].type
    try:
        if isinstance(col_type, DateTime):
            return dt.datetime.fromisoformat(value)
        if isinstance(col_type, Date):
            return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{table.name}.{name}: {value!r} is not an ISO date") from None
    return value


#: Columns the store derives on import (patches from documents, a log's plan from its
#: program version): exports leave them out, so they read the same before and after 0006.
DERIVED = {"program": ("patch",), "session_log": ("plan_start",)}


def _owned_ids(conn: Any, clinician_id: int) -> dict[str, set[int]]:
    t = Base.metadata.tables
    ids: dict[str, set[int]] = {"clinician": {clinician_id}}
    ids["client"] = set(
        conn.scalars(select(t["client"].c.id).where(t["client"].c.clinician_id == clinician_id))
    )
    for name in ("assessment", "program", "session_log"):
        ids[name] = set(
            conn.scalars(select(t[name].c.id).where(t[name].c.client_id.in_(ids["client"])))
        )
    return ids


def _rows_for(
    conn: Any, table: Table, ids: dict[str, set[int]], clinician_id: int
) -> list[dict[str, Any]]:
    c = table.c
    if table.name == "clinician":
        cond = c.id == clinician_id
    elif table.name == "client":
        cond = c.clinician_id == clinician_id
    elif table.name == "account":
        return []  # logins (password hashes) never leave the database
    elif "client_id" in c:
        cond = c.client_id.in_(ids["client"])
    elif table.name == "test_result":
        cond = c.assessment_id.in_(ids["assessment"])
    elif table.name == "set_log":
        cond = c.session_log_id.in_(ids["session_log"])
    else:
        return []
    rows = conn.execute(select(table).where(cond).order_by(c.id)).mappings()
    out = [
        {k: _encode(v) for k, v in row.items() if k not in DERIVED.get(table.name, ())}
        for row in rows
    ]
    if table.name == "program":  # versions travel whole: an export reads without the store
        docs = {cid: compaction.materialised_documents(conn, cid) for cid in ids["client"]}
        for row in out:
            row["document"] = docs[row["client_id"]][row["version"]]
    return out


def dump_tables(engine: Engine, clinician_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the clinician owns, table by table, in dependency order (no logins)."""
    with engine.connect() as conn:
        ids = _owned_ids(conn, clinician_id)
        return {t.name: _rows_for(conn, t, ids, clinician_id) for t in Base.metadata.sorted_tables}


def load_tables(engine: Engine, tables: dict[str, Any]) -> dict[str, int]:
    """Load rows into an empty database in one transaction; counts rows per table."""
    known = {t.name: t for t in Base.metadata.sorted_tables}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise InvalidInput(f"import: unknown table {unknown[0]!r}")
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        _require_empty(conn, known)
        for name, table in known.items():
            decoded = _decoded_rows(table, tables.get(name, []))
            if decoded:
                _insert(conn, table, decoded)
            counts[name] = len(decoded)
        _validate_imported(conn)
        compaction.compact_programs(conn)
        compaction.fill_plan_start(conn)
        _reset_sequences(conn)
    return counts


def _require_empty(conn: Any, known: dict[str, Table]) -> None:
    for name, table in known.items():
        if conn.scalar(select(func.count()).select_from(table)):
            raise Conflict(
                f"import: the database is not empty (table {name} has rows); import needs an empty database"
            )


def _decoded_rows(table: Table, rows: Any) -> list[dict[str, Any]]:
    """One table's rows from the document, shape-checked, with dates decoded."""
    name = table.name
    if not isinstance(rows, list):
        raise InvalidInput(f"import: table {name} must be a list of rows")
    columns = set(table.c.keys())
    decoded = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InvalidInput(f"import: {name}[{i}] is not an object")
        bad = set(row) - columns
        if bad:
            raise InvalidInput(f"import: {name}[{i}] has unknown column {sorted(bad)[0]!r}")
        decoded.append({k: _decode(table, k, v) for k, v in row.items()})
    return decoded


def _insert(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    try:
        conn.execute(insert(table), rows)
    except Exception as exc:  # integrity errors name the constraint
        msg = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InvalidInput(f"import: table {table.name}: {msg}") from None


def _validate_imported(conn: Any) -> None:
    """Read every imported record back through the domain models before committing, so an
    edited export that the columns accept but the domain does not is refused whole."""
    session = Session(bind=conn)
    checks: list[tuple[str, Any, Any]] = [
        ("client", ClientRow, mapping.client_from_row),
        ("program", ProgramRow, lambda r: mapping.program_from_document(r.document or {})),
        ("adaptation", AdaptationRow, mapping.adaptation_from_row),
        ("override", OverrideRow, mapping.override_from_row),
        ("intake", IntakeRow, lambda r: ScreeningResult.model_validate(r.screening)),
        ("assessment", AssessmentRow, mapping.scored_from_row),
        ("assessment", AssessmentRow, lambda r: AssessmentIn.model_validate(r.document)),
        (
            "assessment",
            AssessmentRow,
            lambda r: r.profile is None or DeficitProfile.model_validate(r.profile),
        ),
    ]
    try:
        for name, row_type, check in checks:
            for row in session.scalars(select(row_type)):
                try:
                    check(row)
                except ValidationError as err:
                    where = f"import: {name} {row.id}"
                    raise InvalidInput(describe_validation_error(err, where)) from None
        mapping.load_session_logs(session, SessionLogRow.id.is_not(None))
    finally:
        session.close()


def _reset_sequences(conn: Any) -> None:
    """PostgreSQL keeps id sequences apart from the rows; move them past the imported ids."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 1)) FROM {table.name}"
            )
