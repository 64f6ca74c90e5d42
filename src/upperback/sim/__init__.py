"""SIMULATION - virtual clients, not clinical evidence.

Runs the adaptive engine and a fixed, non-adaptive program against the same population of
virtual clients and reports distributions of pain change, adherence, flares and rule firings.

Public API: simulate(n_clients, *, weeks=12, seed) -> SimulationReport; render_report(report).
"""

from upperback.sim.population import LABEL
from upperback.sim.report import SimulationReport, render_report
from upperback.sim.run import simulate

__all__ = ["LABEL", "SimulationReport", "render_report", "simulate"]
