"""A client's calendar feed (iCalendar) behind a secret, revocable link.

Only a SHA-256 hash of the link's token is stored; a new link switches the old one off.
Event UIDs are stable per planned session and check-in, so calendar apps replace events
when the plan changes instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from icalendar import Calendar, Event
from sqlalchemy import select, update

from upperback.errors import NotFound
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.services.program import current_program_row, logs_in
from upperback.store.mapping import program_from_row
from upperback.store.tables import CalendarFeedRow, QuestionnaireAssignmentRow

HORIZON_DAYS = 42
"""Six weeks of upcoming events [design]."""
DOMAIN = "upperback.local"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_feed(db: Database, actor: Actor, client_id: int) -> str:
    """Make a new secret link (the token is returned once) and switch off older ones."""
    token = secrets.token_urlsafe(24)
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        s.execute(update(CalendarFeedRow).where(
            CalendarFeedRow.client_id == client_id, CalendarFeedRow.revoked.is_(None)
        ).values(revoked=_now()))
        s.add(CalendarFeedRow(client_id=client_id, token_hash=_hash(token)))
        audit(s, actor, "calendar.new", client_id)
        uow.commit()
    return token


def revoke_feeds(db: Database, actor: Actor, client_id: int) -> int:
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rows = list(s.scalars(select(CalendarFeedRow).where(
            CalendarFeedRow.client_id == client_id, CalendarFeedRow.revoked.is_(None))))
        for row in rows:
            row.revoked = _now()
        audit(s, actor, "calendar.revoke", client_id)
        uow.commit()
        return len(rows)


def has_feed(db: Database, actor: Actor, client_id: int) -> bool:
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        return s.scalars(select(CalendarFeedRow.id).where(
            CalendarFeedRow.client_id == client_id, CalendarFeedRow.revoked.is_(None))
        ).first() is not None


def _event(uid: str, day: dt.date, summary: str, description: str) -> Event:
    ev = Event()
    ev.add("uid", f"{uid}@{DOMAIN}")
    ev.add("dtstamp", dt.datetime.now(dt.UTC))
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", description)
    return ev


def feed_ics(db: Database, token: str, today: dt.date) -> bytes:
    """The calendar for a secret link; a wrong or switched-off link is NotFound."""
    if not 16 <= len(token) <= 100:
        raise NotFound("calendar link: wrong or switched off; make a new link in the app")
    with db.uow(write=True) as uow:
        s = uow.session
        feed = s.scalars(select(CalendarFeedRow).where(
            CalendarFeedRow.token_hash == _hash(token))).first()
        if feed is None or feed.revoked is not None:
            raise NotFound("calendar link: wrong or switched off; make a new link in the app")
        cid = feed.client_id
        cal = Calendar()
        cal.add("prodid", "-//upperback//client calendar//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", "My upper-back exercises")
        row = current_program_row(s, cid)
        if row is not None and row.stopped_reason is None:
            prog = program_from_row(row)
            done = {(lg.week, lg.index) for lg in logs_in(s, cid)
                    if lg.date >= prog.start_date}
            end = today + dt.timedelta(days=HORIZON_DAYS)
            for p in prog.sessions:
                day = prog.session_date(p.week, p.index)
                if (p.week, p.index) in done or not today <= day <= end:
                    continue
                cal.add_component(_event(
                    f"c{cid}-session-w{p.week}-s{p.index}", day,
                    "Upper-back exercises",
                    f"Week {p.week}, session {p.index}: about {p.minutes} minutes. "
                    "Open the app to start the guided session."))
                cal.add_component(_event(
                    f"c{cid}-checkin-w{p.week}-s{p.index}", day + dt.timedelta(days=1),
                    "Morning check: how is your pain?",
                    "One question in the app about your pain this morning."))
        for q in s.scalars(select(QuestionnaireAssignmentRow).where(
                QuestionnaireAssignmentRow.client_id == cid,
                QuestionnaireAssignmentRow.completed.is_(None)).limit(20)):
            cal.add_component(_event(f"c{cid}-questionnaire-{q.id}", max(q.due, today),
                                     "A short questionnaire in the app",
                                     "Your clinician asked for a few answers."))
        audit(s, Actor(role="calendar", client_id=cid, name=f"feed{feed.id}"),
              "calendar.read", cid)
        uow.commit()
        return bytes(cal.to_ical())
