"""The whole client journey through the real CLI on a temporary SQLite database."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cli_support import START, Cli

from upperback.model.program import SessionPlan
from upperback.services.demo import perform


def _log_for(next_json: dict[str, Any], rng_seed: int = 1) -> dict[str, Any]:
    import random

    plan = SessionPlan.model_validate(next_json["session"])
    day = START + dt.timedelta(days=(plan.week - 1) * 7 + 2 * (plan.index - 1))
    return perform(plan, day, plan.week, random.Random(rng_seed)).model_dump(mode="json")


def test_whole_journey_from_intake_to_progress(cli: Cli, planned_client) -> None:
    cid = planned_client()
    prof = cli.json("profile", str(cid))
    codes = {f["code"] for f in prof["findings"]}
    assert "lt_underactive" in codes and "dnf_endurance_low" in codes

    nxt = cli.json("next", str(cid))
    assert nxt["session"]["week"] == 1 and nxt["session"]["index"] == 1
    assert all(p["breathing_cue"] and p["tempo"] for p in nxt["session"]["prescriptions"])

    log = _log_for(nxt)
    # an easy session: effort well below target, no pain -> progression should follow
    for s in log["sets"]:
        s["rpe"], s["pain_during"] = 1.0, 0.0
    log["pain_next_morning"] = 0.0
    out = cli.json("log", str(cid), cli.write("log1.json", log))
    assert out["program_version"] >= 2
    assert out["adaptations"], "an easy, pain-free session must change what comes next"
    assert all(a["reason"] for a in out["adaptations"])

    why = cli.json("why", str(cid))
    assert why["program_rationale"] and why["adaptations"]

    nxt2 = cli.json("next", str(cid))
    assert (nxt2["session"]["week"], nxt2["session"]["index"]) == (1, 2)

    prog = cli.json("progress", str(cid), "--date", (START + dt.timedelta(days=3)).isoformat())
    assert prog["adherence"]["completed_sessions"] == 1
    assert "pain_during_max" in prog["series"]


def test_export_then_import_into_empty_database_round_trips(
    cli: Cli, planned_client, tmp_path
) -> None:
    cid = planned_client()
    cli("log", str(cid), cli.write("log.json", _log_for(cli.json("next", str(cid)))))
    first = cli("export").stdout
    other = Cli(tmp_path / "copy.sqlite3", tmp_path)
    exported = tmp_path / "export.json"
    exported.write_text(first, encoding="utf-8")
    other("import", str(exported))
    second = other("export").stdout
    a, b = json.loads(first), json.loads(second)
    # the second export adds its own audit row for the export itself
    a["tables"]["audit"] = [r for r in a["tables"]["audit"] if r["action"] != "export"]
    b["tables"]["audit"] = [r for r in b["tables"]["audit"] if r["action"] != "export"]
    assert a == b
    assert sum(len(p["document"]["sessions"]) for p in a["tables"]["program"]) >= 36


def test_import_refuses_a_non_empty_database(cli: Cli, planned_client, tmp_path) -> None:
    planned_client()
    exported = tmp_path / "e.json"
    exported.write_text(cli("export").stdout, encoding="utf-8")
    result = cli("import", str(exported), ok=False)
    assert result.exit_code == 2
    assert "not empty" in result.stderr
