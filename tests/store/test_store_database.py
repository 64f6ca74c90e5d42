"""The embedded database: migrations, pragmas, one transaction per unit of work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from upperback.errors import InvalidInput
from upperback.services.database import Database
from upperback.store import migrate
from upperback.store.db import resolve_url
from upperback.store.tables import ClientRow, ClinicianRow


def test_migrates_a_new_file_to_head_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "a.sqlite3")
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert migrate.upgrade(db.engine) is False  # already current: nothing runs, nothing written


def test_migrates_an_empty_database_to_head_once(db_url: str) -> None:
    db = Database.open(db_url)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert migrate.upgrade(db.engine) is False
    db.close()


def test_rolls_back_uncommitted_work_by_default(db_url: str) -> None:
    db = Database.open(db_url)
    with db.uow() as uow:
        uow.session.add(ClinicianRow(name="x"))
        uow.session.flush()
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ClinicianRow)) == 0


def test_rolls_back_everything_when_the_service_fails_midway(db_url: str) -> None:
    db = Database.open(db_url)
    with pytest.raises(RuntimeError), db.uow() as uow:
        uow.session.add(ClinicianRow(name="y"))
        uow.session.flush()
        raise RuntimeError("crash between writes")
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ClinicianRow)) == 0


def test_foreign_keys_are_enforced(db_url: str) -> None:
    db = Database.open(db_url)
    with pytest.raises(IntegrityError), db.uow() as uow:
        uow.session.add(
            ClientRow(
                clinician_id=42,
                name="n",
                sex="female",
                birth_year=1990,
                created=dt.date(2026, 1, 1),
            )
        )
        uow.commit()


def test_database_location_comes_from_option_then_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UPPERBACK_DB", str(tmp_path / "env.sqlite3"))
    assert resolve_url(None).endswith("env.sqlite3")
    assert resolve_url(tmp_path / "opt.sqlite3").endswith("opt.sqlite3")
    with pytest.raises(InvalidInput, match="is a directory"):
        resolve_url(tmp_path)


def test_migrations_produce_exactly_the_tables_the_code_declares(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from upperback.store.tables import Base

    db = Database.open(db_url)
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], (
        "tables.py changed without a migration: add one with alembic revision --autogenerate"
    )


def test_concurrent_read_then_write_units_never_see_a_locked_database(db_url: str) -> None:
    """Writers take the lock at BEGIN, so read-then-write work queues instead of failing."""
    from concurrent.futures import ThreadPoolExecutor

    db = Database.open(db_url)

    def work(n: int) -> None:
        for i in range(15):
            with db.uow(write=True) as uow:
                uow.session.scalar(select(func.count()).select_from(ClinicianRow))
                uow.session.add(ClinicianRow(name=f"w{n}-{i}"))
                uow.commit()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))
    with db.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ClinicianRow)) == 8 * 15
