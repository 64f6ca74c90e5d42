"""Coverage counts of the exercise library, so gaps in a ladder show up at a glance.

An entry counts once for every target muscle and every loading type it lists, so the totals
can exceed the number of entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from upperback.knowledge.schema import Exercise, LoadingType


def _ranked(counts: Counter[str]) -> dict[str, int]:
    """Most frequent first, ties by name, so the output is stable."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def counts_by_target(lib: Iterable[Exercise]) -> dict[str, int]:
    """Number of entries naming each muscle as a target (muscles never targeted are left out)."""
    return _ranked(Counter(m.value for ex in lib for m in ex.targets))


def counts_by_loading_type(lib: Iterable[Exercise]) -> dict[str, int]:
    """Number of entries of each loading type; every type is listed, zero if unused."""
    counts: Counter[str] = Counter({t.value: 0 for t in LoadingType})
    counts.update(t.value for ex in lib for t in ex.loading_types)
    return _ranked(counts)
