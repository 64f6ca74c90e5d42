"""A red flag at intake gives a referral and blocks planning until a clinician clears it."""

from __future__ import annotations

import datetime as dt

from cli_support import START, Cli

from upperback.services.demo import demo_assessment, demo_intake


def test_red_flag_refers_and_blocks_planning_until_clearance(cli: Cli) -> None:
    cid = cli.json("client", "add", "--name", "Red", "--sex", "male", "--birth-year", "1960")["id"]
    intake = demo_intake(START).model_dump(mode="json")
    from upperback.preface.screening import red_flag_items

    item = red_flag_items()[0]
    intake["red_flags"] = {item.id: True}
    screening = cli.json("intake", str(cid), cli.write("i.json", intake))
    assert screening["outcome"] == "refer" and screening["hits"]
    cli(
        "assess", str(cid), cli.write("a.json", demo_assessment(START, 0.0).model_dump(mode="json"))
    )
    blocked = cli("plan", str(cid), "--start", START.isoformat(), ok=False)
    assert blocked.exit_code == 2 and "error:" in blocked.stderr
    cli(
        "clear",
        str(cid),
        "--note",
        "GP reviewed: no serious pathology",
        "--date",
        START.isoformat(),
    )
    plan = cli.json("plan", str(cid), "--start", (START + dt.timedelta(days=1)).isoformat())
    assert plan["sessions"]
