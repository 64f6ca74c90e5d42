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

from upperback.errors import NotFound
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.store.client_side import ClientSide
from upperback.store.records import Records

HORIZON_DAYS = 42
"""Six weeks of upcoming events [design]."""
DOMAIN = "upperback.local"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(db: Database, actor: Actor, client_id: int) -> str:
    """Make a new secret link (the token is returned once) and switch off older ones."""
    token = secrets.token_urlsafe(24)
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        store = ClientSide(s)
        store.revoke_feeds(client_id)
        store.add_feed(client_id, _hash(token))
        audit(s, actor, "calendar.new", client_id)
        uow.commit()
    return token


def revoke_feeds(db: Database, actor: Actor, client_id: int) -> int:
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        n = ClientSide(s).revoke_feeds(client_id)
        audit(s, actor, "calendar.revoke", client_id)
        uow.commit()
        return n


def has_feed(db: Database, actor: Actor, client_id: int) -> bool:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return ClientSide(uow.session).active_feed(client_id)


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
        store = ClientSide(s)
        feed = store.feed_by_hash(_hash(token))
        if feed is None or feed[2]:
            raise NotFound("calendar link: wrong or switched off; make a new link in the app")
        feed_id, cid = feed[0], feed[1]
        records = Records(s)
        cal = Calendar()
        cal.add("prodid", "-//upperback//client calendar//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", "My upper-back exercises")
        prog = records.current_program(cid)
        if prog is not None and not prog.stopped_reason:
            done = {(lg.week, lg.index) for lg in records.plan_logs(cid, prog)}
            end = today + dt.timedelta(days=HORIZON_DAYS)
            for p in prog.sessions:
                day = prog.session_date(p.week, p.index)
                if (p.week, p.index) in done or not today <= day <= end:
                    continue
                cal.add_component(
                    _event(
                        f"c{cid}-session-w{p.week}-s{p.index}",
                        day,
                        "Upper-back exercises",
                        f"Week {p.week}, session {p.index}: about {p.minutes} minutes. "
                        "Open the app to start the guided session.",
                    )
                )
                cal.add_component(
                    _event(
                        f"c{cid}-checkin-w{p.week}-s{p.index}",
                        day + dt.timedelta(days=1),
                        "Morning check: how is your pain?",
                        "One question in the app about your pain this morning.",
                    )
                )
        for q in store.open_assignments(cid):
            cal.add_component(
                _event(
                    f"c{cid}-questionnaire-{q.id}",
                    max(q.due, today),
                    "A short questionnaire in the app",
                    "Your clinician asked for a few answers.",
                )
            )
        audit(s, Actor(role="calendar", client_id=cid, name=f"feed{feed_id}"), "calendar.read", cid)
        uow.commit()
        return bytes(cal.to_ical())
