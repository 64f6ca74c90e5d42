"""Every command the method needs exists, and the auxiliary ones run on real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from upperback.cli.app import app

COMMANDS = [
    "init",
    "client",
    "intake",
    "clear",
    "assess",
    "profile",
    "plan",
    "log",
    "next",
    "why",
    "override",
    "progress",
    "export",
    "import",
    "schema",
    "demo",
    "simulate",
    "knowledge",
    "emg",
]


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_demo_runs_the_journey_and_prints_outcomes(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    result = CliRunner().invoke(
        app, ["demo", "--db", str(db), "--weeks", "4", "--start", "2026-01-05"]
    )
    assert result.exit_code == 0, result.output
    assert "SIMULATED" in result.output
    assert "nprs" in result.output  # the week-4 reassessment gives a change to report
    listed = CliRunner().invoke(app, ["client", "list", "--db", str(db), "--json"])
    assert listed.exit_code == 0  # the demo clinician is the first one, whom the CLI acts as
    assert [c["name"] for c in json.loads(listed.stdout)] == ["Alex Demo (simulated)"]


def test_simulate_labels_its_output_as_simulation() -> None:
    result = CliRunner().invoke(
        app, ["simulate", "--clients", "12", "--weeks", "4", "--seed", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "SIMULATION" in report["label"]


def test_knowledge_counts_cover_every_required_link() -> None:
    result = CliRunner().invoke(app, ["knowledge", "counts", "--json"])
    data = json.loads(result.stdout)
    assert data["exercises"] >= 60
    for muscle in (
        "lower_trapezius",
        "middle_trapezius",
        "serratus_anterior",
        "rhomboids",
        "deep_neck_flexors",
    ):
        assert data["by_target"][muscle] >= 4, muscle


def test_knowledge_red_flags_lists_ids_usable_in_an_intake() -> None:
    items = json.loads(CliRunner().invoke(app, ["knowledge", "red-flags", "--json"]).stdout)
    assert len(items) >= 30
    assert all(i["id"] and i["question"] for i in items)
