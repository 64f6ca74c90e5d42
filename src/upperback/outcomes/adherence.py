"""Adherence: planned sessions due by `today` against logged and completed sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import pairwise

from upperback.errors import InvalidInput
from upperback.model.outcome import AdherenceSummary
from upperback.model.program import Program
from upperback.model.session import SessionLogIn
from upperback.outcomes.window import recent_days as default_recent_days
from upperback.outcomes.window import window_start

Planned = dt.date | tuple[dt.date, ...]


def _planned_date(p: Planned) -> dt.date:
    d = p[0] if isinstance(p, tuple) and p else p
    if not isinstance(d, dt.date):
        raise InvalidInput(f"planned: {p!r} is not a date or a (date, ...) tuple")
    return d


def _ratio(done: int, due: int) -> float:
    """Share of due sessions completed, capped at 1; nothing due counts as fully adherent."""
    return 1.0 if due == 0 else min(1.0, done / due)


def adherence(
    planned: Sequence[Planned],
    logged: Sequence[SessionLogIn],
    *,
    today: dt.date,
    recent_days: int | None = None,
) -> AdherenceSummary:
    """Planned sessions due by today, logs, completions, longest gap and recent adherence.

    Completed sessions are counted once per (week, index). The longest gap is the longest
    run of days without a completed session between the first planned (or logged) day and
    today. Recent adherence covers the knowledge base's recent window (see outcomes.window)
    and is None when no session was due in it: nothing due is not 100 %.
    """
    days = default_recent_days() if recent_days is None else recent_days
    due = sorted(d for d in map(_planned_date, planned) if d <= today)
    logs = [log for log in logged if log.date <= today]
    done: dict[tuple[int, int], dt.date] = {}
    for log in sorted(logs, key=lambda lg: lg.date):
        if log.completed:
            done.setdefault((log.week, log.index), log.date)
    done_dates = sorted(done.values())
    start = min([*due[:1], *(lg.date for lg in logs)], default=today)
    marks = [start, *done_dates, today]
    gap = max((b - a).days for a, b in pairwise(marks))
    window = window_start(today, days)
    recent_due = sum(1 for d in due if d >= window)
    recent_done = sum(1 for d in done_dates if d >= window)
    return AdherenceSummary(
        planned_sessions=len(due),
        logged_sessions=len(logs),
        completed_sessions=len(done_dates),
        adherence=round(_ratio(len(done_dates), len(due)), 4),
        longest_gap_days=max(0, gap),
        recent_adherence=round(_ratio(recent_done, recent_due), 4) if recent_due else None,
        recent_days=days,
    )


def program_adherence(
    program: Program, plan_logs: Sequence[SessionLogIn], *, today: dt.date
) -> AdherenceSummary:
    """Adherence to one plan: its session dates against the sessions logged against it."""
    planned = [program.session_date(p.week, p.index) for p in program.sessions]
    return adherence(planned, plan_logs, today=today)
