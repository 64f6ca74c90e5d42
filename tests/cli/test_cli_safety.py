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


def test_a_later_clear_intake_does_not_cancel_an_open_referral(cli: Cli) -> None:
    cid = cli.json("client", "add", "--name", "Flag", "--sex", "female", "--birth-year", "1980")[
        "id"
    ]
    referred = demo_intake(START).model_dump(mode="json")
    referred["red_flags"] = {"diplopia": True}
    cli("intake", str(cid), cli.write("r.json", referred))
    cli("intake", str(cid), cli.write("c.json", demo_intake(START).model_dump(mode="json")))
    cli(
        "assess", str(cid), cli.write("a.json", demo_assessment(START, 0.0).model_dump(mode="json"))
    )
    blocked = cli("plan", str(cid), "--start", START.isoformat(), ok=False)
    assert blocked.exit_code == 2 and "refer" in blocked.stderr.lower()


def test_a_new_plan_after_clearance_starts_again_at_week_one(cli: Cli, planned_client) -> None:
    cid = planned_client()
    nxt = cli.json("next", str(cid))["session"]
    log = {
        "date": START.isoformat(), "week": nxt["week"], "index": nxt["index"], "completed": True,
        "sets": [{"exercise_id": nxt["prescriptions"][0]["exercise_id"], "set_index": 1, "reps": 5}],
        "new_symptoms": ["diplopia"],
    }  # fmt: skip
    out = cli.json("log", str(cid), cli.write("l.json", log))
    assert out["referral"]["outcome"] == "refer" and out["next_session"] is None
    cli("clear", str(cid), "--note", "GP: ocular cause, cleared", "--date", START.isoformat())
    restart = (START + dt.timedelta(days=7)).isoformat()
    cli("plan", str(cid), "--start", restart)
    again = cli.json("next", str(cid))["session"]
    assert (again["week"], again["index"]) == (1, 1)


def test_an_override_cannot_bring_in_a_contraindicated_exercise(cli: Cli, planned_client) -> None:
    cid = planned_client()
    intake = demo_intake(START).model_dump(mode="json")
    intake["hypertension"] = True
    cli("intake", str(cid), cli.write("h.json", intake))
    first = cli.json("next", str(cid))["session"]["prescriptions"][0]["exercise_id"]
    refused = cli(
        "override", str(cid), "--exercise", first, "--field", "replace_with",
        "--value", "farmer_carry", "--reason", "client asked", ok=False,
    )  # fmt: skip
    assert refused.exit_code == 2 and "contraindicated" in refused.stderr


def test_out_of_range_ids_and_dates_are_one_line_errors(cli: Cli, planned_client) -> None:
    cid = planned_client()
    for args in (
        ("client", "show", "99999999999999999999"),
        ("progress", str(cid), "--date", "0001-01-01"),
    ):
        result = cli(*args, ok=False)
        assert result.exit_code == 2, args
        assert "Traceback" not in result.output


def test_export_leaves_logins_out_and_import_refuses_an_edited_record(
    cli: Cli, planned_client, tmp_path
) -> None:
    import json

    planned_client()
    doc = json.loads(cli("export").stdout)
    assert doc["tables"]["account"] == []
    doc["tables"]["client"][0]["sex"] = "banana"
    target = Cli(tmp_path / "edited.sqlite3", tmp_path)
    result = target("import", cli.write("edited.json", doc), ok=False)
    assert result.exit_code == 2 and "import: client" in result.stderr and "sex" in result.stderr
    target("init")
    assert target.json("client", "list") == []
