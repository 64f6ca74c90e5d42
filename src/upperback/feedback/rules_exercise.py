"""Exercise-level rules: technique, sEMG compensation and effort-driven progression."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from upperback.feedback.context import PROGRESS_ACTIONS, Ctx, Op
from upperback.feedback.ops import add_cue, change_reps, range_top, step_load, swap
from upperback.feedback.regress import (
    at_min_effective,
    fewer_sets_if_same,
    min_effective,
    regress_ops,
)
from upperback.knowledge.schema import LoadingType, LoadMode
from upperback.loading.dose import GAUGE_CUE, gauge_cue, load_sizes
from upperback.model.adaptation import Action
from upperback.model.common import Goal
from upperback.model.program import Prescription, SessionPlan
from upperback.model.session import SetLog


def technique(ctx: Ctx) -> list[Op]:
    """technique.lost_control_regress: scapular control lost in too many sets regresses the exercise."""
    share = ctx.rules.technique.lost_fraction
    ops: list[Op] = []
    for ex_id, sets in ctx.sets_by_ex.items():
        if ex_id in ctx.changed or ctx.prescribed(ex_id) is None:
            continue
        lost = sum(1 for s in sets if s.technique_lost)
        if lost and lost / len(sets) >= share:
            reason = f"control lost in {lost} of {len(sets)} sets (>= {share:.0%})"
            ops.extend(
                regress_ops(
                    ctx, ex_id, "technique.lost_control_regress", reason, ctx.rules.technique.source
                )
            )
    return ops


def emg_compensation(ctx: Ctx) -> list[Op]:
    """emg.ut_compensation: UT over-activity in LT/MT/SA work adds a cue, or regresses above class C."""
    e = ctx.rules.emg
    ops: list[Op] = []
    for ex_id, sets in ctx.sets_by_ex.items():
        ex = ctx.exercise(ex_id)
        if ex is None or ex_id in ctx.changed or ctx.prescribed(ex_id) is None:
            continue
        if not any(t in e.targets for t in ex.targets):
            continue
        ratios = [s.emg_ratio for s in sets if s.emg_ratio is not None]
        if not ratios:
            continue
        ratio = sum(ratios) / len(ratios)
        if ratio > e.regress_ratio:
            reason = (
                f"sEMG UT/target ratio {ratio:.2f} > {e.regress_ratio:g} (UT-dominant, class C)"
            )
            ops.extend(regress_ops(ctx, ex_id, "emg.ut_compensation", reason, e.source))
        elif ratio > e.cue_ratio:
            ctx.changed.add(ex_id)
            if not ctx.may_change(ex_id):
                continue
            ops.append(
                Op(
                    "emg.ut_compensation",
                    Action.add_cue,
                    ex_id,
                    ctx.future(),
                    lambda p, _plan: add_cue(p, e.cue),
                    f"sEMG UT/target ratio {ratio:.2f} > {e.cue_ratio:g} (above class A): add cue, hold load",
                    e.cue_source,
                )
            )
    return ops


def _mean_rpe(ctx: Ctx, ex_id: str) -> float | None:
    values = [v for v in (s.effort_rpe() for s in ctx.sets_by_ex[ex_id]) if v is not None]
    return sum(values) / len(values) if values else None


def _harder_rung(ctx: Ctx, ex_id: str, why: str) -> Op | None:
    """Motor-control work progresses by difficulty: the next allowed rung of the ladder
    within the phase's level range (lever, stability), never by shorter holds."""
    ex = ctx.library.by_id[ex_id]
    phase = next((ph for ph in ctx.rules.phases if ph.goal == ctx.goal_of(ctx.plan)), None)
    top = phase.level_range[1] if phase is not None else 5
    # A rung the session already has (or another exercise moves to in this log) would put
    # the same exercise in the session twice.
    present = {p.exercise_id for p in ctx.plan.prescriptions} | ctx.rungs_taken
    nxt = next(
        (
            c
            for c in ex.progressions
            if ctx.allowed(c) and ctx.library.by_id[c].level <= top and c not in present
        ),
        None,
    )
    if nxt is None or not ctx.may_swap(ex_id):
        return None
    ctx.rungs_taken.add(nxt)
    new = ctx.library.by_id[nxt]

    def harder(q: Prescription, plan: SessionPlan) -> Prescription:
        return swap(q, new, ctx.goal_of(plan), ctx.rules, f"progressed ({why})")

    return Op(
        "effort.progress_load",
        Action.progress_exercise,
        ex_id,
        ctx.future(),
        harder,
        f"{why}: next rung {new.name}",
        ctx.rules.effort.source,
        swap_to=nxt,
    )


