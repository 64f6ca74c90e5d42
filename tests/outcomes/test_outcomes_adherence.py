"""Adherence: sessions due by today, completions, longest gap, recent two weeks."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.errors import InvalidInput
from upperback.model.session import SessionLogIn, SetLog
from upperback.outcomes import adherence

START = dt.date(2025, 1, 6)  # a Monday


def _day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _log(n: int, week: int, index: int, completed: bool = True) -> SessionLogIn:
    sets = [SetLog(exercise_id="x", set_index=1, reps=10)] if completed else []
    return SessionLogIn(date=_day(n), week=week, index=index, sets=sets, completed=completed)


PLANNED = [_day(7 * w + d) for w in range(4) for d in (0, 2, 4)]  # Mon/Wed/Fri for 4 weeks


def test_counts_only_sessions_due_by_today() -> None:
    logs = [_log(0, 1, 1), _log(2, 1, 2), _log(4, 1, 3), _log(7, 2, 1)]
    s = adherence(PLANNED, logs, today=_day(9))  # due: days 0, 2, 4, 7, 9
    assert (s.planned_sessions, s.logged_sessions, s.completed_sessions) == (5, 4, 4)
    assert s.adherence == pytest.approx(0.8)


def test_incomplete_and_duplicate_logs_do_not_count_as_completed() -> None:
    logs = [_log(0, 1, 1), _log(1, 1, 1), _log(2, 1, 2, completed=False)]
    s = adherence(PLANNED, logs, today=_day(2))
    assert (s.logged_sessions, s.completed_sessions) == (3, 1)
    assert s.adherence == pytest.approx(1 / 2)


def test_longest_gap_includes_the_time_since_the_last_session() -> None:
    logs = [_log(0, 1, 1), _log(2, 1, 2)]
    assert adherence(PLANNED, logs, today=_day(12)).longest_gap_days == 10
    assert adherence(PLANNED, [_log(0, 1, 1), _log(9, 2, 2)], today=_day(10)).longest_gap_days == 9


def test_recent_adherence_looks_at_the_last_14_days() -> None:
    # weeks 1-2 missed, weeks 3-4 done: overall 6/12, recent (days 14-27) 6/6
    logs = [_log(7 * w + d, w + 1, i + 1) for w in (2, 3) for i, d in enumerate((0, 2, 4))]
    s = adherence(PLANNED, logs, today=_day(27))
    assert s.adherence == pytest.approx(0.5)
    assert s.recent_adherence == pytest.approx(1.0)


def test_logs_after_today_are_ignored_and_nothing_due_is_full_adherence() -> None:
    s = adherence(PLANNED, [_log(3, 1, 2)], today=_day(-1))
    assert (s.planned_sessions, s.logged_sessions, s.adherence, s.longest_gap_days) == (
        0,
        0,
        1.0,
        0,
    )


def test_planned_tuples_are_accepted() -> None:
    planned = [(d, 1, i) for i, d in enumerate(PLANNED[:3], start=1)]
    assert adherence(planned, [_log(0, 1, 1)], today=_day(4)).planned_sessions == 3


def test_bad_planned_entry_is_named() -> None:
    with pytest.raises(InvalidInput, match="planned:"):
        adherence(["2025-01-06"], [], today=_day(4))  # type: ignore[list-item]
