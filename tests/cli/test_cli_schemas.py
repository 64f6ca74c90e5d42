"""The published JSON Schemas match the models that validate the documents."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from upperback.cli.app import app
from upperback.schemas import DOCUMENTS, json_schema

PUBLISHED = Path(__file__).resolve().parents[2] / "schemas"


def test_published_schema_files_are_current() -> None:
    for name in DOCUMENTS:
        on_disk = json.loads((PUBLISHED / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert on_disk == json_schema(name), (
            f"schemas/{name}.schema.json is stale: run `upperback schema all --out-dir schemas`"
        )


def test_session_log_schema_names_the_pain_bounds() -> None:
    props = json_schema("session-log")["$defs"]["SetLog"]["properties"]["pain_during"]
    assert props["minimum"] == 0 and props["maximum"] == 10


def test_unknown_document_name_is_one_line_error() -> None:
    result = CliRunner().invoke(app, ["schema", "nope"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "error: document: 'nope' is not one of intake, assessment, session-log, all"
    )
