"""SIMULATION report: adaptive engine vs fixed program, as distributions."""

from __future__ import annotations

from pydantic import Field

from upperback.model.common import Frozen
from upperback.sim.population import LABEL, PARAMETER_SOURCES

QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)


class Distribution(Frozen):
    mean: float
    quantiles: dict[str, float] = Field(description="q10, q25, q50, q75, q90")


class ArmSummary(Frozen):
    arm: str
    clients: int
    pain_change_points: Distribution
    pain_change_percent: Distribution
    adherence: Distribution
    flares_per_client: Distribution
    share_with_flare: float
    share_improved_2_points: float = Field(
        description="Share with pain change <= -2 points (Farrar 2001 MCID)."
    )
    stopped_red_flag: int
    clinician_alerts_per_client: float = Field(
        default=0.0, description="Clinician alerts raised per client (one open alert per cause)."
    )
    rule_firings: dict[str, int] = Field(default_factory=dict)


class SimulationReport(Frozen):
    label: str = LABEL
    n_clients: int
    weeks: int
    seed: int
    adaptive: ArmSummary
    fixed: ArmSummary
    parameters: dict[str, str] = Field(default_factory=lambda: dict(PARAMETER_SOURCES))


def _fmt(d: Distribution, digits: int = 2) -> str:
    q = d.quantiles
    return (
        f"mean {d.mean:.{digits}f} | q10 {q['q10']:.{digits}f} q25 {q['q25']:.{digits}f} "
        f"median {q['q50']:.{digits}f} q75 {q['q75']:.{digits}f} q90 {q['q90']:.{digits}f}"
    )


def render_report(report: SimulationReport) -> str:
    """Plain-text rendering; the simulation label heads and closes it."""
    lines = [
        f"*** {report.label} ***",
        f"{report.n_clients} virtual clients, {report.weeks} weeks, seed {report.seed}",
        "",
    ]
    for arm in (report.adaptive, report.fixed):
        lines += [
            f"[{arm.arm}]",
            f"  pain change (points):   {_fmt(arm.pain_change_points)}",
            f"  pain change (%):        {_fmt(arm.pain_change_percent, 1)}",
            f"  adherence (share):      {_fmt(arm.adherence)}",
            f"  flares per client:      {_fmt(arm.flares_per_client)}",
            f"  clients with >= 1 flare: {arm.share_with_flare:.1%}; improved >= 2 points: "
            f"{arm.share_improved_2_points:.1%}; stopped by red flag: {arm.stopped_red_flag}",
            f"  clinician alerts per client: {arm.clinician_alerts_per_client:.2f}",
        ]
        if arm.rule_firings:
            lines.append(
                "  rule firings: "
                + ", ".join(f"{k} {v}" for k, v in sorted(arm.rule_firings.items()))
            )
        lines.append("")
    lines.append("Parameters (SIMULATION assumptions, sources as tagged):")
    lines += [f"  - {k}: {v}" for k, v in report.parameters.items()]
    lines.append(f"*** {report.label} ***")
    return "\n".join(lines)
