"""Baseline-to-latest change of tracked measures, judged with the catalogue's MCID/MDC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from upperback.assessment.change import is_meaningful
from upperback.knowledge.tests_catalog import TestSpec, battery
from upperback.model.assessment import ScoredAssessment, ScoredResult
from upperback.model.outcome import OutcomePoint, OutcomeSummary

RESPONDER_MEASURES = ("nprs", "ndi", "psfs")
"""Patient-reported measures a responder must improve on (by MCID/MDC), none worsening."""


def _key(r: ScoredResult) -> tuple[str, str, str]:
    return r.test_id, r.side.value if r.side else "", r.condition or ""


def _label(r: ScoredResult) -> str:
    extra = [x for x in (r.side.value if r.side else None, r.condition) if x]
    return f"{r.test_id} ({', '.join(extra)})" if extra else r.test_id


def summarize(measures: Sequence[ScoredAssessment]) -> list[OutcomeSummary]:
    """One summary per tracked test, side and condition, in catalogue then side order.

    Tracked tests are those marked `outcome: true` in tests.yaml (pain, NDI, PSFS, DNF
    endurance, ROM, CKCUEST). Repeated results on one date are averaged.
    """
    cat = battery()
    series: dict[tuple[str, str, str], dict[dt.date, list[float]]] = {}
    labels: dict[tuple[str, str, str], str] = {}
    for assessment in sorted(measures, key=lambda a: a.date):
        for r in assessment.results:
            spec = cat.by_id.get(r.test_id)
            if spec is None or not spec.outcome:
                continue
            k = _key(r)
            labels.setdefault(k, _label(r))
            series.setdefault(k, {}).setdefault(r.date, []).append(r.score)
    order = {tid: i for i, tid in enumerate(cat.by_id)}
    out = []
    for k in sorted(series, key=lambda k: (order[k[0]], k[1], k[2])):
        spec = cat.by_id[k[0]]
        points = [
            OutcomePoint(measure=labels[k], date=d, value=sum(v) / len(v), unit=spec.unit)
            for d, v in sorted(series[k].items())
        ]
        out.append(_summary(spec, labels[k], points))
    return out


def _summary(spec: TestSpec, label: str, points: list[OutcomePoint]) -> OutcomeSummary:
    baseline, latest = points[0].value, points[-1].value
    change = latest - baseline
    threshold = spec.applied_change()
    meaningful: bool | None = None
    improved: bool | None = None
    if threshold is not None and len(points) > 1:
        meaningful = is_meaningful(change, threshold.value)
        improved = meaningful and change != 0 and (change > 0) == spec.higher_is_better
    return OutcomeSummary(
        measure=label,
        unit=spec.unit,
        baseline=baseline,
        latest=latest,
        change=round(change, 6),
        percent_change=round(100.0 * change / baseline, 3) if baseline != 0 else None,
        threshold=threshold.value if threshold else None,
        threshold_kind=threshold.kind if threshold else None,
        meaningful=meaningful,
        improved=improved,
        source=f"{threshold.source} [{threshold.evidence.value}]" if threshold else "",
        points=points,
    )


def responder(summary: Sequence[OutcomeSummary] | OutcomeSummary) -> bool:
    """Responder: a meaningful improvement in pain, NDI or PSFS and none meaningfully worse.

    A single summary is a responder when it improved meaningfully.
    """
    if isinstance(summary, OutcomeSummary):
        return summary.improved is True
    pro = [s for s in summary if s.measure.split(" (")[0] in RESPONDER_MEASURES]
    worse = any(s.meaningful and not s.improved for s in pro)
    return any(s.improved is True for s in pro) and not worse
