"""Irritability from the client's pain behaviour, or the clinician's judgement.

Maitland's irritability is how little provokes the symptoms, how severe they are and how
long they take to settle. The criteria and cut-offs live in tests.yaml (`irritability`);
the level is the median of the criteria known [design]. A level the clinician sets wins,
and the reason says which way the level was reached.
"""

from __future__ import annotations

from upperback.assessment._checks import fmt
from upperback.knowledge.tests_catalog import IrritabilityRule
from upperback.model.intake import Intake, PainAtRest
from upperback.model.profile import Irritability

_ORDER = list(Irritability)


def _step(steps: list[tuple[float, Irritability]], x: float) -> Irritability:
    level = Irritability.low
    for at, lvl in sorted(steps, key=lambda s: s[0]):
        if x >= at:
            level = lvl
    return level


def derive_irritability(
    rule: IrritabilityRule,
    *,
    pain_now: float | None,
    intake: Intake | None,
    clinician: Irritability | None = None,
) -> tuple[Irritability, str]:
    """(level, reason). `pain_now` is the assessment's pain rating, else the intake's."""
    parts: list[tuple[Irritability, str]] = []
    pain = pain_now if pain_now is not None else (intake.pain_now if intake else None)
    if pain is not None:
        parts.append((_step(rule.steps, pain), f"pain {fmt(pain)}/10"))
    if intake is not None and intake.rest_or_night_pain != PainAtRest.unknown:
        level = rule.rest_or_night_pain.get(intake.rest_or_night_pain.value)
        if level is not None:
            words = {"none": "no", "intermittent": "intermittent", "constant": "constant"}
            parts.append((level, f"{words[intake.rest_or_night_pain.value]} rest or night pain"))
    if intake is not None and intake.settle_minutes is not None and rule.settle_minutes:
        parts.append(
            (
                _step(rule.settle_minutes, intake.settle_minutes),
                f"settles in {intake.settle_minutes} min",
            )
        )
    criteria = ", ".join(f"{why} ({lvl.value})" for lvl, why in parts)
    if clinician is not None:
        derived = f" (derived would be {_median(parts).value}: {criteria})" if parts else ""
        return clinician, f"set by the clinician{derived}"
    if not parts:
        return (
            Irritability.low,
            "no pain level, rest pain or settling time recorded: low by default",
        )
    level = _median(parts)
    return level, f"derived from {criteria}; {rule.combine_source or 'median'}: {level.value}"


def _median(parts: list[tuple[Irritability, str]]) -> Irritability:
    """Median level of the criteria known; with an even count the higher middle one."""
    if not parts:
        return Irritability.low
    ranked = sorted((_ORDER.index(lvl) for lvl, _ in parts))
    return _ORDER[ranked[len(ranked) // 2]]
