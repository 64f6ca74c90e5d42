"""Rejected commands exit 2 with one line naming the problem and leave the database untouched."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import START, Cli


def _digest(path: Path) -> str:
    """Bytes of the database and its WAL: a rejected command must change neither."""
    parts = [path, path.with_name(path.name + "-wal")]
    return hashlib.sha256(
        b"".join(p.read_bytes() if p.exists() else b"" for p in parts)
    ).hexdigest()


def _valid_log(cli: Cli, cid: int) -> dict[str, Any]:
    plan = cli.json("next", str(cid))["session"]
    p = plan["prescriptions"][0]
    return {
        "date": (START + dt.timedelta(days=1)).isoformat(),
        "week": plan["week"],
        "index": plan["index"],
        "sets": [
            {
                "exercise_id": p["exercise_id"],
                "set_index": 1,
                "reps": p["reps"],
                "hold_s": p["hold_s"],
                "rpe": 6,
                "pain_during": 1,
            }
        ],
        "pain_next_morning": 1,
    }


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "pain 11": (lambda d: d["sets"][0].update(pain_during=11), "pain_during"),
    "negative reps": (lambda d: d["sets"][0].update(reps=-3, hold_s=None), "reps"),
    "unknown exercise": (
        lambda d: d["sets"][0].update(exercise_id="no_such_drill"),
        "no_such_drill",
    ),
    "before program start": (
        lambda d: d.update(date=(START - dt.timedelta(days=30)).isoformat()),
        "before the program starts",
    ),
    "no such session": (lambda d: d.update(week=13), "week"),
    # the model's date check (not only the API's): this log once changed the program
    "dated 9999-12-31": (lambda d: d.update(date="9999-12-31"), "9999-12-31 is outside"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_session_log_is_rejected_and_database_unchanged(
    cli: Cli, planned_client, case: str
) -> None:
    cid = planned_client()
    doc = _valid_log(cli, cid)
    mutate, needle = CASES[case]
    mutate(doc)
    path = cli.write("bad.json", doc)
    before = _digest(cli.db)
    result = cli("log", str(cid), path, ok=False)
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in result.output
    assert _digest(cli.db) == before


def test_malformed_json_and_missing_file_and_unknown_client(
    cli: Cli, planned_client, tmp_path: Path
) -> None:
    cid = planned_client()
    broken = tmp_path / "broken.json"
    broken.write_text('{"date": "2026-01-06", "week": ', encoding="utf-8")
    before = _digest(cli.db)
    for args, needle in (
        (("log", str(cid), str(broken)), "malformed JSON"),
        (("log", str(cid), str(tmp_path / "missing.json")), "file not found"),
        (("next", "999"), "client 999 not found"),
        (("intake", "999", cli.write("i.json", {"date": "2026-01-01"})), "client 999 not found"),
    ):
        result = cli(*args, ok=False)
        assert result.exit_code == 2, args
        assert needle in result.stderr, (args, result.stderr)
    assert _digest(cli.db) == before


def test_a_valid_log_after_rejections_is_accepted(cli: Cli, planned_client) -> None:
    cid = planned_client()
    doc = _valid_log(cli, cid)
    assert cli("log", str(cid), cli.write("ok.json", doc)).exit_code == 0
