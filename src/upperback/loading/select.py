"""Slots (what the program must answer) and exercise choice per phase.

A slot comes from a finding (via loading_rules.yaml `selection`), from the warm-up or from
the client's work posture (integration phase). An exercise qualifies for a phase by its
primary (first) loading type; an exercise with no ratio class is "unknown" and never fills
a slot that asks for a ratio class; rungs above the phase's level range never qualify, and a
slot continues its ladder: a later phase never picks a lower rung than the one the previous
phase reached [design]. Candidates are ranked by: level inside the phase's range, ratio
class (A before B), the phase's signature loading type, level, then a seeded tie-break;
ties give an alternating variant for week-to-week variability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from upperback.knowledge.loading_rules import LoadingRules, PhaseDef, SelectionRule
from upperback.knowledge.schema import Exercise, LoadingType, LoadMode, RatioClass
from upperback.model.common import Equipment, Muscle
from upperback.model.intake import Intake, OverheadDemand
from upperback.model.profile import DeficitProfile, Finding

_CLASS_RANK = {RatioClass.A: 0, RatioClass.B: 1, RatioClass.C: 2}
_DEFAULT_FINDINGS = ("scapular_endurance_low", "dnf_endurance_low")


@dataclass(frozen=True)
class Slot:
    key: str
    label: str
    targets: tuple[Muscle, ...]
    loading_types: tuple[LoadingType, ...]
    ratio_classes: tuple[RatioClass, ...] | None
    count: int
    source: str
    evidence: str
    finding: Finding | None = None
    prefer_equipment: tuple[Equipment, ...] = ()
    integration_only: bool = False
    every_session: bool = False  # placed in every session of a phase it has an exercise in

    def reason(self) -> str:
        if self.finding is not None:
            return f"{self.label} ({self.finding.evidence})"
        return self.label


@dataclass(frozen=True)
class Pick:
    slot: Slot
    primary: Exercise
    alternate: Exercise | None

    def exercise_for(self, week: int, alternate_weeks: bool) -> Exercise:
        if alternate_weeks and self.alternate is not None and week % 2 == 0:
            return self.alternate
        return self.primary


def _slot(
    rule: SelectionRule, finding: Finding | None, count: int | None = None, label: str | None = None
) -> Slot:
    return Slot(
        key=rule.finding,
        label=label or rule.label,
        targets=tuple(rule.targets),
        loading_types=tuple(rule.loading_types),
        ratio_classes=tuple(rule.ratio_classes) if rule.ratio_classes else None,
        count=rule.slots if count is None else count,
        source=rule.source,
        evidence=rule.evidence.value,
        finding=finding,
        prefer_equipment=tuple(rule.prefer_equipment),
    )


def ordered_findings(profile: DeficitProfile) -> list[Finding]:
    """Findings in priority order: the profile's priorities, then by severity."""
    rank = {code: i for i, code in enumerate(profile.priorities)}
    return sorted(
        profile.findings,
        key=lambda f: (rank.get(str(f.code), len(rank)), -f.severity.weight, str(f.code)),
    )


def build_slots(profile: DeficitProfile, intake: Intake, rules: LoadingRules) -> list[Slot]:
    """Warm-up, then one slot group per finding (priority order), then integration."""
    slots = [_slot(rules.warmup, None)]
    seen: set[str] = set()
    for f in ordered_findings(profile):
        rule = rules.rule_for(str(f.code))
        if rule is None or rule.slots == 0 or rule.finding in seen:
            continue
        seen.add(rule.finding)
        slots.append(_slot(rule, f))
    if len(slots) == 1:
        for code in _DEFAULT_FINDINGS:
            rule = rules.rule_for(code)
            if rule is not None:
                slots.append(
                    _slot(
                        rule, None, 1, f"general upper-back resilience ({rule.label} not measured)"
                    )
                )
    if intake.overhead_demand == OverheadDemand.high:
        rule = rules.rule_for("sa_underactive") if "sa_underactive" not in seen else None
        if rule is not None:  # overhead athletes: serratus work in every phase [K/design]
            slots.append(_slot(rule, None, 1, "serratus anterior for overhead sport demand"))
        lt = rules.rule_for("lt_underactive") if "lt_underactive" not in seen else None
        if lt is not None:  # and lower-trapezius upward rotation kept to the end [K/design]
            slots.append(_slot(lt, None, 1, "lower trapezius for overhead sport demand"))
        speed = rules.overhead_speed
        if speed is not None:  # a late speed rung: gated to the last phase by its type
            slots.append(replace(_slot(speed, None, speed.slots), every_session=True))
    posture = next((p for p in rules.integration if p.posture == intake.work_posture), None)
    if posture is not None:
        slots.append(
            Slot(
                key="integration",
                label=posture.label,
                targets=tuple(posture.targets),
                loading_types=tuple(posture.loading_types),
                ratio_classes=None,
                count=1,
                source=posture.source,
                evidence=posture.evidence.value,
                integration_only=True,
            )
        )
    return slots


