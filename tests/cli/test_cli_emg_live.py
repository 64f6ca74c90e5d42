"""A live sEMG session (replayed from a real recording) is stored with the client's session log."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import Cli


def test_live_replay_summary_is_stored_with_the_logged_session(
    cli: Cli, planned_client, shared_data: Path
) -> None:
    cid = planned_client()
    examples = Path(__file__).resolve().parents[2] / "examples" / "session-log.json"
    doc = json.loads(examples.read_text(encoding="utf-8"))
    nxt = cli.json("next", str(cid))["session"]
    doc["sets"] = [
        {
            "exercise_id": p["exercise_id"],
            "set_index": 1,
            "reps": p["reps"],
            "hold_s": p["hold_s"],
            "rpe": 3,
        }
        for p in nxt["prescriptions"]
    ]
    cli("log", str(cid), cli.write("log.json", doc))
    rec = shared_data / "emg" / "pyomeca_markers_analogs.c3d"
    cli("emg", "live", str(rec), "--replay", "--client", str(cid), "--session", "1.1", "--json")
    tables = json.loads(cli("export").stdout)["tables"]
    stored = tables["session_log"][0]["emg"]
    assert stored is not None and "mean_ratios" in stored
    assert stored["mean_ratios"], "the c3d trial has an upper/lower trapezius pair"
    live_points = [r for r in tables["outcome"] if r["measure"].startswith("emg_live_")]
    assert len(live_points) == len(stored["mean_ratios"])
    # attaching again replaces the summary and its outcome points rather than adding more
    cli("emg", "live", str(rec), "--replay", "--client", str(cid), "--session", "1.1")
    again = json.loads(cli("export").stdout)["tables"]["outcome"]
    assert len([r for r in again if r["measure"].startswith("emg_live_")]) == len(live_points)


def test_live_replay_refuses_an_unlogged_session(
    cli: Cli, planned_client, shared_data: Path
) -> None:
    cid = planned_client()
    rec = shared_data / "emg" / "pyomeca_markers_analogs.c3d"
    result = cli(
        "emg", "live", str(rec), "--replay", "--client", str(cid), "--session", "2.1", ok=False
    )
    assert result.exit_code == 2
    assert "session 2.1 is not logged yet" in result.stderr
