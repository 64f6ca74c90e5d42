"""Next-morning check-in: the client's pain the day after a session feeds the pain rule.

The answer is stored on the session log (SessionLog.pain_next_morning, read by the feedback
engine's next-morning rule) and as an outcome point; a missing check-in is listed for the
clinician.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from upperback.errors import Conflict, InvalidInput, NotFound
from upperback.knowledge.red_flags import red_flag_catalogue
from upperback.model.adaptation import Action, Adaptation
from upperback.model.outcome import OutcomePoint
from upperback.preface.precautions import CheckinQuestion, checkin_questions
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.client_side import ClientSide
from upperback.store.records import Records
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
    questions: tuple[CheckinQuestion, ...] = ()
    """Yes/no questions added by screening precautions (e.g. bruising on a blood thinner)."""


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
        questions = tuple(checkin_questions(Records(uow.session).screening(client_id).screening))
        for r in logs:
            if r.id not in done and r.pain_next_morning is None:
                return CheckinDue(r.id, r.date, r.week, r.index, questions)
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
    answers: Mapping[str, str] | None = None,
) -> int:
    """Store the check-in once; the pain number becomes the session's next-morning pain.

    `answers` (precaution id -> "yes"/"no") answer the precaution questions of the
    check-in; when given, each question must be answered. A "yes" raises a clinician alert
    the dashboard shows (e.g. unusual bruising on a blood thinner)."""
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
        records = Records(s)
        asked = checkin_questions(records.screening(client_id).screening)
        alerts = _precaution_alerts(asked, answers, log.date, log.week, log.index, today)
        row_id = store.add_checkin(client_id, log.id, today, float(pain_now), compared)
        current = records.current_program(client_id)
        if alerts and current is not None:
            Writer(s).add_adaptations(client_id, current.version, log.id, alerts)
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


def _precaution_alerts(
    asked: list[CheckinQuestion],
    answers: Mapping[str, str] | None,
    session_date: dt.date,
    week: int,
    index: int,
    today: dt.date,
) -> list[Adaptation]:
    """Check the precaution answers; one clinician alert per "yes"."""
    if answers is None:
        return []
    by_id = {q.flag_id: q for q in asked}
    extra = sorted(set(answers) - set(by_id))
    if extra:
        raise InvalidInput("question: an answer was sent for a question this check-in does not ask")
    out: list[Adaptation] = []
    for q in asked:
        answer = answers.get(q.flag_id, "")
        if answer not in ("yes", "no"):
            raise InvalidInput(f'question: answer yes or no to "{q.question}"')
        if answer == "yes":
            item = red_flag_catalogue().item(q.flag_id)
            label = item.label if item is not None else q.flag_id
            out.append(
                Adaptation(
                    rule_id=f"precaution.{q.flag_id}",
                    action=Action.clinician_alert,
                    exercise_id=None,
                    reason=f'morning check-in: client answered yes to "{q.question}" after the '
                    f"session of {session_date.isoformat()} ({label}): review before the next session",
                    date=today,
                    from_week=week,
                    from_index=index,
                    source=item.source if item is not None else "screening precaution",
                )
            )
    return out


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