PACED_BY_BREATH = {LoadingType.mobility, LoadingType.breathing}
"""Drills dosed by breaths and range, not effort: RPE steps do not apply (DOMAIN.md 4.7)."""


def effort(ctx: Ctx) -> list[Op]:
    """effort.*: RPE against target drives load and repetition steps (J Hum Kinet 2024; ACSM 2009).

    Exercises are judged in the session's order (the generator puts the top priority first).
    A graded-exposure program changes one exercise per session at most: the first that
    earns a progression; the others hold and the reason says so (Vlaeyen 2001 [K], [design]).
    """
    ops: list[Op] = []
    order = [p.exercise_id for p in ctx.plan.prescriptions if p.exercise_id in ctx.sets_by_ex]
    order += [e for e in ctx.sets_by_ex if e not in order]
    one_at_a_time = ctx.program.graded_exposure
    progressed = False
    for ex_id in order:
        p = ctx.prescribed(ex_id)
        ex = ctx.exercise(ex_id)
        rpe = _mean_rpe(ctx, ex_id)
        if (
            p is None
            or ex is None
            or (rpe is None and ex.load_mode != LoadMode.pressure)
            or ex_id in ctx.changed
            or not ctx.may_change(ex_id)
            or set(ex.loading_types) <= PACED_BY_BREATH
        ):
            continue
        may_progress = not (one_at_a_time and progressed)
        if ex.load_mode == LoadMode.pressure or rpe is None:
            op = _pressure_criterion(ctx, ex_id, p) if may_progress else None
        elif not _good_run(ctx, ex_id):
            op = _effort_op(ctx, ex_id, p, rpe, progress=False)
        else:
            op = _effort_op(ctx, ex_id, p, rpe, progress=may_progress)
        if op is None:
            continue
        if op.action in PROGRESS_ACTIONS:
            progressed = True
            if one_at_a_time:
                op = replace(
                    op,
                    reason=f"{op.reason} (graded exposure: one exercise changes per session, "
                    "the first by priority; the others hold)",
                )
        ctx.changed.add(ex_id)
        ops.append(op)
    return ops


def _pain_ok(ctx: Ctx, ex_id: str) -> bool:
    sets = ctx.sets_by_ex[ex_id]
    pain = max(s.pain_during for s in sets)
    start = ctx.log.pain_before if ctx.log.pain_before is not None else ctx.baseline_pain()
    return pain <= max(ctx.rules.effort.progress_max_pain, start)


def _complete(sets: Sequence[SetLog], p: Prescription) -> bool:
    """Every prescribed set logged at the full dose (all holds to the prescribed seconds)."""
    if len(sets) < p.sets:
        return False
    if p.hold_s is not None:
        return all(s.hold_s is not None and s.hold_s >= p.hold_s for s in sets)
    return all(s.reps is not None and s.reps >= (p.reps or 0) for s in sets)


def _at_dose(sets: Sequence[SetLog], p: Prescription) -> bool:
    """Every set of an earlier session done at the dose prescribed now: complete, and at or
    above its load or level where the client recorded one (an unrecorded load cannot tell)."""
    if not _complete(sets, p):
        return False
    if p.load_kg is not None and any(
        s.load_kg is not None and s.load_kg < p.load_kg - 1e-9 for s in sets
    ):
        return False
    return p.level is None or all(s.level is None or s.level >= p.level for s in sets)


def _good_run(ctx: Ctx, ex_id: str) -> bool:
    """Graded exposure: a progression needs `good_sessions_to_progress` good sessions in a
    row at the current dose (complete, pain in the guide), this one included; otherwise one
    is enough. A session done before the last progression was at a lower dose, so it does
    not count: after each step the run starts again."""
    need = ctx.rules.graded_exposure.good_sessions_to_progress if ctx.program.graded_exposure else 1
    if need <= 1:
        return True
    p = ctx.prescribed(ex_id)
    earlier = [h for h in ctx.history if any(s.exercise_id == ex_id for s in h.sets)]
    if p is None or len(earlier) < need - 1:
        return False
    limit = max(ctx.rules.effort.progress_max_pain, 0.0)
    for h in earlier[-(need - 1) :]:
        sets = [s for s in h.sets if s.exercise_id == ex_id]
        if not _at_dose(sets, p):
            return False
        reference = h.pain_before if h.pain_before is not None else 0.0
        if max(s.pain_during for s in sets) > max(limit, reference):
            return False
        if any(s.reps is not None and s.reps == 0 for s in sets):
            return False
    return True


