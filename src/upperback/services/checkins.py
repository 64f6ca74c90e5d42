"""Next-morning check-in: the client's pain the day after a session feeds the pain rule.

The answer is stored on the session log (SessionLog.pain_next_morning, read by the feedback
engine's next-morning rule) and as an outcome point; a missing check-in is listed for the
clinician.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from upperback.errors import Conflict, InvalidInput, NotFound
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.tables import CheckinRow, ClientRow, OutcomeRow, SessionLogRow

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


def _checked_in(s: Session, log_ids: list[int]) -> set[int]:
    if not log_ids:
        return set()
    return set(s.scalars(select(CheckinRow.session_log_id).where(
        CheckinRow.session_log_id.in_(log_ids))))


def due_checkin(db: Database, actor: Actor, client_id: int, today: dt.date) -> CheckinDue | None:
    """The most recent completed session before today that still needs its check-in."""
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rows = list(s.scalars(
            select(SessionLogRow).where(
                SessionLogRow.client_id == client_id,
                SessionLogRow.completed.is_(True),
                SessionLogRow.date < today,
                SessionLogRow.date >= today - dt.timedelta(days=WINDOW_DAYS),
            ).order_by(SessionLogRow.date.desc(), SessionLogRow.id.desc())
        ))
        done = _checked_in(s, [r.id for r in rows])
        for r in rows:
            if r.id not in done and r.pain_next_morning is None:
                return CheckinDue(r.id, r.date, r.week, r.index)
        return None


def record_checkin(
    db: Database, actor: Actor, client_id: int, session_log_id: int, *,
    pain_now: float, compared: str, today: dt.date,
) -> int:
    """Store the check-in once; the pain number becomes the session's next-morning pain."""
    if not 0 <= pain_now <= 10:
        raise InvalidInput(f"pain: {pain_now:g} is outside 0-10; choose a number from 0 to 10")
    if compared not in COMPARED:
        raise InvalidInput("compared: choose better, same or worse than usual")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        log = s.get(SessionLogRow, session_log_id)
        if log is None or log.client_id != client_id or not log.completed:
            raise NotFound("session: there is no completed session to check in for")
        if log.date >= today:
            raise InvalidInput("date: the check-in is for the morning after the session; "
                               "come back tomorrow")
        if s.scalars(select(CheckinRow).where(
                CheckinRow.session_log_id == session_log_id)).first() is not None:
            raise Conflict("check-in: this session's check-in is already saved")
        row = CheckinRow(client_id=client_id, session_log_id=log.id, date=today,
                         pain_now=float(pain_now), compared=compared)
        s.add(row)
        log.pain_next_morning = float(pain_now)
        s.add(OutcomeRow(client_id=client_id, measure="pain_next_morning", date=log.date,
                         value=float(pain_now), unit="0-10", origin="checkin"))
        audit(s, actor, "checkin.record", client_id)
        s.flush()
        uow.commit()
        return row.id


def missing_checkins(db: Database, actor: Actor, today: dt.date) -> list[MissingCheckin]:
    """For a clinician: completed sessions of their clients with no next-morning answer.

    A session counts as missing from the day after it (the check-in day) on, for two weeks.
    """
    clinician_id = require_clinician(actor, "see missing check-ins")
    with db.uow() as uow:
        s = uow.session
        rows = list(s.execute(
            select(SessionLogRow, ClientRow.name)
            .join(ClientRow, ClientRow.id == SessionLogRow.client_id)
            .where(
                ClientRow.clinician_id == clinician_id,
                SessionLogRow.completed.is_(True),
                SessionLogRow.pain_next_morning.is_(None),
                SessionLogRow.date < today,
                SessionLogRow.date >= today - dt.timedelta(days=MISSING_LOOKBACK_DAYS),
            ).order_by(SessionLogRow.date.desc())
        ))
        done = _checked_in(s, [r.id for r, _ in rows])
        out = [
            MissingCheckin(r.client_id, name, r.id, r.date, r.week, r.index,
                           (today - r.date).days)
            for r, name in rows if r.id not in done
        ]
        return out
