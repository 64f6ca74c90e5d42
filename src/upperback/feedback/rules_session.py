"""Session-level rules: pain monitoring, readiness, adherence and the workload guardrail.

Each rule reads the logged session (and history) and returns the changes it asks for; a rule
that blocks progression appends its reason to `ctx.blocked`. Thresholds come from
loading_rules.yaml, never from literals here.
"""

from __future__ import annotations

from upperback.feedback.context import Ctx, Op, during_limit, is_flare
from upperback.feedback.ops import add_sets, scale_volume, shift_rpe
from upperback.feedback.regress import min_effective, regress_ops
from upperback.feedback.workload import acwr
from upperback.model.adaptation import Action
from upperback.model.program import WeekKind


def pain_flare(ctx: Ctx) -> list[Op]:
    """pain.flare_regress: pain during above the person's limit regresses the exercises that
    hurt; after repeated flares the dose is held and a clinician is alerted instead."""
    reference = max(ctx.baseline_pain(), ctx.usual_pain())
    limit = during_limit(reference, ctx.rules)
    if ctx.log.max_pain_during() <= limit:
        return []
    ctx.blocked.append("pain flare")
    p = ctx.rules.pain
    flares = ctx.recent_flares()
    if flares >= p.alert_after_flares:
        return [
            clinician_alert(
                ctx,
                "alert.flares_persist",
                f"{flares} pain flares in the last {p.alert_window} sessions (pain during "
                f"{ctx.log.max_pain_during():g}/10 > {limit:g}/10 for this person): dose held, "
                "no further regression until a clinician reviews",
            )
        ]
    ops: list[Op] = []
    for ex_id, sets in ctx.sets_by_ex.items():
        worst = max(s.pain_during for s in sets)
        if worst > limit and ctx.prescribed(ex_id) is not None:
            reason = (
                f"pain during {worst:g}/10 > {limit:g}/10 allowed (start {reference:g}/10 + "
                f"{p.during_tolerance:g}, at least {p.during_max:g})"
            )
            ops.extend(regress_ops(ctx, ex_id, "pain.flare_regress", reason, p.source))
    return ops


def clinician_alert(ctx: Ctx, cause: str, reason: str, exercise_id: str | None = None) -> Op:
    """An alert a clinician sees wherever adaptations are listed; the dose is held. `cause`
    (alert.*) keys the de-duplication: one open alert per cause and exercise."""
    return Op(
        cause,
        Action.clinician_alert,
        exercise_id,
        (),
        None,
        reason,
        f"{ctx.rules.pain.source}; alert policy: {ctx.rules.alerts.source}",
    )


def morning_not_settled(ctx: Ctx) -> list[Op]:
    """pain.morning_not_settled: next-morning pain above baseline cuts the next session's volume."""
    morning = ctx.log.pain_next_morning
    baseline = ctx.baseline_pain()
    tol = ctx.rules.pain.morning_tolerance
    if morning is None or morning <= baseline + tol:
        return []
    ctx.blocked.append("pain not settled by next morning")
    cut = ctx.rules.pain.volume_reduction
    floor = min_effective(ctx)
    return [
        Op(
            "pain.morning_not_settled",
            Action.reduce,
            None,
            ctx.next_n(1),
            lambda p, plan: floor(scale_volume(p, 1 - cut), p, plan),
            f"next-morning pain {morning:g}/10 above baseline {baseline:g}/10 + {tol:g} (NPRS "
            f"MDC): next session volume -{cut:.0%}, not below the minimum effective dose",
            ctx.rules.pain.source,
        )
    ]


def _mean_morning(ctx: Ctx, week: int) -> float | None:
    values = [
        h.pain_next_morning
        for h in [*ctx.history, ctx.log]
        if h.week == week and h.pain_next_morning is not None
    ]
    return sum(values) / len(values) if values else None


