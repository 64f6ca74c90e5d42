"""Drive the real `upperback` command on a temporary SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from upperback.cli.app import app
from upperback.services.demo import demo_assessment, demo_intake

START = dt.date(2026, 1, 5)


class Cli:
    def __init__(self, db: Path, tmp: Path) -> None:
        self.db = db
        self.tmp = tmp
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True, stdin: str | None = None) -> Any:
        result = self.runner.invoke(app, [*args, "--db", str(self.db)], input=stdin)
        if ok and result.exit_code != 0:
            raise AssertionError(f"{args} exited {result.exit_code}: {result.output}{result.stderr if result.stderr_bytes else ''}")
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)

    def write(self, name: str, doc: Any) -> str:
        path = self.tmp / name
        path.write_text(json.dumps(doc, default=str), encoding="utf-8")
        return str(path)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    c = Cli(tmp_path / "ub.sqlite3", tmp_path)
    c("init", "--clinician", "Sam Physio")
    return c


@pytest.fixture
def planned_client(cli: Cli) -> Callable[[], int]:
    """A client with intake, assessment and a program through the CLI."""

    def make() -> int:
        client = cli.json("client", "add", "--name", "Jo", "--sex", "female", "--birth-year", "1985", "--mass", "62")
        cid = client["id"]
        cli("intake", str(cid), cli.write("intake.json", demo_intake(START - dt.timedelta(days=2)).model_dump(mode="json")))
        cli("assess", str(cid), cli.write("assess.json", demo_assessment(START - dt.timedelta(days=2), 0.0).model_dump(mode="json")))
        cli("plan", str(cid), "--start", START.isoformat(), "--seed", "3")
        return int(cid)

    return make
