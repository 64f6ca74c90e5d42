"""What a clinician should look at first, per client: an open referral, a pain flare in the
recent window, falling adherence. Pure: the engine's own flare rule (feedback.context) and
thresholds from knowledge, so the dashboard and the engine cannot disagree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from upperback.feedback.context import baseline_pain, is_flare
from upperback.knowledge.loading_rules import LoadingRules
from upperback.model.intake import Clearance, ScreeningResult
from upperback.model.outcome import AdherenceSummary
from upperback.model.profile import DeficitProfile
from upperback.model.session import SessionLogIn
from upperback.outcomes.window import in_window


@dataclass(frozen=True)
class Flags:
    referral: str | None
    pain_flare: str | None
    adherence: str | None
    adherence_value: float | None
    last_log: dt.date | None

    @property
    def any(self) -> bool:
        return bool(self.referral or self.pain_flare or self.adherence)


def referral_flag(screening: ScreeningResult | None, clearance: Clearance | None) -> str | None:
    if screening is not None and screening.blocks_program and clearance is None:
        return f"open referral ({screening.urgency.value})"
    return None


def pain_flare(
    logs: Sequence[SessionLogIn],
    profile: DeficitProfile | None,
    *,
    today: dt.date,
    rules: LoadingRules,
) -> str | None:
    """The newest flare (feedback.context.is_flare) among the sessions in the recent window."""
    days = rules.adherence.recent_days
    for i in range(len(logs) - 1, -1, -1):
        log = logs[i]
        if log.date > today:
            continue
        if not in_window(log.date, today, days):
            break
        if not is_flare(log, baseline_pain(log, logs[:i], profile), rules):
            continue
        if log.max_pain_during() > rules.pain.during_max:
            return f"pain {log.max_pain_during():g}/10 during session {log.week}.{log.index} ({log.date})"
        return f"next-morning pain rose to {log.pain_next_morning:g}/10 after {log.date}"
    return None


def adherence_flag(
    adh: AdherenceSummary | None, last_log: dt.date | None, *, today: dt.date, rules: LoadingRules
) -> str | None:
    """Recent adherence well below overall, or no session logged for the re-entry gap."""
    if adh is None or not adh.planned_sessions:
        return None
    recent = adh.recent_adherence
    if recent is not None and recent < adh.adherence - rules.adherence.recent_drop:
        return f"recent adherence {recent:.0%} vs {adh.adherence:.0%} overall (last {adh.recent_days} days)"
    if last_log and today > last_log and (today - last_log).days >= rules.adherence.gap_days:
        return f"no session logged for {(today - last_log).days} days"
    return None


def client_flags(
    *,
    screening: ScreeningResult | None,
    clearance: Clearance | None,
    logs: Sequence[SessionLogIn],
    adherence: AdherenceSummary | None,
    profile: DeficitProfile | None,
    today: dt.date,
    rules: LoadingRules,
) -> Flags:
    last_log = logs[-1].date if logs else None
    return Flags(
        referral=referral_flag(screening, clearance),
        pain_flare=pain_flare(logs, profile, today=today, rules=rules),
        adherence=adherence_flag(adherence, last_log, today=today, rules=rules),
        adherence_value=adherence.adherence if adherence and adherence.planned_sessions else None,
        last_log=last_log,
    )
