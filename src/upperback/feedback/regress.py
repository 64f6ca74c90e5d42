"""Regression: one rung down the ladder when allowed, else less volume and intensity."""

from __future__ import annotations

from upperback.feedback.context import Ctx, Op
from upperback.feedback.ops import scale_volume, step_load, swap
from upperback.loading.dose import load_sizes
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


def regress_ops(ctx: Ctx, exercise_id: str, rule_id: str, reason: str, source: str) -> list[Op]:
    """Ops regressing one exercise in every later session."""
    ctx.changed.add(exercise_id)
    if not ctx.may_change(exercise_id):
        return []
    target = regression_target(ctx, exercise_id) if ctx.may_swap(exercise_id) else None
    if target is not None:
        new = ctx.library.by_id[target]

        def to_easier(p: Prescription, plan: SessionPlan) -> Prescription:
            return swap(p, new, ctx.goal_of(plan), ctx.rules, f"regressed ({reason})")

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

    def lighter(p: Prescription, _plan: SessionPlan) -> Prescription:
        q = scale_volume(p, 1 - cut)
        if mode is not None and (q.load_kg is not None or q.level is not None):
            sizes = load_sizes(ex, ctx.rules) if ex is not None else []
            q = step_load(q, mode, -ctx.rules.effort.max_load_step, ctx.rules, sizes)
        return q

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
