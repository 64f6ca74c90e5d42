"""Program versions stored as changes: lossless migration both ways, one log per session."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from seeding import START, client_with_logs
from upperback.errors import Conflict
from upperback.model.session import SessionLogIn
from upperback.services import clients, program, sessions
from upperback.services.database import Database
from upperback.store import migrate, transfer, versions
from upperback.store.tables import ProgramRow, SessionLogRow


def test_a_patch_rebuilds_the_new_document_exactly() -> None:
    old = {"a": [1, {"x": "p/q", "y~": [1, 2]}], "b": {"c": 1}, "keep": "same"}
    new = {"a": [1, {"x": "p/q", "y~": [1, 2, 3]}], "b": {"c": 2, "d": None}, "keep": "same"}
    patch = versions.diff(old, new)
    assert versions.apply(versions.copy(old), patch) == new
    assert all(op["path"] != "/keep" for op in patch), "unchanged branches are not stored"
    assert versions.unpack(versions.pack(new)) == new


def _export(db: Database) -> dict[str, Any]:
    with db.uow() as uow:
        clinician = uow.session.scalar(select(func.min(ProgramRow.client_id)))
    assert clinician is not None
    return transfer.dump_tables(db.engine, 1)


def test_migration_0006_is_lossless_down_and_up(db_url: str) -> None:
    """Export at head, downgrade (every version whole again), upgrade: the same export, and
    the program versions are patches again."""
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    client_with_logs(db, actor, 1, n_logs=20)  # > 16 versions: a periodic snapshot too
    before = transfer.dump_tables(db.engine, actor.clinician_id or 0)
    with db.engine.connect() as conn:
        patches = conn.scalar(select(func.count()).where(ProgramRow.patch.is_not(None)))
    assert patches and patches > 5, "versions are stored as changes"
    script = ScriptDirectory.from_config(migrate.alembic_config())
    below = script.get_revision("0006").down_revision
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection  # outside any transaction
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # the downgrade copies session_log (see 0006)
            raw.execute("PRAGMA foreign_keys=OFF")
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, str(below))
        if sqlite:
            raw.execute("PRAGMA foreign_keys=ON")
    with db.engine.connect() as conn:
        whole = conn.exec_driver_sql("SELECT version, document FROM program ORDER BY version")
        old_docs = {v: doc for v, doc in whole}
    assert len(old_docs) == len(before["program"])
    assert all(d is not None for d in old_docs.values()), "downgrade stores every version whole"
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    after = transfer.dump_tables(db.engine, actor.clinician_id or 0)
    assert after == before
    with db.engine.connect() as conn:
        again = conn.scalar(select(func.count()).where(ProgramRow.patch.is_not(None)))
        plans = set(conn.scalars(select(SessionLogRow.plan_start)))
    assert again == patches
    assert plans == {START}
    db.close()


def _next_log(db: Database, actor: Any, cid: int) -> SessionLogIn:
    import random

    from upperback.services.demo import perform

    prog = program.current_program(db, actor, cid)
    plan = program.next_view(db, actor, cid).session
    assert plan is not None
    return perform(plan, prog.session_date(plan.week, plan.index), plan.week, random.Random(0))


def test_two_writers_logging_the_same_session_store_exactly_one(db_url: str) -> None:
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    cid = client_with_logs(db, actor, 2, n_logs=1, reassess=False)
    log = _next_log(db, actor, cid)
    outcomes: list[str] = []
    gate = threading.Barrier(4)

    def write() -> None:
        gate.wait()
        try:
            sessions.log_session(db, actor, cid, log)
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "stored"]
    with db.uow() as uow:
        n = uow.session.scalar(
            select(func.count()).where(
                SessionLogRow.client_id == cid,
                SessionLogRow.week == log.week,
                SessionLogRow.index == log.index,
            )
        )
    assert n == 1
    db.close()


def test_the_unique_constraint_refuses_a_second_log_the_checks_missed(db_url: str) -> None:
    from upperback.store.writes import Writer

    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    cid = client_with_logs(db, actor, 3, n_logs=1, reassess=False)
    first = sessions.list_logs(db, actor, cid)[0]
    again = SessionLogIn.model_validate(first.model_dump(exclude={"id"}))
    with pytest.raises(Conflict, match="already logged"), db.uow(write=True) as uow:
        Writer(uow.session).add_log(cid, 1, again, plan_start=START)
    db.close()


def test_concurrent_logs_of_different_clients_all_land_with_consecutive_versions(
    db_url: str,
) -> None:
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    ids = [client_with_logs(db, actor, s, n_logs=1, reassess=False) for s in (4, 5, 6)]
    logs = {cid: _next_log(db, actor, cid) for cid in ids}
    errors: list[BaseException] = []

    def write(cid: int) -> None:
        try:
            sessions.log_session(db, actor, cid, logs[cid])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(cid,)) for cid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for cid in ids:
        assert len(sessions.list_logs(db, actor, cid)) == 2
        with db.uow() as uow:
            vs = list(
                uow.session.scalars(
                    select(ProgramRow.version)
                    .where(ProgramRow.client_id == cid)
                    .order_by(ProgramRow.version)
                )
            )
        assert vs == list(range(1, len(vs) + 1))
    db.close()


def test_an_export_imports_into_an_empty_database_and_exports_the_same(
    db_url: str, tmp_path: Any
) -> None:
    db = Database.open(db_url)
    actor = clients.ensure_clinician(db, "Sam Physio")
    client_with_logs(db, actor, 7, n_logs=6)
    exported = transfer.dump_tables(db.engine, actor.clinician_id or 0)
    db.close()
    fresh = Database.open(tmp_path / "fresh.sqlite3")
    transfer.load_tables(fresh.engine, exported)
    assert transfer.dump_tables(fresh.engine, actor.clinician_id or 0) == exported
    with fresh.engine.connect() as conn:
        assert conn.scalar(select(func.count()).where(ProgramRow.patch.is_not(None)))
    fresh.close()
    _ = dt
