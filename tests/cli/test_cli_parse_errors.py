"""Parse errors (Typer/Click) are one line `error: ...` with exit status 2, like every other
user error: no usage box, no traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from upperback.cli.app import app

CASES = {
    "id zero": (["client", "show", "0"], "client_id"),
    "id not a number": (["client", "show", "abc"], "client_id"),
    "id out of range": (["next", "99999999999"], "client_id"),
    "bad date": (["plan", "1", "--start", "2026-13-01"], "--start"),
    "unknown option": (["client", "list", "--bogus"], "--bogus"),
    "unknown command": (["nosuchcmd"], "nosuchcmd"),
    "missing argument": (["log", "1"], "DOCUMENT"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_parse_error_is_one_line_with_exit_2(case: str, tmp_path: Path) -> None:
    args, names = CASES[case]
    db = tmp_path / "db.sqlite3"
    result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and names.lower() in lines[0].lower(), lines[0]
    assert result.stdout == ""
    assert not db.exists()  # refused before any database was opened


def test_help_still_works() -> None:
    result = CliRunner().invoke(app, ["client", "--help"])
    assert result.exit_code == 0 and "list" in result.stdout
