"""A clinician's starting loads (`upperback plan --start-load EX=VALUE`, the API's
`start_loads`) start an exercise where the clinician says, at sizes real equipment has;
a wrong entry is one line naming it, exit 2, and no program version is stored."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cli_support import START, Cli

from upperback.knowledge.loader import exercise_library


def _first_loads(program: dict) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in program["sessions"]:
        for p in s["prescriptions"]:
            if p["load_kg"] is not None:
                out.setdefault(p["exercise_id"], p["load_kg"])
    return out


def test_an_entered_start_load_is_where_the_exercise_starts(
    cli: Cli, planned_client: Callable[[], int]
) -> None:
    cid = planned_client()
    planned = cli.json("plan", str(cid), "--start", START.isoformat(), "--seed", "3")
    ex_id, kg = next(iter(_first_loads(planned).items()))
    assert kg < 5.0
    entered = cli.json(
        "plan", str(cid), "--start", START.isoformat(), "--seed", "3",
        "--start-load", f"{ex_id}=5",
    )  # fmt: skip
    assert _first_loads(entered)[ex_id] == 5.0
    assert entered["version"] == planned["version"] + 1


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("prone_y_db=abc", "is not EXERCISE=VALUE"),
        ("no_such_drill=2", "start_loads.no_such_drill: no exercise with this id"),
        ("prone_y_db=1.3", "1.3 kg is not a size it comes in"),
        ("{bodyweight}=2", "has no external load to start at"),
        ("{band}=9", "is not a level from 1 to 6"),
    ],
)
def test_a_wrong_start_load_is_one_line_and_stores_nothing(
    cli: Cli, planned_client: Callable[[], int], entry: str, says: str
) -> None:
    lib = exercise_library()
    kinds = {m: next(e.id for e in lib if e.load_mode.value == m) for m in ("bodyweight", "band")}
    entry = entry.format(**kinds)
    cid = planned_client()
    version = cli.json("next", str(cid))["program_version"]
    r = cli("plan", str(cid), "--start", START.isoformat(), "--start-load", entry, ok=False)
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and says in lines[0], r.output
    assert cli.json("next", str(cid))["program_version"] == version