def _at_stage(q: Prescription, level: int, ctx: Ctx) -> Prescription:
    """The drill at pressure `level`, its gauge cue naming the new mark."""
    cues = [c for c in q.coaching_cues if not c.startswith(GAUGE_CUE.split("{")[0])]
    return q.revised(level=level, coaching_cues=[gauge_cue(level, ctx.rules), *cues])


def _pressure_criterion(ctx: Ctx, ex_id: str, p: Prescription) -> Op | None:
    """ccf.criterion: the pressure-cuff stage advances by 2 mmHg only when all 10 x 10-s
    holds at the stage were done with pain in the guide (Jull 2008 [K]); effort (RPE) does
    not move it. Past the drill's last stage the next pressure drill of its ladder follows."""
    sets = ctx.sets_by_ex[ex_id]
    if ctx.blocked or p.level is None or not _complete(sets, p) or not _pain_ok(ctx, ex_id):
        return None
    pp = ctx.rules.phase_progression
    ex = ctx.library.by_id[ex_id]
    top = ctx.rules.starting_load.max_level.get(LoadMode.pressure, 5)
    level = p.level + 1
    if level > top:
        return None
    mmhg = pp.mmhg(level)
    why = (
        f"all {len(sets)} holds of {p.hold_s} s done at {pp.mmhg(p.level)} mmHg, pain in the guide"
    )
    stages = ex.pressure_stages
    if stages is not None and mmhg > stages[1]:
        nxt = next(
            (
                c
                for c in ex.progressions
                if ctx.allowed(c) and ctx.library.by_id[c].load_mode == LoadMode.pressure
            ),
            None,
        )
        if nxt is None or not ctx.may_swap(ex_id):
            return None
        new = ctx.library.by_id[nxt]

        def next_drill(q: Prescription, plan: SessionPlan) -> Prescription:
            moved = swap(q, new, ctx.goal_of(plan), ctx.rules, f"criterion met ({why})")
            return _at_stage(moved, level, ctx)

        return Op(
            "ccf.criterion",
            Action.progress_exercise,
            ex_id,
            ctx.future(),
            next_drill,
            f"{why}: next stage {mmhg} mmHg ({new.name})",
            pp.source,
            swap_to=nxt,
        )
    return Op(
        "ccf.criterion",
        Action.progress_load,
        ex_id,
        ctx.future(),
        lambda q, _plan: _at_stage(q, min(top, max(q.level or 1, level)), ctx),
        f"{why}: next stage {mmhg} mmHg",
        pp.source,
    )


def _reps_missed(ctx: Ctx, ex_id: str, p: Prescription) -> bool:
    done = [s.reps for s in ctx.sets_by_ex[ex_id] if s.reps is not None]
    return p.hold_s is None and p.reps is not None and any(r < p.reps for r in done)


def _easy(ctx: Ctx, ex_id: str, p: Prescription, rpe: float) -> bool:
    """Easy against the target, in every phase: every set complete and the mean effort at
    least `effort.progress_margin` below the target. RPE and reps in reserve are one scale
    (RPE = 10 - RIR, Zourdos 2016), so RPE <= target - margin is RIR >= (10 - target) +
    margin: 4 in reserve is easy at a target RPE 7, on target at RPE 4-6 [design]."""
    if not _complete(ctx.sets_by_ex[ex_id], p):
        return False
    return rpe <= p.rpe_target - ctx.rules.effort.progress_margin


def _effort_words(ctx: Ctx, ex_id: str, p: Prescription, rpe: float) -> str:
    """How an easy session was judged, in the units the client logged it.

    Holds are worded as holds with their effort out of 10 (reps in reserve mean nothing
    for a hold); sets logged as reps in reserve quote the reserve and the reserve the
    target leaves, so "RPE 6 vs target 4" never stands beside a progression.
    """
    sets = ctx.sets_by_ex[ex_id]
    target = p.rpe_target
    if p.hold_s is not None:
        return f"every hold complete ({p.hold_s} s), effort {round(rpe, 1):g}/10 vs target {target:g}/10"
    rir = [s.rir for s in sets if s.rir is not None and s.rpe is None]
    if rir and len(rir) == len(sets):
        expected = 10 - target
        return (
            f"every set complete with {min(rir):g}+ reps in reserve "
            f"(target RPE {target:g} leaves {expected:g})"
        )
    return f"RPE {rpe:.1f} vs target {target:g} (-{target - rpe:.1f})"


