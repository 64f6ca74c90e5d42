"""Judge change against the latest earlier result with the catalogue's MDC/MCID."""

from __future__ import annotations

from collections.abc import Sequence

from upperback.assessment._checks import fmt
from upperback.knowledge.tests_catalog import TestSpec
from upperback.model.assessment import ChangeComparison, ScoredResult

_EPS = 1e-9  # a change exactly at the threshold counts (floating-point slack)


def latest_earlier(current: ScoredResult, previous: Sequence[ScoredResult]) -> ScoredResult | None:
    """The most recent earlier result of the same test, side and condition."""
    same = [
        p
        for p in previous
        if p.test_id == current.test_id
        and p.side == current.side
        and p.condition == current.condition
        and p.date < current.date
    ]
    return max(same, key=lambda p: p.date) if same else None


def is_meaningful(delta: float, threshold: float) -> bool:
    """A change counts when its size reaches the threshold."""
    return abs(delta) >= threshold - _EPS


def direction(delta: float, meaningful: bool, higher_is_better: bool) -> str:
    if not meaningful or delta == 0:
        return "unchanged"
    return "improved" if (delta > 0) == higher_is_better else "worsened"


def compare_change(
    spec: TestSpec, current: ScoredResult, previous: Sequence[ScoredResult]
) -> tuple[ChangeComparison | None, str | None]:
    """The comparison (or None) and a note when a previous result exists but no threshold."""
    prev = latest_earlier(current, previous)
    if prev is None:
        return None, None
    delta = current.score - prev.score
    threshold = spec.applied_change()
    if threshold is None:
        return None, (
            f"previous {fmt(prev.score)} {spec.unit} on {prev.date.isoformat()} "
            f"(change {fmt(delta)}); no published MDC/MCID, change not judged"
        )
    meaningful = is_meaningful(delta, threshold.value)
    return (
        ChangeComparison(
            previous=prev.score,
            previous_date=prev.date,
            delta=round(delta, 6),
            threshold=threshold.value,
            threshold_kind=threshold.kind,
            meaningful=meaningful,
            direction=direction(delta, meaningful, spec.higher_is_better),
            source=f"{threshold.source} [{threshold.evidence.value}]",
        ),
        None,
    )
