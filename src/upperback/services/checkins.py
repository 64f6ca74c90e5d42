"""Next-morning check-in: the client's pain the day after a session feeds the pain rule.

The answer is stored on the session log (SessionLog.pain_next_morning, read by the feedback
engine's next-morning rule) and as an outcome point; a missing check-in is listed for the
clinician.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from upperback.errors import Conflict, InvalidInput, NotFound
from upperback.model.outcome import OutcomePoint
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.client_side import ClientSide
from upperback.store.writes import Writer

COMPARED = ("better", "same", "worse")
WINDOW_DAYS = 3
"""A check-in is asked for sessions of the last few days only [design]."""
MISSING_LOOKBACK_DAYS = 14
"""The clinician's list of missing check-ins covers two weeks [design]."""


@dataclass(frozen=True)
class CheckinDue:
    session_log_id: int
    session_date: dt.date
    week: int
    index: int


@dataclass(frozen=True)
class MissingCheckin:
    client_id: int
    client_name: str
    session_log_id: int
    session_date: dt.date
    week: int
    index: int
    days_since: int


def due_checkin(db: Database, actor: Actor, client_id: int, today: dt.date) -> CheckinDue | None:
    """The most recent completed session before today that still needs its check-in."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        store = ClientSide(uow.session)
        logs = store.completed_logs(client_id, today - dt.timedelta(days=WINDOW_DAYS), today)
        done = store.checked_in([r.id for r in logs])
        for r in logs:
            if r.id not in done and r.pain_next_morning is None:
                return CheckinDue(r.id, r.date, r.week, r.index)
        return None


def record_checkin(
    db: Database,
    actor: Actor,
    client_id: int,
    session_log_id: int,
    *,
    pain_now: float,
    compared: str,
    today: dt.date,
) -> int:
    """Store the check-in once; the pain number becomes the session's next-morning pain."""
    if not 0 <= pain_now <= 10:
        raise InvalidInput(f"pain: {pain_now:g} is outside 0-10; choose a number from 0 to 10")
    if compared not in COMPARED:
        raise InvalidInput("compared: choose better, same or worse than usual")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        store = ClientSide(s)
        log = store.log(session_log_id)
        if log is None or log.client_id != client_id or not log.completed:
            raise NotFound("session: there is no completed session to check in for")
        if log.date >= today:
            raise InvalidInput(
                "date: the check-in is for the morning after the session; come back tomorrow"
            )
        if store.checked_in([log.id]) or log.pain_next_morning is not None:
            raise Conflict("check-in: this session's check-in is already saved")
        row_id = store.add_checkin(client_id, log.id, today, float(pain_now), compared)
        Writer(s).add_outcomes(
            client_id,
            [
                OutcomePoint(
                    measure="pain_next_morning", date=log.date, value=float(pain_now), unit="0-10"
                )
            ],
            "checkin",
        )
        audit(s, actor, "checkin.record", client_id)
        uow.commit()
        return row_id


def missing_checkins(db: Database, actor: Actor, today: dt.date) -> list[MissingCheckin]:
    """For a clinician: completed sessions of their clients with no next-morning answer.

    A session counts as missing from the day after it (the check-in day) on, for two weeks.
    """
    clinician_id = require_clinician(actor, "see missing check-ins")
    with db.uow() as uow:
        store = ClientSide(uow.session)
        rows = store.without_morning_answer(
            clinician_id, today - dt.timedelta(days=MISSING_LOOKBACK_DAYS), today
        )
        done = store.checked_in([r.id for r, _ in rows])
        return [
            MissingCheckin(r.client_id, name, r.id, r.date, r.week, r.index, (today - r.date).days)
            for r, name in rows
            if r.id not in done
        ]
