"""Virtual clients: labelled as simulation, reproducible, and the arms differ where they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from upperback.knowledge.loader import load_exercises
from upperback.sim import LABEL, SimulationReport, render_report, simulate

LIB = Path(__file__).parents[1] / "loading" / "fixtures" / "library.yaml"


@pytest.fixture(scope="module")
def report() -> SimulationReport:
    return simulate(60, seed=3, library=load_exercises(LIB))


def test_report_and_text_carry_the_simulation_label(report: SimulationReport) -> None:
    assert report.label == LABEL and "SIMULATION" in LABEL
    text = render_report(report)
    assert text.startswith(f"*** {LABEL}") and text.rstrip().endswith(f"{LABEL} ***")
    assert "Andersen 2008" in text and "[design, U]" in text


def test_same_seed_same_report(report: SimulationReport) -> None:
    again = simulate(60, seed=3, library=load_exercises(LIB))
    assert again == report


def test_distributions_are_ordered_and_plausible(report: SimulationReport) -> None:
    for arm in (report.adaptive, report.fixed):
        q = arm.pain_change_points.quantiles
        assert q["q10"] <= q["q25"] <= q["q50"] <= q["q75"] <= q["q90"]
        assert 0.2 < arm.adherence.mean < 0.8  # ~50 % non-adherence prior (Argent 2018)
        assert arm.clients == 60


def test_only_the_adaptive_arm_fires_rules_and_it_fires_many(report: SimulationReport) -> None:
    assert report.fixed.rule_firings == {}
    fired = set(report.adaptive.rule_firings)
    assert {"effort.progress_reps", "pain.flare_regress", "adherence.reentry_after_gap"} <= fired


def test_adaptation_lowers_flares_against_the_fixed_program(report: SimulationReport) -> None:
    assert report.adaptive.flares_per_client.mean < report.fixed.flares_per_client.mean


def test_alerts_per_client_counts_raised_alerts_not_repeats(report: SimulationReport) -> None:
    """The figure the alert policy is judged by: raised alerts (alert.* causes) per client;
    repeats held while an alert is open (alert.still_open) are not alerts."""
    raised = sum(
        v
        for k, v in report.adaptive.rule_firings.items()
        if k.startswith("alert.") and k != "alert.still_open"
    )
    assert report.adaptive.clinician_alerts_per_client == raised / report.adaptive.clients
    assert report.fixed.clinician_alerts_per_client == 0
    assert "clinician alerts per client" in render_report(report)
