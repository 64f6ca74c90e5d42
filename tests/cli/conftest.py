"""Fixtures for CLI tests: a temporary database with a clinician, and a planned client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import START, Cli

from upperback.services.demo import demo_assessment, demo_intake


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    c = Cli(tmp_path / "ub.sqlite3", tmp_path)
    c("init", "--clinician", "Sam Physio")
    return c


@pytest.fixture
def planned_client(cli: Cli) -> Callable[[], int]:
    """A client with intake, assessment and a program through the CLI."""

    def make() -> int:
        client = cli.json(
            "client",
            "add",
            "--name",
            "Jo",
            "--sex",
            "female",
            "--birth-year",
            "1985",
            "--mass",
            "62",
        )
        cid = client["id"]
        cli(
            "intake",
            str(cid),
            cli.write(
                "intake.json", demo_intake(START - dt.timedelta(days=2)).model_dump(mode="json")
            ),
        )
        cli(
            "assess",
            str(cid),
            cli.write(
                "assess.json",
                demo_assessment(START - dt.timedelta(days=2), 0.0).model_dump(mode="json"),
            ),
        )
        cli("plan", str(cid), "--start", START.isoformat(), "--seed", "3")
        return int(cid)

    return make
