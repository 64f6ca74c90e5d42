"""Derived strength results: side asymmetry and unilateral ratios (Turner 2009)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from upperback.assessment._checks import fmt
from upperback.knowledge.tests_catalog import TestCatalogue
from upperback.model.assessment import ScoredResult
from upperback.model.common import Side


def _side_means(results: list[ScoredResult]) -> dict[tuple[str, Side], float]:
    """Mean of repeated trials per test and side."""
    acc: dict[tuple[str, Side], list[float]] = defaultdict(list)
    for r in results:
        if r.side in (Side.left, Side.right):
            acc[(r.test_id, r.side)].append(r.score)
    return {k: sum(v) / len(v) for k, v in acc.items()}


def derived_results(
    results: list[ScoredResult], cat: TestCatalogue, day: dt.date
) -> list[ScoredResult]:
    """Asymmetry % per bilateral strength test and ratios per side, in catalogue order."""
    means = _side_means(results)
    out: list[ScoredResult] = []
    for base_id, derived_id in cat.asymmetry_ids.items():
        left, right = means.get((base_id, Side.left)), means.get((base_id, Side.right))
        if left is None or right is None or max(left, right) <= 0:
            continue
        stronger = max(left, right)
        pct = 100.0 * (stronger - min(left, right)) / stronger
        weaker = None if left == right else (Side.left if left < right else Side.right)
        spec = cat.get(derived_id)
        out.append(
            ScoredResult(
                test_id=derived_id,
                name=spec.name,
                side=weaker,
                score=pct,
                unit=spec.unit,
                date=day,
                notes=[
                    f"L {fmt(left)} / R {fmt(right)} {cat.get(base_id).unit}; side = weaker side"
                ],
            )
        )
    for ratio in cat.ratios:
        spec = cat.get(ratio.id)
        for side in (Side.left, Side.right):
            num, den = means.get((ratio.numerator, side)), means.get((ratio.denominator, side))
            if num is None or den is None or den <= 0:
                continue
            out.append(
                ScoredResult(
                    test_id=ratio.id,
                    name=spec.name,
                    side=side,
                    score=num / den,
                    unit=spec.unit,
                    date=day,
                    notes=[f"{ratio.numerator} {fmt(num)} / {ratio.denominator} {fmt(den)}"],
                )
            )
    return out
