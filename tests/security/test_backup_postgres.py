"""`upperback backup` / `restore` on PostgreSQL (pg_dump/pg_restore): an identical export
after the round trip, and erasure leaves no row there either."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from upperback.services import transfer
from upperback.services.accounts import authenticate
from upperback.services.backup import backup, restore
from upperback.services.database import Database
from upperback.services.erasure import erase_client
from upperback.services.seed import seed_demo
from upperback.store.tables import Base


def _export(url: str) -> dict[str, Any]:
    db = Database.open(url)
    try:
        actor = authenticate(db, "demo", "demo-clinician")
        assert actor is not None
        doc = transfer.export_records(db, actor.actor())
    finally:
        db.close()
    doc["tables"]["audit"] = [a for a in doc["tables"]["audit"] if a["action"] != "export"]
    return doc


def test_postgres_backup_restore_and_erasure(
    pg_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (pg_server.bin_dir / "pg_dump").is_file():
        pytest.skip("no pg_dump beside the PostgreSQL server binaries")
    # the client tools of the server's own version
    monkeypatch.setenv("PATH", f"{pg_server.bin_dir}{os.pathsep}{os.environ['PATH']}")
    source = pg_server.url(pg_server.create_database("bk"))
    db = Database.open(source)
    info = seed_demo(db, today=dt.date(2026, 3, 2))
    db.close()
    dump = tmp_path / "pg.dump"
    assert backup(source, dump) > 0
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    target = pg_server.url(pg_server.create_database("rs"))
    restore(dump, target)
    original, copy = _export(source), _export(target)
    assert sum(len(v) for v in original["tables"].values()) > 100
    assert copy == original

    db = Database.open(target)
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None and info.client_id
    erase_client(db, demo.actor(), info.client_id)
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if "client_id" in table.c:
                left = conn.execute(
                    select(table.c.client_id).where(table.c.client_id == info.client_id)
                ).first()
                assert left is None, table.name
    db.close()
