"""The adaptive engine: one logged session in, the next program version and its reasons out.

Rules run in a fixed order (safety first); progression rules run only when no earlier rule
blocked progression. Every change becomes an Adaptation with the rule id, the figures that
fired it and the dose before and after. Clinician overrides are never undone, and the
weekly-increase cap is enforced last on everything that follows the logged session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from upperback.errors import InvalidInput, SafetyBlock
from upperback.feedback import rules_exercise as rx
from upperback.feedback import rules_session as rs
from upperback.feedback.context import ALL_FIELDS, Ctx, Op, protected_fields
from upperback.feedback.ops import describe
from upperback.feedback.overrides import reapply_field_overrides
from upperback.feedback.regress import below_min_effective
from upperback.feedback.result import AdaptationResult
from upperback.feedback.screening import screen_logged_symptoms
from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.loading_rules import LoadingRules, loading_rules
from upperback.loading.dose import honest_minutes
from upperback.loading.eligibility import conditions
from upperback.loading.generator import modes_of
from upperback.loading.load import enforce_weekly_cap
from upperback.model.adaptation import Action, Adaptation, Override, OverrideField
from upperback.model.profile import DeficitProfile
from upperback.model.program import Prescription, Program, SessionPlan
from upperback.model.session import SessionLogIn, SetLog

Rule = Callable[[Ctx], list[Op]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("pain.flare_regress", rs.pain_flare),
    ("pain.morning_not_settled", rs.morning_not_settled),
    ("pain.weekly_trend", rs.weekly_trend),
    ("readiness.low_fatigue_high", rs.readiness),
    ("adherence.reentry_after_gap", rs.reentry),
    ("load.acwr_guardrail", rs.workload_guardrail),
    ("pain.after_flare_hold", rs.after_flare_hold),
    ("technique.lost_control_regress", rx.technique),
    ("emg.ut_compensation", rx.emg_compensation),
    ("effort.*", rx.effort),
)
"""Rule table in evaluation order (safety first). `symptoms.red_flag_stop` runs before all."""

_PROTECTABLE = ("sets", "reps", "hold_s", "load_kg", "level")
_CUTS = frozenset({Action.regress, Action.reduce, Action.deload, Action.reenter})


def _find(program: Program, log: SessionLogIn) -> int:
    for i, s in enumerate(program.sessions):
        if s.week == log.week and s.index == log.index:
            return i
    raise InvalidInput(f"week/index: the program has no session {log.week}.{log.index}")


def _stop(program: Program, log: SessionLogIn, pos: int) -> AdaptationResult:
    referral = screen_logged_symptoms(list(log.new_symptoms))
    if not referral.blocks_program:
        return AdaptationResult(program=program, referral=referral)
    flags = ", ".join(log.new_symptoms)
    reason = f"new red-flag symptom(s) logged: {flags}; referral ({referral.urgency.value}); program stopped"
    stopped = program.model_copy(
        update={
            "version": program.version + 1,
            "sessions": list(program.sessions[: pos + 1]),
            "stopped_reason": reason,
        }
    )
    a = Adaptation(
        rule_id="symptoms.red_flag_stop",
        action=Action.stop_refer,
        reason=reason,
        before=f"{len(program.sessions) - pos - 1} sessions planned",
        after="no further sessions until clinician clearance",
        date=log.date,
        from_week=log.week,
        from_index=log.index,
        source="DOMAIN 3 red flags: screen, then refer instead of exercising (IFOMPT 2020/2023) [V]",
    )
    return AdaptationResult(program=stopped, adaptations=[a], referral=referral, stopped=True)


def _restore(old: Prescription, new: Prescription, fields: set[str]) -> Prescription:
    keep = {f: getattr(old, f) for f in _PROTECTABLE if f in fields}
    return new.model_copy(update=keep) if keep else new


def _apply(ctx: Ctx, work: dict[int, list[Prescription]], op: Op) -> tuple[str, str]:
    """Apply one op to the working prescription lists; the first changed dose as text."""
    before = after = ""
    if op.fn is None:
        return before, after
    sessions = ctx.program.sessions
    for pos in op.positions:
        current = work.get(pos)
        if current is None:
            current = sessions[pos].prescriptions
        if op.exercise_id is not None and all(p.exercise_id != op.exercise_id for p in current):
            continue
        plan = sessions[pos]
        present = {p.exercise_id for p in current}
        out: list[Prescription] = []
        touched = False
        for p in current:
            if (
                op.exercise_id is not None and p.exercise_id != op.exercise_id
            ) or not ctx.may_change(p.exercise_id):
                out.append(p)
                continue
            if op.swap_to is not None and op.swap_to in present:
                touched = True  # the easier/harder rung is already in this session
                continue
            new = _restore(p, op.fn(p, plan), ctx.protected.get(p.exercise_id, set()))
            if new != p:
                touched = True
                if not before:
                    before, after = describe(p), describe(new)
            out.append(new)
        if touched:
            work[pos] = out
    return before, after


def _adaptation(ctx: Ctx, op: Op, before: str, after: str) -> Adaptation:
    first = (
        op.positions[0]
        if op.positions
        else (ctx.pos + 1 if ctx.pos + 1 < len(ctx.program.sessions) else ctx.pos)
    )
    nxt = ctx.program.sessions[first]
    return Adaptation(
        rule_id=op.rule_id,
        action=op.action,
        exercise_id=op.exercise_id,
        reason=op.reason,
        before=before,
        after=after,
        date=ctx.log.date,
        from_week=nxt.week,
        from_index=nxt.index,
        source=op.source,
    )


def adapt(
    program: Program,
    log: SessionLogIn,
    *,
    history: Sequence[SessionLogIn],
    overrides: Sequence[Override] = (),
    profile: DeficitProfile | None = None,
    library: ExerciseLibrary | None = None,
    rules: LoadingRules | None = None,
    earlier_alerts: Sequence[Adaptation] = (),
) -> AdaptationResult:
    """Adjust the sessions after `log` by the rule table; stop and refer on red-flag symptoms.

    `history` holds the earlier logs of this program (any order); `earlier_alerts` the
    clinician alerts already raised for this client (an open one is not raised again).
    Raises SafetyBlock when the program was stopped by a red flag.
    """
    if program.stopped_reason:
        raise SafetyBlock(f"program stopped: {program.stopped_reason}")
    pos = _find(program, log)
    if log.new_symptoms:
        result = _stop(program, log, pos)
        if result.stopped:
            return result
    lib = library if library is not None else exercise_library()
    rules = rules if rules is not None else loading_rules()
    sets_by_ex: dict[str, list[SetLog]] = {}
    for s in log.sets:
        sets_by_ex.setdefault(s.exercise_id, []).append(s)
    ctx = Ctx(
        program=program,
        log=log,
        history=sorted(
            (h for h in history if h is not log), key=lambda h: (h.date, h.week, h.index)
        ),
        pos=pos,
        rules=rules,
        library=lib,
        profile=profile,
        protected=protected_fields(overrides),
        excluded={e.exercise_id for e in program.excluded}
        | {o.exercise_id for o in overrides if o.field == OverrideField.exclude},
        active_conditions=conditions(profile, None) if profile is not None else set(),
        sets_by_ex=sets_by_ex,
    )
    ops: list[Op] = []
    for _, rule in RULES:
        ops.extend(rule(ctx))
    work: dict[int, list[Prescription]] = {}
    adaptations: list[Adaptation] = []
    for op in ops:
        before, after = _apply(ctx, work, op)
        adaptations.append(_adaptation(ctx, op, before, after))
    sessions = list(program.sessions)
    for at, prescriptions in work.items():
        sessions[at] = sessions[at].model_copy(update={"prescriptions": prescriptions})
    sessions = reapply_field_overrides(program, sessions, overrides, pos + 1)
    skip = {ex for ex, fields in ctx.protected.items() if fields}
    sessions, cuts = enforce_weekly_cap(
        sessions, modes_of(lib), rules, first_mutable=pos + 1, skip=skip
    )
    sessions = honest_minutes(sessions, lib.by_id, rules, first=pos + 1)
    adaptations.extend(_cap_adaptations(ctx, cuts))
    if any(a.action in _CUTS and a.rule_id != "load.weekly_cap" for a in adaptations):
        adaptations.extend(_below_min_alerts(ctx, sessions, {c.exercise_id for c in cuts}))
    adaptations = _deduplicate(adaptations, earlier_alerts, overrides, rules)
    new_program = program.model_copy(update={"version": program.version + 1, "sessions": sessions})
    return AdaptationResult(program=new_program, adaptations=adaptations)


def _below_min_alerts(ctx: Ctx, sessions: Sequence[SessionPlan], cut: set[str]) -> list[Adaptation]:
    """The weekly cap after a reduced week took exercises below their minimum effective dose
    in the coming week: one alert for the client naming them all (later weeks are re-capped
    after each log)."""
    below: list[tuple[SessionPlan, Prescription]] = []
    for ex_id in sorted(cut):
        hit = next(
            (
                (plan, p)
                for at, plan in enumerate(
                    sessions[ctx.pos + 1 : ctx.pos + 1 + ctx.program.sessions_per_week],
                    start=ctx.pos + 1,
                )
                for p in plan.prescriptions
                if p.exercise_id == ex_id
                and below_min_effective(ctx, p, plan)
                and not any(
                    o.exercise_id == ex_id and below_min_effective(ctx, o, plan)
                    for o in ctx.program.sessions[at].prescriptions
                )
            ),
            None,
        )
        if hit is not None:
            below.append(hit)
    if not below:
        return []
    first = min((plan for plan, _ in below), key=lambda pl: pl.key)
    names = ", ".join(f"{p.name} (from session {plan.week}.{plan.index})" for plan, p in below)
    return [
        Adaptation(
            rule_id="alert.cap_below_min",
            action=Action.clinician_alert,
            exercise_id=None,
            reason=f"the weekly cap after a reduced week leaves {names} below the minimum "
            "effective dose: clinician review needed",
            date=ctx.log.date,
            from_week=first.week,
            from_index=first.index,
            source=f"{ctx.rules.pain.source}; alert policy: {ctx.rules.alerts.source}",
        )
    ]


def alert_open(
    raised: dt.date,
    exercise_id: str | None,
    *,
    on: dt.date,
    changes: Iterable[tuple[str, dt.date]],
    quiet_days: int,
) -> bool:
    """Whether an alert raised on `raised` is still open on day `on`: within `quiet_days`
    and not answered since by a clinician change (exercise id, date) of that exercise, or
    of any exercise for a program-wide alert. The engine and the dashboard both ask this."""
    if not 0 <= (on - raised).days < quiet_days:
        return False
    return not any(d >= raised and (exercise_id is None or e == exercise_id) for e, d in changes)


def still_open(
    alert: Adaptation,
    earlier: Sequence[Adaptation],
    overrides: Sequence[Override],
    rules: LoadingRules,
) -> Adaptation | None:
    """The earlier alert of the same cause and exercise that is still open on this alert's
    day: raised within `alerts.quiet_days` and not answered since by a clinician change
    (an override of that exercise, or of any exercise for a program-wide alert)."""
    changes = [(o.exercise_id, o.date) for o in overrides]
    for prior in sorted(earlier, key=lambda a: a.date, reverse=True):
        if prior.action != Action.clinician_alert or prior.rule_id != alert.rule_id:
            continue
        if prior.exercise_id != alert.exercise_id:
            continue
        if alert_open(
            prior.date,
            alert.exercise_id,
            on=alert.date,
            changes=changes,
            quiet_days=rules.alerts.quiet_days,
        ):
            return prior
    return None


def _deduplicate(
    adaptations: list[Adaptation],
    earlier: Sequence[Adaptation],
    overrides: Sequence[Override],
    rules: LoadingRules,
) -> list[Adaptation]:
    """One open alert per client, cause and exercise: a repeat while one is open becomes a
    hold that points at the open alert (the dose stays held either way)."""
    out: list[Adaptation] = []
    seen = list(earlier)
    for a in adaptations:
        if a.action == Action.clinician_alert:
            prior = still_open(a, seen, overrides, rules)
            if prior is not None:
                a = a.model_copy(
                    update={
                        "rule_id": "alert.still_open",
                        "action": Action.hold,
                        "reason": f"{a.reason} (clinician alert of {prior.date.isoformat()} "
                        "still open; not raised again)",
                    }
                )
            else:
                seen.append(a)
        out.append(a)
    return out


def _cap_adaptations(ctx: Ctx, cuts: Sequence[object]) -> list[Adaptation]:
    from upperback.loading.load import CapCut

    by_ex: dict[str, list[CapCut]] = {}
    for c in cuts:
        assert isinstance(c, CapCut)
        by_ex.setdefault(c.exercise_id, []).append(c)
    out: list[Adaptation] = []
    cap = ctx.rules.weekly_cap
    for ex_id, items in by_ex.items():
        first = min(c.week for c in items)
        idx = next((s.index for s in ctx.program.sessions[ctx.pos + 1 :] if s.week == first), 1)
        weeks = ", ".join(str(c.week) for c in items)
        out.append(
            Adaptation(
                rule_id="load.weekly_cap",
                action=Action.reduce,
                exercise_id=ex_id,
                reason=f"weekly load growth capped at {cap.max_increase:.0%} (weeks {weeks})",
                before=f"index {items[0].before:.0f}",
                after=f"index {items[0].after:.0f}",
                date=ctx.log.date,
                from_week=first,
                from_index=idx,
                source=cap.source,
            )
        )
    return out


__all__ = ["ALL_FIELDS", "RULES", "adapt"]
