"""Outcome tracking: measures over time against clinically meaningful change."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from upperback.model.common import Frozen


class OutcomePoint(Frozen):
    measure: str
    date: dt.date
    value: float
    unit: str


class OutcomeSummary(Frozen):
    """Baseline to latest for one measure, judged against its MCID/MDC."""

    measure: str
    unit: str
    baseline: float
    latest: float
    change: float
    percent_change: float | None
    threshold: float | None
    threshold_kind: str | None
    meaningful: bool | None
    improved: bool | None
    source: str = ""
    points: list[OutcomePoint] = Field(default_factory=list)


class AdherenceSummary(Frozen):
    planned_sessions: int
    logged_sessions: int
    completed_sessions: int
    adherence: float
    longest_gap_days: int
    recent_adherence: float | None
    """Share of the sessions due in the recent window that were done; None when none was due."""
    recent_days: int = 14
    """Length of the recent window in days, ending today (knowledge: adherence.recent_days)."""
