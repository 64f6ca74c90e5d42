"""EWMA acute:chronic workload (Williams 2017), used only as a soft guardrail."""

from __future__ import annotations

import datetime as dt

from upperback.feedback.context import Ctx
from upperback.loading.load import tempo_seconds
from upperback.model.session import SessionLogIn


def session_load(ctx: Ctx, log: SessionLogIn) -> float:
    """Logged volume-load: time under tension x (kg, else 1) summed over sets."""
    total = 0.0
    for s in log.sets:
        ex = ctx.library.by_id.get(s.exercise_id)
        tempo = tempo_seconds(ex.tempo, ctx.rules.weekly_cap.explosive_s) if ex is not None else 1.0
        work = (
            (s.hold_s or 0.0) * max(s.reps or 1, 1)
            if s.hold_s is not None
            else (s.reps or 0) * tempo
        )
        start = ctx.rules.starting_load.kg or 1.0
        total += work * max((s.load_kg or start) / start, 1.0)
    return total


def acwr(ctx: Ctx) -> float | None:
    """Acute:chronic EWMA ratio on the logged day, or None with too little history."""
    logs = [h for h in ctx.history if h.completed and h.date <= ctx.log.date] + [ctx.log]
    first = min(h.date for h in logs)
    days = (ctx.log.date - first).days
    a = ctx.rules.acwr
    if days < a.min_days:
        return None
    daily: dict[dt.date, float] = {}
    for h in logs:
        daily[h.date] = daily.get(h.date, 0.0) + session_load(ctx, h)
    seed_days = [daily.get(first + dt.timedelta(days=i), 0.0) for i in range(7)]
    acute = chronic = sum(seed_days) / 7.0
    for i in range(7, days + 1):
        load = daily.get(first + dt.timedelta(days=i), 0.0)
        acute = a.lambda_acute * load + (1 - a.lambda_acute) * acute
        chronic = a.lambda_chronic * load + (1 - a.lambda_chronic) * chronic
    if chronic <= 0:
        return None
    return acute / chronic
