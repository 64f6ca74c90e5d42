"""Dashboard flags are pure and agree with the engine: its flare rule and baseline, the
knowledge base's thresholds, and the one recent window (today and the 13 days before)."""

from __future__ import annotations

import datetime as dt

import pytest

from upperback.feedback.context import baseline_pain, is_flare
from upperback.knowledge.loading_rules import loading_rules
from upperback.model.outcome import AdherenceSummary
from upperback.model.session import SessionLogIn, SetLog
from upperback.outcomes import adherence
from upperback.outcomes.flags import adherence_flag, client_flags, pain_flare
from upperback.outcomes.window import in_window, recent_text

RULES = loading_rules()
TODAY = dt.date(2026, 3, 2)
DAYS = RULES.adherence.recent_days


def _log(days_ago: int, *, during: float = 1, before: float | None = 1,
         morning: float | None = None, n: int = 1) -> SessionLogIn:  # fmt: skip
    return SessionLogIn(
        date=TODAY - dt.timedelta(days=days_ago), week=1, index=n, pain_before=before,
        pain_next_morning=morning, sets=[SetLog(exercise_id="x", set_index=1, reps=8,
                                                pain_during=during)],
    )  # fmt: skip


def test_window_is_today_and_the_days_before_it() -> None:
    assert DAYS == 14
    assert in_window(TODAY - dt.timedelta(days=DAYS - 1), TODAY, DAYS)
    assert not in_window(TODAY - dt.timedelta(days=DAYS), TODAY, DAYS)
    assert recent_text(None, DAYS) == "last 14 days: no sessions due"
    assert recent_text(0.5, DAYS) == "last 14 days 50%"


def test_a_flare_in_the_window_is_flagged_and_one_just_outside_is_not() -> None:
    hot = RULES.pain.during_max + 2
    assert pain_flare([_log(DAYS - 1, during=hot)], None, today=TODAY, rules=RULES)
    assert pain_flare([_log(DAYS, during=hot)], None, today=TODAY, rules=RULES) is None


def test_morning_flare_uses_the_engines_baseline_when_pain_before_is_missing() -> None:
    # No pain_before: the engine judges against the previous next-morning pain (2), so a
    # morning pain above 2 + tolerance is a flare (the old dashboard rule never flagged it).
    morning = 2 + RULES.pain.morning_tolerance + 1
    logs = [_log(5, morning=2, n=1), _log(3, before=None, morning=morning, n=2)]
    assert is_flare(logs[1], baseline_pain(logs[1], logs[:1], None), RULES)
    flag = pain_flare(logs, None, today=TODAY, rules=RULES)
    assert flag is not None and f"rose to {morning:g}/10" in flag


@pytest.mark.parametrize("during", [0, 3, 5, 6, 9])
@pytest.mark.parametrize("morning", [None, 1, 3, 6])
def test_flag_iff_the_engine_calls_it_a_flare(during: float, morning: float | None) -> None:
    logs = [_log(4, morning=1, n=1), _log(2, during=during, before=None, morning=morning, n=2)]
    engine = any(
        is_flare(lg, baseline_pain(lg, logs[:i], None), RULES) for i, lg in enumerate(logs)
    )
    assert (pain_flare(logs, None, today=TODAY, rules=RULES) is not None) == engine


def _adh(overall: float, recent: float | None, planned: int = 10) -> AdherenceSummary:
    return AdherenceSummary(planned_sessions=planned, logged_sessions=5, completed_sessions=5,
                            adherence=overall, longest_gap_days=3, recent_adherence=recent,
                            recent_days=DAYS)  # fmt: skip


def test_falling_adherence_uses_the_knowledge_threshold() -> None:
    drop = RULES.adherence.recent_drop
    last = TODAY - dt.timedelta(days=1)
    flagged = adherence_flag(_adh(0.9, 0.9 - drop - 0.05), last, today=TODAY, rules=RULES)
    assert flagged is not None and "(last 14 days)" in flagged
    assert adherence_flag(_adh(0.9, 0.9 - drop + 0.05), last, today=TODAY, rules=RULES) is None
    # nothing due recently is not a fall (nor 100 %): no flag from the recent figure
    assert adherence_flag(_adh(0.9, None), last, today=TODAY, rules=RULES) is None


def test_a_long_gap_is_flagged_after_the_knowledge_gap_days() -> None:
    gap = RULES.adherence.gap_days
    old = TODAY - dt.timedelta(days=gap)
    assert adherence_flag(_adh(0.9, 0.9), old, today=TODAY, rules=RULES) == (
        f"no session logged for {gap} days"
    )
    recent = TODAY - dt.timedelta(days=gap - 1)
    assert adherence_flag(_adh(0.9, 0.9), recent, today=TODAY, rules=RULES) is None


def test_recent_adherence_is_none_when_nothing_was_due_in_the_window() -> None:
    planned = [TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=3)]
    s = adherence(planned, [], today=TODAY)
    assert (s.planned_sessions, s.recent_adherence, s.recent_days) == (1, None, DAYS)


def test_client_flags_collects_the_three_flags() -> None:
    f = client_flags(screening=None, clearance=None, logs=[_log(1, during=9)],
                     adherence=_adh(0.9, 0.2), profile=None, today=TODAY, rules=RULES)  # fmt: skip
    assert f.pain_flare and f.adherence and f.referral is None and f.any
    assert f.last_log == TODAY - dt.timedelta(days=1) and f.adherence_value == 0.9
