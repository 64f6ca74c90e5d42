"""Which library exercises a client may do: contraindications, equipment, dislikes.

Contraindication codes are FindingCode values plus the intake conditions
`high_irritability`, `hypertension` and `no_floor_work` (named in intake.dislikes).
"""

from __future__ import annotations

from collections.abc import Iterable

from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import LoadingRules
from upperback.knowledge.schema import Exercise
from upperback.model.common import Equipment
from upperback.model.intake import Intake
from upperback.model.profile import DeficitProfile, Irritability
from upperback.model.program import Exclusion, ExclusionKind

ALWAYS_AVAILABLE = frozenset({Equipment.none})


def conditions(profile: DeficitProfile, intake: Intake | None) -> set[str]:
    """Active contraindication codes for this client."""
    active = {str(f.code) for f in profile.findings}
    if profile.irritability == Irritability.high:
        active.add("high_irritability")
    if intake is not None:
        if intake.hypertension:
            active.add("hypertension")
        if "no_floor_work" in intake.dislikes:
            active.add("no_floor_work")
    return active


def exclusion_reason(
    ex: Exercise,
    active: set[str],
    equipment: set[Equipment],
    dislikes: Iterable[str],
    rules: LoadingRules,
) -> Exclusion | None:
    """Why an exercise may not be prescribed (its kind and a reason), or None when it may."""

    def out(kind: ExclusionKind, text: str) -> Exclusion:
        return Exclusion(exercise_id=ex.id, kind=kind, reason=f"{kind.value}: {text}")

    hits = sorted(c for c in ex.contraindications if c in active)
    if hits:
        return out(ExclusionKind.contraindication, f"{', '.join(hits)} ({ex.name})")
    for code in sorted(active):
        rule = rules.rule_for(code)
        if rule is None:
            continue
        if (ex.ratio_class is not None and ex.ratio_class in rule.exclude_ratio_classes) or any(
            t in rule.exclude_targets for t in ex.targets
        ):
            return out(ExclusionKind.contraindication, f"{code}: {rule.exclude_reason}")
    missing = [e.value for e in ex.equipment if e not in equipment and e not in ALWAYS_AVAILABLE]
    if missing:
        return out(ExclusionKind.equipment, f"needs {', '.join(missing)}")
    if ex.id in set(dislikes):
        return out(ExclusionKind.dislike, "the client prefers to avoid it")
    return None


def split_library(
    library: ExerciseLibrary, profile: DeficitProfile, intake: Intake, rules: LoadingRules
) -> tuple[list[Exercise], list[Exclusion]]:
    """Eligible exercises (library order) and the excluded ones with their reasons."""
    active = conditions(profile, intake)
    equipment = set(intake.equipment)
    eligible: list[Exercise] = []
    excluded: list[Exclusion] = []
    for ex in library:
        why = exclusion_reason(ex, active, equipment, intake.dislikes, rules)
        if why is None:
            eligible.append(ex)
        else:
            excluded.append(why)
    return eligible, excluded


def is_contraindicated(ex: Exercise, active: set[str], rules: LoadingRules) -> bool:
    """True when a finding or intake condition rules the exercise out."""
    why = exclusion_reason(ex, active, {e for e in ex.equipment}, (), rules)
    return why is not None and why.is_safety_block
