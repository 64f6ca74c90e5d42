"""The one "recent" window used by adherence figures and dashboard flags.

A window of N days ends today and includes it: today and the N-1 days before. Its length
lives in knowledge (`loading_rules.yaml` adherence.recent_days) and is shown with the figure.
"""

from __future__ import annotations

import datetime as dt

from upperback.knowledge.loading_rules import loading_rules


def recent_days() -> int:
    """Length of the recent window (days) from the knowledge base."""
    return loading_rules().adherence.recent_days


def window_start(today: dt.date, days: int) -> dt.date:
    """First day of the window of `days` days that ends on (and includes) `today`."""
    return today - dt.timedelta(days=days - 1)


def in_window(day: dt.date, today: dt.date, days: int) -> bool:
    return window_start(today, days) <= day <= today


def describe(days: int) -> str:
    """How screens name the window ("last 14 days")."""
    return f"last {days} days"


def recent_text(recent: float | None, days: int) -> str:
    """The recent-adherence figure as screens show it: "last 14 days 80%", or
    "last 14 days: no sessions due" (nothing due is not 100 %)."""
    if recent is None:
        return f"{describe(days)}: no sessions due"
    return f"{describe(days)} {recent:.0%}"
