"""Regression: one rung down the ladder when allowed, else less volume and intensity.

A regression never raises any dose (sets, reps, hold, load, level, RPE target), and never
goes below the minimum effective dose (range-low reps or hold, `pain.min_effective_sets`
sets; the protocol dose for protocol exercises) [design]. When only a cut below that dose
is left, the engine holds and alerts a clinician instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from upperback.feedback.context import Ctx, Op
from upperback.feedback.ops import scale_volume, step_load, swap
from upperback.loading.dose import load_sizes, starting_load
from upperback.model.adaptation import Action
from upperback.model.program import Prescription, SessionPlan


def regression_target(ctx: Ctx, exercise_id: str) -> str | None:
    """The first allowed regression in the library ladder (or an exercise progressing into it)."""
    ex = ctx.exercise(exercise_id)
    if ex is None:
        return None
    for cand in ex.regressions:
        if ctx.allowed(cand):
            return cand
    for other in ctx.library:
        if exercise_id in other.progressions and ctx.allowed(other.id):
            return other.id
    return None


Floor = Callable[[Prescription, Prescription, SessionPlan], Prescription]


def no_higher(new: Prescription, old: Prescription) -> Prescription:
    """`new` with no dose field above `old`'s (a regression never raises a dose)."""
    update: dict[str, object] = {}
    if new.sets > old.sets:
        update["sets"] = old.sets
    if new.reps is not None and old.reps is not None and new.reps > old.reps:
        update["reps"] = old.reps
    if new.hold_s is not None and old.hold_s is not None and new.hold_s > old.hold_s:
        update["hold_s"] = old.hold_s
    if new.level is not None and old.level is not None and new.level > old.level:
        update["level"] = old.level
    if new.rpe_target > old.rpe_target:
        update["rpe_target"] = old.rpe_target
    return new.revised(**update) if update else new


def med_of(ctx: Ctx, p: Prescription, plan: SessionPlan) -> tuple[int, int | None, int | None]:
    """(sets, reps, hold_s) of the minimum effective dose of `p` in `plan`'s phase."""
    ex = ctx.exercise(p.exercise_id)
    if ex is None:
        return (1, None, None)
    d = ex.dosage[ctx.goal_of(plan)]
    sets = d.sets[0] if d.protocol else ctx.rules.pain.min_effective_sets
    return (
        sets,
        d.reps[0] if d.reps is not None else None,
        d.hold_s[0] if d.hold_s is not None else None,
    )


def at_min_effective(ctx: Ctx, p: Prescription, plan: SessionPlan) -> bool:
    sets, reps, hold = med_of(ctx, p, plan)
    units_ok = (p.hold_s is not None and hold is not None and p.hold_s <= hold) or (
        p.hold_s is None and reps is not None and (p.reps or 1) <= reps
    )
    return p.sets <= sets and units_ok


def below_min_effective(ctx: Ctx, p: Prescription, plan: SessionPlan) -> bool:
    """Reps or hold below the minimum effective dose of the phase."""
    _, reps, hold = med_of(ctx, p, plan)
    if p.hold_s is not None and hold is not None:
        return p.hold_s < hold
    return p.hold_s is None and reps is not None and p.reps is not None and p.reps < reps


def fewer_sets_if_same(new: Prescription, old: Prescription) -> Prescription:
    """When the floor left the dose unchanged (reps or hold at the range low), one set less."""
    if new == old and old.sets > 1:
        return old.revised(sets=old.sets - 1)
    return new


def at_lightest(ctx: Ctx, p: Prescription) -> bool:
    """No lighter load or level left for this prescription."""
    ex = ctx.exercise(p.exercise_id)
    if p.level is not None and p.level > 1:
        return False
    if p.load_kg is None or ex is None:
        return True
    sizes = load_sizes(ex, ctx.rules)
    return not sizes or p.load_kg <= sizes[0]