def _effort_op(
    ctx: Ctx, ex_id: str, p: Prescription, rpe: float, progress: bool = True
) -> Op | None:
    r = ctx.rules.effort
    ex = ctx.library.by_id[ex_id]
    target = p.rpe_target
    hard = rpe >= r.hard_min_rpe or _reps_missed(ctx, ex_id, p)
    if rpe >= target + r.reduce_margin and hard:
        floor = min_effective(ctx)
        points = rpe - target
        if ex.load_mode == LoadMode.bodyweight and at_min_effective(ctx, p, ctx.plan):
            why = f"RPE {rpe:.1f} vs target {target:g} (+{points:.1f}) at the range low"
            easier = regress_ops(ctx, ex_id, "effort.reduce_load", why, r.source)
            return easier[0] if easier else None
        frac = min(r.max_load_step, max(r.min_load_step, r.load_step_per_point * points))
        return Op(
            "effort.reduce_load",
            Action.reduce,
            ex_id,
            ctx.future(),
            lambda q, plan: fewer_sets_if_same(
                floor(
                    step_load(q, ex.load_mode, -frac, ctx.rules, load_sizes(ex, ctx.rules)),
                    q,
                    plan,
                ),
                q,
            ),
            f"RPE {rpe:.1f} vs target {target:g} (+{points:.1f}): one step down ({frac:.0%} kg, 1 level or reps)",
            r.source,
        )
    if ctx.blocked or not progress or not _easy(ctx, ex_id, p, rpe):
        return None
    sets = ctx.sets_by_ex[ex_id]
    pain = max(s.pain_during for s in sets)
    start = ctx.log.pain_before if ctx.log.pain_before is not None else ctx.baseline_pain()
    if pain > max(r.progress_max_pain, start):  # safe zone, or no rise over the start
        return None
    points = max(target - rpe, r.progress_margin)
    if ctx.goal_of(ctx.plan) == Goal.motor_control:
        easy = _effort_words(ctx, ex_id, p, rpe)
        rung = _harder_rung(ctx, ex_id, f"{easy}, pain {pain:g}/10")
        if rung is not None:
            return rung
    top = range_top(ex, ctx.goal_of(ctx.plan))
    done = [s.reps for s in sets if s.reps is not None]
    exceeded = (
        p.hold_s is None
        and p.reps is not None
        and bool(done)
        and min(done) >= p.reps + r.reps_exceed_by
    )
    current = p.hold_s if p.hold_s is not None else p.reps
    at_top = top is not None and current is not None and current >= top
    why = f"{_effort_words(ctx, ex_id, p, rpe)}, pain {pain:g}/10"
    if not (exceeded or at_top):
        steps = max(1, min(r.max_progress_steps, round(points)))

        def more(q: Prescription, plan: SessionPlan) -> Prescription:
            return change_reps(q, steps, range_top(ex, ctx.goal_of(plan)), ctx.rules)

        return Op(
            "effort.progress_reps",
            Action.progress_reps,
            ex_id,
            ctx.future(),
            more,
            (
                f"{why}: +{steps * r.hold_step_per_point_s} s per hold up to the range top"
                if p.hold_s is not None
                else f"{why}: +{steps * r.reps_step_per_point} reps up to the range top"
            ),
            r.source,
        )
    if ex.load_mode == LoadMode.bodyweight:
        return _harder_rung(ctx, ex_id, f"{why}, top of range")
    frac = min(r.max_load_step, max(r.min_load_step, r.load_step_per_point * points))
    what = "target reps exceeded" if exceeded else "top of range"
    stepped = step_load(p, ex.load_mode, frac, ctx.rules, load_sizes(ex, ctx.rules))
    if stepped.load_kg is not None and p.load_kg is not None:
        to = f"load {p.load_kg:g} -> {stepped.load_kg:g} kg (the next size it comes in)"
    elif stepped.level is not None and p.level is not None and ex.load_mode == LoadMode.band:
        to = f"band level {p.level} -> {stepped.level}"
    elif stepped.level is not None and p.level is not None:
        mark = ctx.rules.phase_progression.mmhg
        to = f"gauge mark {mark(p.level)} -> {mark(stepped.level)} mmHg"
    else:
        to = "load up one step"
    return Op(
        "effort.progress_load",
        Action.progress_load,
        ex_id,
        ctx.future(),
        lambda q, _plan: step_load(q, ex.load_mode, frac, ctx.rules, load_sizes(ex, ctx.rules)),
        f"{why}, {what}: {to}",
        r.source,
    )
