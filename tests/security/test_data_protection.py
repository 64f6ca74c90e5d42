"""Erasure leaves no row of the client; a client's own export; backup then restore is lossless;
database and backup files are private (0600)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner
from web_helpers import World, page_login, token_for

from upperback.cli.app import app as cli
from upperback.services import transfer
from upperback.services.accounts import authenticate
from upperback.services.database import Database
from upperback.services.erasure import erase_client
from upperback.store.tables import AccountRow, AuditRow, Base, ClientRow


def _every_value(db: Database) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every cell in the database."""
    cells = []
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                cells.extend((table.name, k, v) for k, v in row.items())
    return cells


def test_erasure_leaves_no_row_of_the_client(app: FastAPI, world: World) -> None:
    db = app.state.db
    api = TestClient(app)
    token_for(api, "alex", "demo-client")  # a token and an audit trail to erase as well
    browser = TestClient(app)
    page_login(browser, "alex", "demo-client")
    api.post("/api/v1/auth/token", data={"username": "alex", "password": "wrong-guess-x"})
    with db.uow() as uow:
        client = uow.session.get(ClientRow, world.a_client)
        assert client is not None
        name = client.name
        account_ids = set(
            uow.session.scalars(select(AccountRow.id).where(AccountRow.client_id == world.a_client))
        )
    assert account_ids
    demo = authenticate(db, "demo", "demo-clinician")
    assert demo is not None
    before = len(_every_value(db))
    removed = erase_client(db, demo.actor(), world.a_client)
    assert removed > 50
    leftovers = []
    for table, col, value in _every_value(db):
        if (
            (col == "client_id" and value == world.a_client)
            or (col == "account_id" and value in account_ids)
            or (table == "client" and col == "id" and value == world.a_client)
            or (value is not None and (name in json.dumps(value, default=str) or value == "alex"))
        ):
            leftovers.append((table, col, value))
    assert not leftovers, leftovers[:5]
    assert len(_every_value(db)) < before
    # other clients are untouched, and the erasure itself is on record (without the id)
    with db.uow() as uow:
        assert uow.session.get(ClientRow, world.a_second) is not None
        entry = uow.session.scalars(select(AuditRow).where(AuditRow.action == "client.erase")).one()
        assert entry.client_id is None and entry.actor.startswith("clinician:")


def test_another_clinician_cannot_erase_and_nothing_is_half_done(
    app: FastAPI, world: World
) -> None:
    db = app.state.db
    other = authenticate(db, "other", "other-clinician")
    assert other is not None
    before = len(_every_value(db))
    try:
        erase_client(db, other.actor(), world.a_client)
    except Exception as exc:
        assert "not found" in str(exc)
    else:
        raise AssertionError("another clinician erased a client")
    assert len(_every_value(db)) == before


def test_a_client_downloads_all_their_data(app: FastAPI, world: World) -> None:
    browser = TestClient(app)
    page_login(browser, "alex", "demo-client")
    r = browser.get("/account/my-data.json")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["client_id"] == world.a_client
    assert doc["tables"]["client"][0]["id"] == world.a_client
    assert len(doc["tables"]["session_log"]) > 5 and doc["tables"]["set_log"]
    assert "password_hash" not in r.text and "secret_hash" not in r.text
    # the API gives the same to the client, and nothing of another client
    headers = token_for(TestClient(app), "alex", "demo-client")
    assert (
        TestClient(app).get(f"/api/v1/clients/{world.b_client}/data", headers=headers).status_code
        == 404
    )


def test_backup_then_restore_yields_an_identical_export(world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    backup = tmp_path / "b" / "backup.sqlite3"
    r = runner.invoke(cli, ["backup", str(backup), "--db", str(world.path)])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    restored = tmp_path / "restored.sqlite3"
    r = runner.invoke(cli, ["restore", str(backup), "--db", str(restored)])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600

    def export(path: Path) -> dict[str, Any]:
        db = Database.open(path)
        try:
            actor = authenticate(db, "demo", "demo-clinician")
            assert actor is not None
            doc = transfer.export_records(db, actor.actor())
        finally:
            db.close()
        doc["tables"]["audit"] = [a for a in doc["tables"]["audit"] if a["action"] != "export"]
        return doc

    original, copy = export(world.path), export(restored)
    assert sum(len(v) for v in original["tables"].values()) > 100
    assert copy == original
    # restoring over an existing database needs --force; a non-backup file is a one-line error
    r = runner.invoke(cli, ["restore", str(backup), "--db", str(restored)])
    assert r.exit_code == 2 and "--force" in r.output
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a database at all")
    r = runner.invoke(cli, ["restore", str(junk), "--db", str(tmp_path / "x.sqlite3")])
    assert r.exit_code == 2 and "not an SQLite backup" in r.output


def test_a_new_database_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = Database.open(path)
    db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_synchronous_full_is_a_setting(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("UPPERBACK_SQLITE_SYNCHRONOUS", "FULL")
    db = Database.open(tmp_path / "full.sqlite3")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    db.close()
    monkeypatch.setenv("UPPERBACK_SQLITE_SYNCHRONOUS", "sometimes")
    r = CliRunner().invoke(cli, ["client", "list", "--db", str(tmp_path / "y.sqlite3")])
    assert r.exit_code == 2 and "UPPERBACK_SQLITE_SYNCHRONOUS" in r.output


def test_cli_erase_needs_confirmation(world: World) -> None:
    r = CliRunner().invoke(cli, ["erase", str(world.a_client), "--db", str(world.path)])
    assert r.exit_code == 2
    r = CliRunner().invoke(cli, ["erase", str(world.a_client), "--db", str(world.path), "--yes"])
    assert r.exit_code == 0 and "erased" in r.output


def test_a_client_downloads_their_record_as_fhir(app: FastAPI, world: World) -> None:
    browser = TestClient(app)
    page_login(browser, "alex", "demo-client")
    assert "/account/my-record.fhir.json" in browser.get("/account").text
    r = browser.get("/account/my-record.fhir.json")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "Observation", "CarePlan"} <= kinds
    clinician = TestClient(app)
    page_login(clinician, "demo", "demo-clinician")
    assert clinician.get("/account/my-record.fhir.json", follow_redirects=False).status_code == 303