def min_effective(ctx: Ctx) -> Floor:
    """A floor: the cut dose, raised back to the minimum effective dose but never above
    the dose it came from."""

    def floor(new: Prescription, old: Prescription, plan: SessionPlan) -> Prescription:
        sets, reps, hold = med_of(ctx, old, plan)
        update: dict[str, object] = {"sets": min(old.sets, max(new.sets, sets))}
        if new.hold_s is not None and hold is not None and old.hold_s is not None:
            update["hold_s"] = min(old.hold_s, max(new.hold_s, hold))
        if new.reps is not None and reps is not None and old.reps is not None:
            update["reps"] = min(old.reps, max(new.reps, reps))
        return new.revised(**update)

    return floor


def regress_ops(ctx: Ctx, exercise_id: str, rule_id: str, reason: str, source: str) -> list[Op]:
    """Ops regressing one exercise in every later session."""
    ctx.changed.add(exercise_id)
    if not ctx.may_change(exercise_id):
        return []
    target = regression_target(ctx, exercise_id) if ctx.may_swap(exercise_id) else None
    current = ctx.prescribed(exercise_id)
    if target is not None and current is not None:
        start_kg, _ = starting_load(ctx.library.by_id[target], ctx.rules)
        if start_kg is not None and (current.load_kg is None or start_kg > current.load_kg):
            target = None  # the easier rung would start heavier: cut volume instead
    if target is not None:
        new = ctx.library.by_id[target]

        def to_easier(p: Prescription, plan: SessionPlan) -> Prescription:
            swapped = swap(p, new, ctx.goal_of(plan), ctx.rules, f"regressed ({reason})")
            return no_higher(swapped, p)

        return [
            Op(
                rule_id,
                Action.regress,
                exercise_id,
                ctx.future(),
                to_easier,
                f"{reason}: regress to {new.name}",
                source,
                swap_to=target,
            )
        ]
    ex = ctx.exercise(exercise_id)
    mode = ex.load_mode if ex is not None else None
    cut = ctx.rules.pain.volume_reduction
    if (
        current is not None
        and at_min_effective(ctx, current, ctx.plan)
        and at_lightest(ctx, current)
    ):
        if not rule_id.startswith("pain."):  # technique, effort, sEMG: hold quietly
            return [
                Op(
                    rule_id,
                    Action.hold,
                    exercise_id,
                    (),
                    None,
                    f"{reason}: already at the minimum effective dose with no easier rung; held",
                    source,
                )
            ]
        painful = ctx.painful_sessions(exercise_id)
        needed = ctx.rules.alerts.floor_flares_to_alert
        if painful < needed:
            return [
                Op(
                    rule_id,
                    Action.hold,
                    exercise_id,
                    (),
                    None,
                    f"{reason}: already at the minimum effective dose with no easier rung; dose "
                    f"held (a clinician is alerted if this recurs: {painful} of {needed} painful "
                    f"sessions in the last {ctx.rules.pain.alert_window})",
                    source,
                )
            ]
        return [
            Op(
                "alert.min_dose_floor",
                Action.clinician_alert,
                exercise_id,
                (),
                None,
                f"{reason}: {painful} painful sessions in the last {ctx.rules.pain.alert_window} "
                "already at the minimum effective dose with no easier rung; dose held, "
                "clinician review needed",
                f"{ctx.rules.pain.source}; alert policy: {ctx.rules.alerts.source}",
            )
        ]
    floor = min_effective(ctx)

    def lighter(p: Prescription, plan: SessionPlan) -> Prescription:
        q = floor(scale_volume(p, 1 - cut), p, plan)
        if (q.sets, q.reps, q.hold_s) == (p.sets, p.reps, p.hold_s):  # reps at the floor
            q = floor(
                p.model_copy(update={"sets": max(1, math.floor(p.sets * (1 - cut)))}), p, plan
            )
        if mode is not None and (q.load_kg is not None or q.level is not None):
            sizes = load_sizes(ex, ctx.rules) if ex is not None else []
            q = step_load(q, mode, -ctx.rules.effort.max_load_step, ctx.rules, sizes)
        return no_higher(q, p)

    return [
        Op(
            rule_id,
            Action.regress,
            exercise_id,
            ctx.future(),
            lighter,
            f"{reason}: no easier rung allowed, volume -{cut:.0%} and one load step down",
            source,
        )
    ]