def weekly_trend(ctx: Ctx) -> list[Op]:
    """pain.weekly_trend: morning pain rising week on week turns next week into a lighter week."""
    if ctx.log.index != ctx.program.sessions_per_week or ctx.log.week < 2:
        return []
    now, before = _mean_morning(ctx, ctx.log.week), _mean_morning(ctx, ctx.log.week - 1)
    rise = ctx.rules.pain.weekly_trend_rise
    if now is None or before is None or now - before < rise:
        return []
    ctx.blocked.append("morning pain rising week on week")
    positions = tuple(
        i
        for i in ctx.week_positions(ctx.log.week + 1)
        if ctx.program.sessions[i].kind == WeekKind.build
    )
    d = ctx.rules.deload
    floor = min_effective(ctx)
    return [
        Op(
            "pain.weekly_trend",
            Action.deload,
            None,
            positions,
            lambda p, plan: floor(shift_rpe(add_sets(p, d.sets_delta), d.rpe_delta), p, plan),
            f"mean morning pain week {ctx.log.week} {now:.1f} vs week {ctx.log.week - 1} {before:.1f} "
            f"(rise >= {rise:g}): week {ctx.log.week + 1} made lighter",
            ctx.rules.pain.source,
        )
    ]


def after_flare_hold(ctx: Ctx) -> list[Op]:
    """pain.after_flare_hold: the first sessions after a flare hold the dose even if easy."""
    n = ctx.rules.pain.hold_sessions_after_flare
    if n == 0 or ctx.blocked or not ctx.history:
        return []
    recent = ctx.history[-n:]
    for k, h in enumerate(recent):
        before = ctx.history[: len(ctx.history) - len(recent) + k]
        if is_flare(h, ctx.baseline_pain(h, before), ctx.rules, ctx.usual_pain()):
            ctx.blocked.append("recent pain flare")
            return [
                Op(
                    "pain.after_flare_hold",
                    Action.hold,
                    None,
                    (),
                    None,
                    f"session on {h.date} was a pain flare: hold the dose for {n} clean session(s)",
                    ctx.rules.pain.source,
                )
            ]
    return []


def readiness(ctx: Ctx) -> list[Op]:
    """readiness.low_fatigue_high: low readiness or high fatigue holds and lightens the next session."""
    r = ctx.rules.readiness
    low = ctx.log.readiness is not None and ctx.log.readiness <= r.readiness_low_max
    tired = ctx.log.fatigue is not None and ctx.log.fatigue >= r.fatigue_high_min
    if not (low or tired):
        return []
    ctx.blocked.append("low readiness / high fatigue")
    floor = min_effective(ctx)
    what = []
    if low:
        what.append(f"readiness {ctx.log.readiness:g}/10 <= {r.readiness_low_max:g}")
    if tired:
        what.append(f"fatigue {ctx.log.fatigue:g}/10 >= {r.fatigue_high_min:g}")
    return [
        Op(
            "readiness.low_fatigue_high",
            Action.reduce,
            None,
            ctx.next_n(1),
            lambda p, plan: floor(add_sets(p, r.sets_delta), p, plan),
            f"{' and '.join(what)}: hold progression, next session {r.sets_delta} set",
            r.source,
        )
    ]


def reentry(ctx: Ctx) -> list[Op]:
    """adherence.reentry_after_gap: after a gap the next week restarts lighter."""
    done = [h for h in ctx.history if h.completed and h.date <= ctx.log.date]
    if not done or not ctx.log.completed:
        return []
    gap = (ctx.log.date - max(h.date for h in done)).days
    a = ctx.rules.adherence
    if gap < a.gap_days:
        return []
    cut = a.long_volume_reduction if gap >= a.long_gap_days else a.volume_reduction
    ctx.blocked.append(f"re-entry after {gap} days")
    floor = min_effective(ctx)
    return [
        Op(
            "adherence.reentry_after_gap",
            Action.reenter,
            None,
            ctx.next_n(ctx.program.sessions_per_week),
            lambda p, plan: floor(scale_volume(p, 1 - cut), p, plan),
            f"{gap} days since the last completed session (>= {a.gap_days}): next "
            f"{ctx.program.sessions_per_week} sessions volume -{cut:.0%}, no progression",
            a.source,
        )
    ]


def workload_guardrail(ctx: Ctx) -> list[Op]:
    """load.acwr_guardrail: an EWMA acute:chronic spike holds progression (soft guardrail)."""
    ratio = acwr(ctx)
    limit = ctx.rules.acwr.max_ratio
    if ratio is None or ratio <= limit:
        return []
    ctx.blocked.append("acute:chronic workload spike")
    return [
        Op(
            "load.acwr_guardrail",
            Action.hold,
            None,
            (),
            None,
            f"EWMA acute:chronic workload {ratio:.2f} > {limit:g}: hold progression (soft guardrail)",
            ctx.rules.acwr.source,
        )
    ]
