"""Map the 12-week phase and deload definitions onto a program of any length."""

from __future__ import annotations

from upperback.knowledge.loading_rules import LoadingRules, PhaseDef
from upperback.model.program import Phase


def scale_week(week_of_12: int, weeks: int) -> int:
    """The week of a `weeks`-long program that corresponds to `week_of_12` of 12."""
    return max(1, min(weeks, round(week_of_12 * weeks / 12)))


def phase_weeks(rules: LoadingRules, weeks: int) -> list[tuple[PhaseDef, list[int]]]:
    """Each phase with its weeks; phases that get no week in a short program are dropped."""
    out: list[tuple[PhaseDef, list[int]]] = []
    start = 1
    for i, ph in enumerate(rules.phases):
        end = weeks if i == len(rules.phases) - 1 else scale_week(ph.last_week_of_12, weeks)
        if end >= start:
            out.append((ph, list(range(start, end + 1))))
            start = end + 1
    return out


def deload_weeks(rules: LoadingRules, weeks: int) -> set[int]:
    """Planned lighter weeks with reassessment (weeks 4, 8 and 12 of a 12-week plan)."""
    if weeks < 3:
        return set()
    return {scale_week(w, weeks) for w in rules.deload.weeks_of_12}


def model_phases(rules: LoadingRules, weeks: int) -> list[Phase]:
    return [
        Phase(name=ph.name, goal=ph.goal, weeks=ws, emphasis=ph.emphasis)
        for ph, ws in phase_weeks(rules, weeks)
    ]
