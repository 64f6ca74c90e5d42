"""Helpers to drive the real `upperback` command on a temporary SQLite file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from upperback.cli.app import app

START = dt.date(2026, 1, 5)


class Cli:
    def __init__(self, db: Path, tmp: Path) -> None:
        self.db = db
        self.tmp = tmp
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True, stdin: str | None = None) -> Any:
        result = self.runner.invoke(app, [*args, "--db", str(self.db)], input=stdin)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"{args} exited {result.exit_code}: {result.output}{result.stderr if result.stderr_bytes else ''}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)

    def write(self, name: str, doc: Any) -> str:
        path = self.tmp / name
        path.write_text(json.dumps(doc, default=str), encoding="utf-8")
        return str(path)
