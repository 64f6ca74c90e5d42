"""Scoring rules of composite instruments (NDI, PSFS, repeated trials).

The algorithms live here; their parameters (item counts, ranges, missing-item limit,
inverted versions) come from the test catalogue.
"""

from __future__ import annotations

from collections.abc import Sequence

from upperback.assessment._checks import finite, fmt
from upperback.errors import InvalidInput
from upperback.knowledge.tests_catalog import ItemRules


def _check_items(
    items: Sequence[float | None], rules: ItemRules, where: str, *, allow_missing: bool
) -> list[float]:
    n = len(items)
    if not rules.min_count <= n <= rules.max_count:
        want = (
            str(rules.min_count)
            if rules.min_count == rules.max_count
            else f"{rules.min_count}-{rules.max_count}"
        )
        raise InvalidInput(f"{where}: items: {n} given, expected {want}")
    answered: list[float] = []
    for k, item in enumerate(items, start=1):
        if item is None:
            if not allow_missing:
                raise InvalidInput(f"{where}: items: item {k} is empty; every item needs a score")
            continue
        x = finite(item, f"{where}: items: item {k}")
        if not rules.min <= x <= rules.max:
            raise InvalidInput(
                f"{where}: items: item {k} is {fmt(x)}, outside {fmt(rules.min)}-{fmt(rules.max)}"
            )
        if rules.integer and x != int(x):
            raise InvalidInput(f"{where}: items: item {k} is {x}; item scores are whole numbers")
        answered.append(x)
    return answered


def ndi_percent(
    items: Sequence[float | None], rules: ItemRules, where: str
) -> tuple[float, list[str]]:
    """NDI in percent, pro-rated over answered items: 100 x sum / (5 x answered).

    Example: 16 points over 9 answered items gives 100 x 16 / 45 = 35.6 %.
    """
    answered = _check_items(items, rules, where, allow_missing=True)
    missing = len(items) - len(answered)
    if missing > rules.max_missing:
        raise InvalidInput(
            f"{where}: items: {missing} items unanswered; at most {rules.max_missing} may be missing "
            f"for a valid score ({rules.missing_source})"
        )
    total, possible = sum(answered), rules.max * len(answered)
    notes = [f"raw {fmt(total)}/{fmt(possible)}"]
    if missing:
        notes.append(f"{missing} item(s) unanswered; pro-rated over {len(answered)} answered items")
    return 100.0 * total / possible, notes


def psfs_mean(
    items: Sequence[float | None], version: str, rules: ItemRules, where: str
) -> tuple[float, list[str]]:
    """PSFS mean in the version-1 direction (10 = able as before)."""
    answered = _check_items(items, rules, where, allow_missing=False)
    mean = sum(answered) / len(answered)
    return psfs_direction(mean, version, rules)


def psfs_direction(score: float, version: str, rules: ItemRules) -> tuple[float, list[str]]:
    """Flip PSFS 2.0 scores (higher = harder) to the version-1 direction."""
    if version in rules.invert_versions:
        return rules.max - score, [
            f"PSFS {version}: direction inverted ({fmt(rules.max)} - mean) to the v1 scale"
        ]
    return score, [f"PSFS {version}"]


def trials_mean(
    items: Sequence[float | None], rules: ItemRules, where: str
) -> tuple[float, list[str]]:
    """Mean of repeated trials (CKCUEST uses the mean of 3)."""
    answered = _check_items(items, rules, where, allow_missing=False)
    return sum(answered) / len(answered), [f"mean of {len(answered)} trial(s)"]