def _matches(slot: Slot, ex: Exercise) -> bool:
    """Targets and loading types fit the slot. A deficit slot needs the exercise's primary
    (first) target: a plank that also lists the lower trapezius is serratus work, and
    does not answer a lower-trapezius deficit [design]."""
    if slot.targets and not any(t in ex.targets for t in slot.targets):
        return False
    if slot.finding is not None and slot.targets and ex.targets[0] not in slot.targets:
        return False
    return not (slot.loading_types and not any(t in ex.loading_types for t in slot.loading_types))


def qualifies(slot: Slot, phase: PhaseDef, ex: Exercise, min_level: int = 1) -> bool:
    """Whether `ex` may fill `slot` in `phase` (primary type, class, rung range)."""
    if not _matches(slot, ex) or ex.loading_types[0] not in phase.loading_types:
        return False
    if ex.ratio_class is None:
        if slot.ratio_classes is not None:
            return False  # unknown ratio never fills a class-A (or B) slot
    else:
        classes = set(phase.ratio_classes)
        if slot.ratio_classes is not None:
            classes = classes & set(slot.ratio_classes) or set(slot.ratio_classes)
        if ex.ratio_class not in classes:
            return False
    return min_level <= ex.level <= phase.level_range[1]


def rank_candidates(
    slot: Slot,
    phase: PhaseDef,
    pool: Sequence[Exercise],
    tiebreak: dict[str, float],
    min_level: int = 1,
) -> list[tuple[tuple[float, ...], Exercise]]:
    """Candidates for one slot in one phase, best first, with their ranking keys."""
    lo, hi = phase.level_range
    signature = phase.loading_types[0]
    ranked: list[tuple[tuple[float, ...], Exercise]] = []
    for ex in pool:
        if not qualifies(slot, phase, ex, min_level):
            continue
        distance = 0 if lo <= ex.level <= hi else min(abs(ex.level - lo), abs(ex.level - hi))
        specific = any(e in ex.equipment for e in slot.prefer_equipment)
        key = (
            float(distance),
            0.0 if specific or not slot.prefer_equipment else 1.0,
            float(_CLASS_RANK[ex.ratio_class] if ex.ratio_class else 0),
            0.0 if signature in ex.loading_types else 1.0,
            float(ex.level),
            tiebreak.get(ex.id, 0.0),
        )
        ranked.append((key, ex))
    ranked.sort(key=lambda kv: kv[0])
    return ranked


def pick_for_phase(
    slots: Sequence[Slot],
    phase: PhaseDef,
    pool: Sequence[Exercise],
    tiebreak: dict[str, float],
    reached: dict[str, int] | None = None,
    held: dict[str, Exercise] | None = None,
) -> list[Pick]:
    """Exercises for every slot of one phase, each exercise used once.

    `reached` maps slot key to the highest rung the previous phase used: the ladder
    continues from there (the same rung again when nothing higher qualifies). It is
    updated in place for the next phase. `held` maps slot key to a criterion-gated drill
    (load mode pressure) an earlier phase chose: it keeps its slot (updated in place).
    """
    integration_phase = LoadingType.integration in phase.loading_types
    reached = reached if reached is not None else {}
    held = held if held is not None else {}
    used: set[str] = set()
    picks: list[Pick] = []
    for slot in slots:
        if slot.integration_only and not integration_phase:
            continue
        kept = held.get(slot.key)
        held_here = 0
        if kept is not None and kept.id not in used and qualifies(slot, phase, kept):
            # a criterion-gated drill (pressure-cuff stages) is not moved by the calendar:
            # it stays until the logs move it (Jull 2008 [K])
            used.add(kept.id)
            picks.append(Pick(slot, kept, None))
            held_here = 1
            if slot.count == 1:
                continue
        floor = reached.get(slot.key, 1)
        ranked = [
            (k, ex)
            for k, ex in rank_candidates(slot, phase, pool, tiebreak, floor)
            if ex.id not in used
        ]
        if not ranked and floor > 1:  # nothing at or above the rung reached: stay near it
            below = [
                (k, ex)
                for k, ex in rank_candidates(slot, phase, pool, tiebreak, 1)
                if ex.id not in used
            ]
            # the highest rung left (the one reached, or just under it) keeps the slot
            # answered in every phase (an invariant for the top priority)
            ranked = sorted(below, key=lambda kv: (-kv[1].level, kv[0]))
        top = 0
        for _ in range(slot.count - held_here):
            if not ranked:
                break
            key, primary = ranked.pop(0)
            used.add(primary.id)
            top = max(top, primary.level)
            alternate = None
            for i, (k2, ex2) in enumerate(ranked):
                if k2[:5] == key[:5] and ex2.load_mode == primary.load_mode:
                    alternate = ex2
                    used.add(ex2.id)
                    ranked.pop(i)
                    break
            picks.append(Pick(slot, primary, alternate))
            if primary.load_mode == LoadMode.pressure:
                held.setdefault(slot.key, primary)
        if top:
            reached[slot.key] = max(reached.get(slot.key, 1), top)
    return picks
