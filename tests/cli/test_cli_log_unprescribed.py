"""A log for an exercise the session did not prescribe: exit 2, one line naming it, nothing
stored."""

from __future__ import annotations

import datetime as dt
import hashlib

from cli_support import START, Cli

from upperback.knowledge.loader import exercise_library


def test_a_log_for_an_exercise_not_in_the_session_is_refused(cli: Cli, planned_client) -> None:
    cid = planned_client()
    plan = cli.json("next", str(cid))["session"]
    prescribed = {p["exercise_id"] for p in plan["prescriptions"]}
    other = next(e for e in exercise_library() if e.id not in prescribed)
    doc = {
        "date": (START + dt.timedelta(days=1)).isoformat(),
        "week": plan["week"],
        "index": plan["index"],
        "sets": [{"exercise_id": other.id, "set_index": 1, "reps": 8, "rpe": 5, "pain_during": 1}],
    }
    path = cli.write("unprescribed.json", doc)
    wal = cli.db.with_name(cli.db.name + "-wal")
    before = hashlib.sha256(cli.db.read_bytes() + (wal.read_bytes() if wal.exists() else b""))
    result = cli("log", str(cid), path, ok=False)
    assert result.exit_code == 2
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines == [
        f"error: sets[0].exercise_id: {other.name} ({other.id}) is not prescribed in session "
        f"{plan['week']}.{plan['index']}"
    ]
    after = hashlib.sha256(cli.db.read_bytes() + (wal.read_bytes() if wal.exists() else b""))
    assert after.hexdigest() == before.hexdigest()
    assert cli.json("next", str(cid))["session"]["index"] == plan["index"]  # still to log
