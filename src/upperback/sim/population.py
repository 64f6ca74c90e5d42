"""SIMULATION - virtual clients, not clinical evidence.

Population parameters for virtual clients. Where literature gives a figure it is cited
(DOMAIN.md section 6 outcome priors, adherence); everything else is a design assumption
tagged [design, U]. The model is for comparing adaptation policies, never for predicting
what happens to a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LABEL = "SIMULATION — virtual clients, not clinical evidence"

PARAMETER_SOURCES: dict[str, str] = {
    "baseline_pain": "N(4.5, 1.5) clipped 1-9 (0-10 NPRS): baseline neck pain 5.0 in Andersen 2008 MSSE "
    "and 3.2/9 in Andersen 2012 BJSM [V]",
    "adherence": "propensity Beta(3, 2.5), mean ~0.55, i.e. ~45-50 % non-adherence (Argent 2018, Bachmann 2018 [V]); "
    "linear decline up to 35 % over 12 weeks (Andersen 2008 MSSE participation 54 -> 35 % [V]); "
    "one 2-week gap in 30 % of clients [design, U]",
    "training_response": "pain falls 3.5 % per completed session at an adequate dose (0.8-1.15 x capacity), "
    "tuned so ~50 % adherence gives about -30 % within-group, i.e. -1 to -2 points (DOMAIN 6 outcome "
    "priors [V]); responsiveness lognormal sd 0.4 [design, U]",
    "capacity": "tolerable dose relative to the planned dose, lognormal(median 1.15, sd 0.35), falling behind the "
    "plan by up to 25 % with missed sessions [design, U]",
    "pain_sensitivity": "lognormal(0, 0.4): pain and flare response to doses above capacity [design, U]",
    "flare_risk": "1 % per session plus 0.6 x sensitivity x overload above 1.1 x capacity [design, U]",
    "after_flare_adherence": "attendance x0.7 for a week after a flare: pain during exercise lowers "
    "adherence (Jack 2010 [V direction]; size [design, U])",
    "red_flag": "0.05 % per session new red-flag symptom [design, U]",
    "effort": "RPE = target + 7.5 x (dose/capacity - 1) + N(0, 0.8): on target when the dose matches capacity "
    "(Zourdos 2016 RIR scale [V]; slope [design, U]); pain ratings are whole NPRS points",
}


@dataclass(frozen=True)
class VirtualClient:
    """One virtual client's fixed traits (SIMULATION)."""

    client_id: int
    baseline_pain: float
    adherence: float
    decline: float
    gap_week: int | None
    capacity: float
    responsiveness: float
    sensitivity: float
    has_emg: bool
    ut_offset: float


def draw_client(client_id: int, rng: np.random.Generator, weeks: int) -> VirtualClient:
    """Draw one client's traits from the population (SIMULATION)."""
    return VirtualClient(
        client_id=client_id,
        baseline_pain=float(np.clip(rng.normal(4.5, 1.5), 1.0, 9.0)),
        adherence=float(rng.beta(3.0, 2.5)),
        decline=float(rng.uniform(0.0, 0.35)),
        gap_week=int(rng.integers(2, max(3, weeks - 1))) if rng.random() < 0.3 else None,
        capacity=float(np.exp(rng.normal(np.log(1.15), 0.35))),
        responsiveness=float(np.exp(rng.normal(0.0, 0.4))),
        sensitivity=float(np.exp(rng.normal(0.0, 0.4))),
        has_emg=bool(rng.random() < 0.2),
        ut_offset=float(rng.normal(0.0, 0.15)),
    )
