"""`upperback fhir export|import` on real files and a real SQLite database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import DATA, Demo, normalized
from upperback.cli.app import app
from upperback.services.database import Database


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def test_export_then_import_into_an_empty_database(
    demo: tuple[Database, Demo], demo_bundle: dict[str, Any], tmp_path: Path
) -> None:
    _, d = demo
    out = tmp_path / "alex.fhir.json"
    r = run("fhir", "export", str(d.client_id), "--out", str(out), "--db", str(d.path))
    assert r.exit_code == 0, r.output
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle" and normalized(bundle) == normalized(demo_bundle)
    assert not list(tmp_path.glob("*.part"))
    target = tmp_path / "new.sqlite3"
    assert run("init", "--clinician", "Demo Clinician", "--db", str(target)).exit_code == 0
    r = run("fhir", "import", str(out), "--db", str(target), "--json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["created"] is True and report["imported"]["log"] == 18 and report["skipped"] == []


def test_foreign_import_lists_what_was_skipped(tmp_path: Path) -> None:
    db = tmp_path / "ub.sqlite3"
    run("init", "--db", str(db))
    r = run("fhir", "import", str(DATA / "foreign_bundle.json"), "--db", str(db))
    assert r.exit_code == 0, r.output
    assert "client 1 (created): imported 1 assessment" in r.stdout
    assert "skipped 3" in r.stdout
    assert "Observation/hr-1: code http://loinc.org|8867-4 (Heart rate)" in r.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "ub.sqlite3"
    run("init", "--db", str(db))
    broken = tmp_path / "broken.json"
    broken.write_text('{"resourceType": "Bundle",', encoding="utf-8")
    r = run("fhir", "import", str(broken), "--db", str(db))
    assert r.exit_code == 2
    assert r.stderr.strip().count("\n") == 0
    assert "malformed JSON at line 1" in r.stderr
    dangling = json.loads((DATA / "foreign_bundle.json").read_text())
    dangling["entry"][1]["resource"]["subject"]["reference"] = "Patient/ghost"
    bad = tmp_path / "dangling.json"
    bad.write_text(json.dumps(dangling), encoding="utf-8")
    r = run("fhir", "import", str(bad), "--db", str(db))
    assert r.exit_code == 2
    assert (
        r.stderr.strip()
        == "error: Observation/pain-1: subject.reference: 'Patient/ghost' does not resolve inside the Bundle"
    )
    r = run("fhir", "export", "42", "--db", str(db))
    assert r.exit_code == 2 and "client 42 not found" in r.stderr
    r = run("fhir", "import", str(tmp_path / "missing.json"), "--db", str(db))
    assert r.exit_code == 2 and "file not found" in r.stderr
