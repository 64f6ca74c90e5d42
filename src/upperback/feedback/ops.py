"""Changes to one prescription: volume, load steps, repetitions, cues, exercise swaps.

Every function returns a new Prescription (`Prescription.revised`, validated) kept inside
the model's bounds, which are defined once in `model.program`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import LoadingRules, loading_rules
from upperback.knowledge.schema import Exercise, LoadMode
from upperback.loading.dose import load_text, starting_load
from upperback.model.common import Goal
from upperback.model.program import MAX_HOLD_S as MAX_HOLD
from upperback.model.program import MAX_LOAD_KG as MAX_LOAD
from upperback.model.program import MAX_REPS, MAX_SETS, Prescription


def describe(p: Prescription) -> str:
    """Short dose text for before/after columns, e.g. '3 x 12 @ 1.5 kg, RPE 6'."""
    if p.hold_s is None:
        work = f"{p.sets} x {p.reps}"
    else:
        work = f"{p.sets} x {p.reps} x {p.hold_s} s" if p.reps else f"{p.sets} x {p.hold_s} s"
    load = load_text(p, exercise_library().by_id.get(p.exercise_id), loading_rules())
    return f"{p.name}: {work}{load}, tempo {p.tempo}, RPE {p.rpe_target:g}"


def scale_volume(p: Prescription, factor: float) -> Prescription:
    """Cut repetitions (or hold seconds) by `factor`; at one unit left, drop a set instead."""
    if p.hold_s is not None:
        new = max(1, math.floor(p.hold_s * factor))
        if new == p.hold_s and p.sets > 1:
            return p.revised(sets=p.sets - 1)
        return p.revised(hold_s=new)
    reps = p.reps or 1
    new = max(1, math.floor(reps * factor))
    if new == reps and p.sets > 1:
        return p.revised(sets=p.sets - 1)
    return p.revised(reps=new)


def add_sets(p: Prescription, delta: int) -> Prescription:
    return p.revised(sets=max(1, min(MAX_SETS, p.sets + delta)))


def shift_rpe(p: Prescription, delta: float) -> Prescription:
    return p.revised(rpe_target=max(1.0, min(10.0, p.rpe_target + delta)))


def round_kg(value: float, step: float) -> float:
    return round(round(value / step) * step, 3)


def next_size(current: float, sizes: Sequence[float], up: bool) -> float:
    """The next load the equipment has above (or below) `current`; stays at the ends."""
    if up:
        return next((s for s in sizes if s > current + 1e-9), current)
    return next((s for s in reversed(sizes) if s < current - 1e-9), current)


def step_load(
    p: Prescription,
    mode: LoadMode,
    fraction: float,
    rules: LoadingRules,
    sizes: Sequence[float] = (),
) -> Prescription:
    """Raise (fraction > 0) or lower the load: kg to the next size the equipment has (or
    by the fraction when sizes are unknown), levels by one step.

    Bodyweight work has no load to step, so it changes repetitions (or hold) instead.
    """
    up = fraction > 0
    if mode == LoadMode.kg and p.load_kg is not None and sizes:
        return p.revised(load_kg=next_size(p.load_kg, sizes, up))
    if mode == LoadMode.kg and p.load_kg is not None:
        step = rules.starting_load.kg_rounding
        target = round_kg(p.load_kg * (1 + fraction), step)
        if target == p.load_kg:
            target = round_kg(p.load_kg + (step if up else -step), step)
        return p.revised(load_kg=max(step, min(MAX_LOAD, target)))
    if mode in (LoadMode.band, LoadMode.pressure) and p.level is not None:
        top = rules.starting_load.max_level.get(mode, 5)
        level = p.level + (rules.effort.level_step if up else -rules.effort.level_step)
        return p.revised(level=max(1, min(top, level)))
    return change_reps(p, 1 if up else -1, None, rules)


def change_reps(p: Prescription, points: int, top: int | None, rules: LoadingRules) -> Prescription:
    """Add (or remove) `points` effort steps of repetitions, or of hold seconds for holds."""
    if p.hold_s is not None:
        new = max(1, min(top or MAX_HOLD, p.hold_s + points * rules.effort.hold_step_per_point_s))
        return p.revised(hold_s=max(min(new, MAX_HOLD), 1))
    new = max(1, min(top or MAX_REPS, (p.reps or 1) + points * rules.effort.reps_step_per_point))
    return p.revised(reps=min(new, MAX_REPS))


def range_top(ex: Exercise, goal: Goal) -> int | None:
    d = ex.dosage[goal]
    if d.reps is not None:
        return d.reps[1]
    return d.hold_s[1] if d.hold_s is not None else None


def swap(p: Prescription, new: Exercise, goal: Goal, rules: LoadingRules, why: str) -> Prescription:
    """The same slot with another exercise (ladder step), restarted at its starting load."""
    d = new.dosage[goal]
    load_kg, level = starting_load(new, rules)
    reps = hold = None
    if d.reps is not None:
        reps = p.reps if p.reps is not None and p.hold_s is None else d.reps[0]
        reps = max(d.reps[0], min(d.reps[1], reps))
    else:
        assert d.hold_s is not None
        hold = d.hold_s[0]
    return p.revised(
        **{
            # a hold series counts each hold as a set: the new rung keeps sets in its range
            "sets": p.sets if d.protocol else max(d.sets[0], min(d.sets[1], p.sets)),
            "exercise_id": new.id,
            "name": new.name,
            "reps": reps,
            "hold_s": hold,
            "load_kg": load_kg,
            "level": level,
            "tempo": new.tempo,
            "rest_s": d.rest_s,
            "coaching_cues": list(new.coaching_cues),
            "per_side": new.per_side,
            "rationale": f"{why}; was: {p.rationale}"[:1000],
        }
    )


def add_cue(p: Prescription, cue: str) -> Prescription:
    if cue in p.coaching_cues:
        return p
    return p.revised(coaching_cues=[cue, *p.coaching_cues])
