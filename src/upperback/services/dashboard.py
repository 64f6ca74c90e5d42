"""The clinician's dashboard for many clients: a bounded page of rows, worst first.

A handful of aggregate queries for all of the clinician's clients at once (not one set of
queries per client), so 200 clients cost about as much as 20. Per client: open referral,
an open clinician alert from the engine (raised within `alerts.quiet_days` of the
client's newest session and not answered by a clinician change since), pain alert (Silbernagel limits from loading_rules.yaml over the last 14 days), missed
next-morning check-ins (completed sessions of the last two weeks with no morning answer,
the window of services/checkins.py), a session gap (no session for `adherence.gap_days`
while a program runs), next session due date and days overdue. Flags order the list:
referral, clinician alert, pain, missed check-in, session gap, overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select

from upperback.feedback.engine import alert_open
from upperback.knowledge.loading_rules import loading_rules
from upperback.model.adaptation import Action
from upperback.services.access import Actor, audit, require_clinician
from upperback.services.checkins import MISSING_LOOKBACK_DAYS
from upperback.services.database import Database
from upperback.store.tables import (
    AdaptationRow,
    CheckinRow,
    ClearanceRow,
    ClientRow,
    IntakeRow,
    OverrideRow,
    ProgramRow,
    SessionLogRow,
    SetLogRow,
)

PAGE_SIZE = 25
RECENT_DAYS = 14
SORTS = ("priority", "name", "due", "last")


@dataclass
class Row:
    client_id: int
    name: str
    referral: bool = False
    engine_alert: str | None = None
    """The newest open clinician alert the engine raised (it holds the dose and asks)."""
    pain_alert: str | None = None
    missed: str | None = None
    """A session gap: no session logged for `adherence.gap_days` while a program runs."""
    checkins_missing: int = 0
    """Completed sessions of the last two weeks with no next-morning answer."""
    checkin_oldest: dt.date | None = None
    due: dt.date | None = None
    overdue_days: int = 0
    last_log: dt.date | None = None
    sessions_done: int = 0
    program: bool = False
    complete: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def rank(self) -> tuple[int, int, int, int, int, int, int]:
        return (
            0 if self.referral else 1,
            0 if self.engine_alert else 1,
            0 if self.pain_alert else 1,
            0 if self.checkins_missing else 1,
            0 if self.missed else 1,
            -self.overdue_days,
            0 if self.program else 1,
        )


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def dashboard_page(
    db: Database,
    actor: Actor,
    *,
    today: dt.date,
    q: str = "",
    sort: str = "priority",
    page: int = 1,
    flagged_only: bool = False,
) -> Page:
    """One page of the clinician's clients with what needs attention first."""
    clinician_id = require_clinician(actor, "see the dashboard")
    rules = loading_rules()
    since = today - dt.timedelta(days=RECENT_DAYS)
    with db.uow(write=True) as uow:
        s = uow.session
        cq = select(ClientRow.id, ClientRow.name).where(ClientRow.clinician_id == clinician_id)
        needle = q.strip()[:100]
        if needle:
            cq = cq.where(func.lower(ClientRow.name).contains(needle.lower(), autoescape=True))
        rows = {r[0]: Row(r[0], r[1]) for r in s.execute(cq.limit(5000)).all()}
        ids = list(rows)
        if ids:
            _fill(s, rows, ids, today, since, rules)
        audit(s, actor, "dashboard.read", None)
        uow.commit()
    items = list(rows.values())
    counts = {
        "referral": sum(r.referral for r in items),
        "alert": sum(bool(r.engine_alert) for r in items),
        "pain": sum(bool(r.pain_alert) for r in items),
        "missed": sum(r.checkins_missing > 0 for r in items),
        "gap": sum(bool(r.missed) for r in items),
        "overdue": sum(r.overdue_days > 0 for r in items),
    }
    if flagged_only:
        items = [
            r
            for r in items
            if r.referral
            or r.engine_alert
            or r.pain_alert
            or r.checkins_missing
            or r.missed
            or r.overdue_days
        ]
    key = sort if sort in SORTS else "priority"
    if key == "name":
        items.sort(key=lambda r: r.name.lower())
    elif key == "due":
        items.sort(key=lambda r: (r.due is None, r.due or today, r.name.lower()))
    elif key == "last":
        items.sort(
            key=lambda r: (r.last_log is None, -(r.last_log.toordinal() if r.last_log else 0))
        )
    else:
        items.sort(key=lambda r: (r.rank, r.name.lower()))
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    return Page(items[start : start + PAGE_SIZE], len(items), page, pages, counts)


