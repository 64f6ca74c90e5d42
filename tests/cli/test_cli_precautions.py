"""A screening precaution (anticoagulants) reaches whoever supervises the sessions:
`upperback next` and `upperback why` print 'Precautions: ...' with the red-flag data's
action text, and their JSON carries it (physio review 2, item 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cli_support import START, Cli

from upperback.knowledge.red_flags import red_flag_catalogue
from upperback.model.intake import Answer
from upperback.services.demo import demo_intake

ACTION = red_flag_catalogue().item("anticoagulants").action  # type: ignore[union-attr]


def _on_blood_thinner(cli: Cli, cid: int) -> None:
    intake = demo_intake(START - dt.timedelta(days=1)).model_copy(
        update={"red_flags": {"anticoagulants": Answer.yes}}
    )
    cli("intake", str(cid), cli.write("warfarin.json", intake.model_dump(mode="json")))


def test_next_and_why_show_the_precaution(cli: Cli, planned_client: Callable[[], int]) -> None:
    cid = planned_client()
    assert "Precautions" not in cli("next", str(cid)).output
    assert cli.json("next", str(cid))["precautions"] == []
    _on_blood_thinner(cli, cid)
    for command in ("next", "why"):
        text = " ".join(cli(command, str(cid)).output.split())  # rich wraps long lines
        assert "Precautions: Anticoagulant therapy or clotting disorder" in text, command
        assert " ".join(ACTION.split()) in text, command
        doc = cli.json(command, str(cid))
        assert len(doc["precautions"]) == 1 and ACTION in doc["precautions"][0], command
