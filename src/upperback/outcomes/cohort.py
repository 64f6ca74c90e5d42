"""Cohort outcomes: change against MCID, responder rates, adherence and dose-response.

Two pure steps so the work can be spread over a cluster and still give one answer:
:func:`client_summary` turns one client's summaries and logs into a small row (run anywhere,
in any order), :func:`aggregate` combines the rows after sorting them by client id, so the
result does not depend on where or in which order the rows were made.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from pydantic import Field

from upperback.model.common import Frozen
from upperback.model.outcome import AdherenceSummary, OutcomeSummary
from upperback.model.session import SessionLogIn
from upperback.outcomes.change import responder

PAIN_MEASURE = "nprs"
"""The measure whose change the dose-response relates logged volume to (pain 0-10)."""

ADHERENT = 0.8
"""Adherence at or above which a client counts as adherent. [design] A common cut-off in
exercise-adherence studies; no single validated threshold exists [U]."""


class MeasureChange(Frozen):
    """One client's baseline-to-latest change on one measure, judged against its MCID."""

    measure: str
    change: float
    threshold: float | None
    improved: bool | None
    worsened: bool | None


class ClientCohortRow(Frozen):
    """What one client contributes to the cohort figures."""

    client_id: int
    changes: list[MeasureChange] = Field(default_factory=list)
    responder: bool | None
    adherence: float | None
    completed_sessions: int
    volume_sets: int
    volume_reps: int
    pain_change: float | None


class MeasureCohort(Frozen):
    measure: str
    n: int
    mean_change: float
    median_change: float
    threshold: float | None
    improved_rate: float | None = Field(description="Share improving by at least the MCID/MDC.")
    worsened_rate: float | None


class DoseResponse(Frozen):
    """Logged volume (completed sets) against pain change (NPRS, negative = better)."""

    n: int
    spearman_rho: float | None
    p_value: float | None
    slope_per_10_sets: float | None = Field(description="Least-squares pain change per 10 sets.")


class CohortOutcomes(Frozen):
    n_clients: int
    measures: list[MeasureCohort]
    responders: int
    responder_rate: float | None = Field(description="Among clients with a judged measure.")
    adherence_mean: float | None
    adherence_median: float | None
    adherent_rate: float | None = Field(description=f"Share with adherence >= {ADHERENT}.")
    dose_response: DoseResponse


def client_summary(
    client_id: int,
    outcomes: Sequence[OutcomeSummary],
    adherence: AdherenceSummary | None,
    logs: Sequence[SessionLogIn],
) -> ClientCohortRow:
    """One client's row: changes vs MCID, responder, adherence, logged volume, pain change."""
    changes = [
        MeasureChange(
            measure=o.measure,
            change=o.change,
            threshold=o.threshold,
            improved=o.improved,
            worsened=None if o.meaningful is None else bool(o.meaningful and not o.improved),
        )
        for o in outcomes
        if len(o.points) > 1
    ]
    judged = [o for o in outcomes if o.meaningful is not None]
    done = [log for log in logs if log.completed]
    pain = next((c.change for c in changes if c.measure == PAIN_MEASURE), None)
    return ClientCohortRow(
        client_id=client_id,
        changes=changes,
        responder=responder(list(outcomes)) if judged else None,
        adherence=adherence.adherence if adherence is not None else None,
        completed_sessions=len(done),
        volume_sets=sum(len(log.sets) for log in done),
        volume_reps=sum(s.reps or 0 for log in done for s in log.sets),
        pain_change=pain,
    )


def _rate(flags: Sequence[bool | None]) -> float | None:
    known = [f for f in flags if f is not None]
    return round(sum(known) / len(known), 4) if known else None


def _measures(rows: Sequence[ClientCohortRow]) -> list[MeasureCohort]:
    by: dict[str, list[MeasureChange]] = {}
    for row in rows:
        for c in row.changes:
            by.setdefault(c.measure, []).append(c)
    out = []
    for name in sorted(by):
        cs = by[name]
        values = [c.change for c in cs]
        out.append(
            MeasureCohort(
                measure=name,
                n=len(cs),
                mean_change=round(statistics.fmean(values), 4),
                median_change=round(statistics.median(values), 4),
                threshold=cs[0].threshold,
                improved_rate=_rate([c.improved for c in cs]),
                worsened_rate=_rate([c.worsened for c in cs]),
            )
        )
    return out


def dose_response(rows: Sequence[ClientCohortRow]) -> DoseResponse:
    """Spearman's rho (rank, robust to skewed volume) and a least-squares slope."""
    pairs = [(float(r.volume_sets), r.pain_change) for r in rows if r.pain_change is not None]
    n = len(pairs)
    xs = [p[0] for p in pairs]
    ys = [float(p[1]) for p in pairs if p[1] is not None]
    if n < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return DoseResponse(n=n, spearman_rho=None, p_value=None, slope_per_10_sets=None)
    from scipy import stats

    res = stats.spearmanr(xs, ys)
    rho, p = float(res.statistic), float(res.pvalue)
    slope = float(stats.linregress(xs, ys).slope) * 10.0
    return DoseResponse(
        n=n,
        spearman_rho=round(rho, 4) if math.isfinite(rho) else None,
        p_value=round(p, 6) if math.isfinite(p) else None,
        slope_per_10_sets=round(slope, 4),
    )


def aggregate(rows: Sequence[ClientCohortRow]) -> CohortOutcomes:
    """Cohort figures from client rows, independent of the rows' order."""
    ordered = sorted(rows, key=lambda r: r.client_id)
    adh = [r.adherence for r in ordered if r.adherence is not None]
    judged = [r.responder for r in ordered if r.responder is not None]
    return CohortOutcomes(
        n_clients=len(ordered),
        measures=_measures(ordered),
        responders=sum(judged),
        responder_rate=_rate(judged),
        adherence_mean=round(statistics.fmean(adh), 4) if adh else None,
        adherence_median=round(statistics.median(adh), 4) if adh else None,
        adherent_rate=_rate([a >= ADHERENT for a in adh]),
        dose_response=dose_response(ordered),
    )