def _fill(s, rows, ids, today, since, rules) -> None:  # type: ignore[no-untyped-def]
    """Aggregate queries for all clients at once."""
    cleared = select(ClearanceRow.intake_id)
    for (cid,) in s.execute(
        select(IntakeRow.client_id)
        .where(
            IntakeRow.client_id.in_(ids), IntakeRow.outcome == "refer", IntakeRow.id.not_in(cleared)
        )
        .distinct()
    ):
        rows[cid].referral = True
    latest = (
        select(ProgramRow.client_id, func.max(ProgramRow.version).label("v"))
        .where(ProgramRow.client_id.in_(ids))
        .group_by(ProgramRow.client_id)
        .subquery()
    )
    programs = {
        r.client_id: r
        for r in s.execute(
            select(
                ProgramRow.client_id,
                ProgramRow.start_date,
                ProgramRow.sessions_per_week,
                ProgramRow.weeks,
                ProgramRow.stopped_reason,
            ).join(
                latest,
                (ProgramRow.client_id == latest.c.client_id) & (ProgramRow.version == latest.c.v),
            )
        )
    }
    last = {
        r[0]: r[1]
        for r in s.execute(
            select(SessionLogRow.client_id, func.max(SessionLogRow.date))
            .where(SessionLogRow.client_id.in_(ids))
            .group_by(SessionLogRow.client_id)
        ).all()
    }
    starts = (
        select(ProgramRow.client_id, ProgramRow.start_date)
        .join(
            latest,
            (ProgramRow.client_id == latest.c.client_id) & (ProgramRow.version == latest.c.v),
        )
        .subquery()
    )
    counts = {
        r[0]: int(r[1])
        for r in s.execute(
            select(SessionLogRow.client_id, func.count(SessionLogRow.id))
            .join(
                starts,
                (SessionLogRow.client_id == starts.c.client_id)
                & (SessionLogRow.date >= starts.c.start_date),
            )
            .group_by(SessionLogRow.client_id)
        ).all()
    }
    for cid, p in programs.items():
        done = counts.get(cid, 0)
        r = rows[cid]
        r.program, r.sessions_done, r.last_log = True, int(done), last.get(cid)
        total = p.weeks * p.sessions_per_week
        if p.stopped_reason or done >= total:
            r.complete = True
            continue
        week, index = done // p.sessions_per_week + 1, done % p.sessions_per_week + 1
        spacing = 7 / p.sessions_per_week
        r.due = p.start_date + dt.timedelta(days=(week - 1) * 7 + int((index - 1) * spacing))
        r.overdue_days = max(0, (today - r.due).days)
        since_last = (today - (r.last_log or p.start_date)).days
        if since_last >= rules.adherence.gap_days and not r.referral:
            r.missed = f"no session logged for {since_last} days"
    for cid, pain, day in s.execute(
        select(SessionLogRow.client_id, SetLogRow.pain_during, SessionLogRow.date)
        .join(SetLogRow, SetLogRow.session_log_id == SessionLogRow.id)
        .where(
            SessionLogRow.client_id.in_(ids),
            SessionLogRow.date >= since,
            SetLogRow.pain_during > rules.pain.during_max,
        )
        .order_by(SessionLogRow.date)
    ):
        rows[cid].pain_alert = f"pain {pain:g}/10 during the session of {day}"
    for cid, before, morning, day in s.execute(
        select(
            SessionLogRow.client_id,
            SessionLogRow.pain_before,
            SessionLogRow.pain_next_morning,
            SessionLogRow.date,
        ).where(
            SessionLogRow.client_id.in_(ids),
            SessionLogRow.date >= since,
            SessionLogRow.pain_next_morning.is_not(None),
            SessionLogRow.pain_before.is_not(None),
            SessionLogRow.pain_next_morning - SessionLogRow.pain_before
            > rules.pain.morning_tolerance,
        )
    ):
        rows[cid].pain_alert = (
            rows[cid].pain_alert or f"next-morning pain rose {before:g} → {morning:g} after {day}"
        )
    changes: dict[int, list[tuple[str, dt.date]]] = {}
    for cid, ex, day in s.execute(
        select(OverrideRow.client_id, OverrideRow.exercise_id, OverrideRow.date).where(
            OverrideRow.client_id.in_(ids)
        )
    ):
        changes.setdefault(cid, []).append((ex, day))
    quiet = rules.alerts.quiet_days
    for cid, ex, reason, day in s.execute(
        select(
            AdaptationRow.client_id,
            AdaptationRow.exercise_id,
            AdaptationRow.reason,
            AdaptationRow.date,
        )
        .where(
            AdaptationRow.client_id.in_(ids),
            AdaptationRow.action == Action.clinician_alert.value,
        )
        .order_by(AdaptationRow.date, AdaptationRow.id)
    ):
        # open as the engine sees it, on the day of the client's newest session (or of the
        # alert itself when it came later, e.g. from a morning check-in)
        newest = max(last.get(cid) or day, day)
        if alert_open(day, ex, on=newest, changes=changes.get(cid, []), quiet_days=quiet):
            rows[cid].engine_alert = f"{reason} ({day})"
    answered = select(CheckinRow.session_log_id)
    for cid, n, oldest in s.execute(
        select(SessionLogRow.client_id, func.count(SessionLogRow.id), func.min(SessionLogRow.date))
        .where(
            SessionLogRow.client_id.in_(ids),
            SessionLogRow.completed.is_(True),
            SessionLogRow.pain_next_morning.is_(None),
            SessionLogRow.date >= today - dt.timedelta(days=MISSING_LOOKBACK_DAYS),
            SessionLogRow.date < today,
            SessionLogRow.id.not_in(answered),
        )
        .group_by(SessionLogRow.client_id)
    ):
        rows[cid].checkins_missing, rows[cid].checkin_oldest = int(n), oldest
