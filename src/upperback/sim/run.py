"""SIMULATION: run virtual clients through the adaptive engine and through a fixed program."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import numpy as np

from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.loading_rules import LoadingRules, loading_rules
from upperback.loading import generate_program
from upperback.sim.client import Outcome, live
from upperback.sim.population import draw_client
from upperback.sim.profiles import random_intake, random_profile
from upperback.sim.report import QUANTILES, ArmSummary, Distribution, SimulationReport

START = dt.date(2025, 1, 6)


def _dist(values: Sequence[float]) -> Distribution:
    arr = np.asarray(values, dtype=float)
    qs = np.quantile(arr, QUANTILES) if arr.size else np.zeros(len(QUANTILES))
    return Distribution(
        mean=float(arr.mean()) if arr.size else 0.0,
        quantiles={f"q{round(q * 100)}": float(v) for q, v in zip(QUANTILES, qs, strict=True)},
    )


def _summary(arm: str, outcomes: list[Outcome]) -> ArmSummary:
    change = [o.pain_end - o.pain_start for o in outcomes]
    pct = [100.0 * (o.pain_end - o.pain_start) / o.pain_start for o in outcomes]
    rules: Counter[str] = Counter()
    for o in outcomes:
        rules.update(o.rules)
    n = max(len(outcomes), 1)
    return ArmSummary(
        arm=arm,
        clients=len(outcomes),
        pain_change_points=_dist(change),
        pain_change_percent=_dist(pct),
        adherence=_dist([o.completed / o.planned for o in outcomes]),
        flares_per_client=_dist([float(o.flares) for o in outcomes]),
        share_with_flare=sum(1 for o in outcomes if o.flares) / n,
        share_improved_2_points=sum(1 for c in change if c <= -2) / n,
        stopped_red_flag=sum(1 for o in outcomes if o.stopped),
        clinician_alerts_per_client=sum(o.alerts for o in outcomes) / n,
        rule_firings=dict(sorted(rules.items())),
    )


def simulate(
    n_clients: int,
    *,
    weeks: int = 12,
    seed: int,
    library: ExerciseLibrary | None = None,
    rules: LoadingRules | None = None,
) -> SimulationReport:
    """Each virtual client gets one generated program, lived once adaptively and once fixed."""
    lib = library if library is not None else exercise_library()
    rules = rules if rules is not None else loading_rules()
    adaptive: list[Outcome] = []
    fixed: list[Outcome] = []
    for i in range(n_clients):
        rng = np.random.default_rng([seed, i])
        client = draw_client(i, rng, weeks)
        profile = random_profile(rng, pain_now=client.baseline_pain, day=START)
        intake = random_intake(rng, day=START, pain_now=client.baseline_pain)
        program = generate_program(
            profile, intake, start_date=START, seed=seed + i, library=lib, weeks=weeks, rules=rules
        )
        adaptive.append(
            live(client, program, profile, adaptive=True, seed=seed, lib=lib, rules=rules)
        )
        fixed.append(
            live(client, program, profile, adaptive=False, seed=seed, lib=lib, rules=rules)
        )
    return SimulationReport(
        n_clients=n_clients,
        weeks=weeks,
        seed=seed,
        adaptive=_summary("adaptive engine", adaptive),
        fixed=_summary("fixed program (no adaptation)", fixed),
    )
