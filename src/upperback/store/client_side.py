"""Reads and writes of the client side (issue 11): check-ins, guided-session drafts,
questionnaires, calendar feeds and reminders. Each query lives once here; services call
these methods inside their unit of work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from upperback.store.tables import (
    CalendarFeedRow,
    CheckinRow,
    ClientRow,
    QuestionnaireAssignmentRow,
    QuestionnaireResponseRow,
    ReminderRow,
    SessionDraftRow,
    SessionLogRow,
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class LogRef:
    """A logged session as the check-in needs it."""

    id: int
    client_id: int
    date: dt.date
    week: int
    index: int
    completed: bool
    pain_next_morning: float | None


@dataclass(frozen=True)
class AssignmentRec:
    id: int
    client_id: int
    instrument: str
    due: dt.date
    origin: str
    activities: list[str]
    completed: bool


def _ref(r: SessionLogRow) -> LogRef:
    return LogRef(r.id, r.client_id, r.date, r.week, r.index, r.completed, r.pain_next_morning)


def _assignment(r: QuestionnaireAssignmentRow) -> AssignmentRec:
    return AssignmentRec(
        r.id,
        r.client_id,
        r.instrument,
        r.due,
        r.origin,
        [str(a) for a in r.activities],
        r.completed is not None,
    )


class ClientSide:
    def __init__(self, session: Session) -> None:
        self.session = session

    # --- check-ins ------------------------------------------------------------------------
    def completed_logs(self, client_id: int, since: dt.date, before: dt.date) -> list[LogRef]:
        """Completed sessions dated since <= date < before, newest first."""
        rows = self.session.scalars(
            select(SessionLogRow)
            .where(
                SessionLogRow.client_id == client_id,
                SessionLogRow.completed.is_(True),
                SessionLogRow.date >= since,
                SessionLogRow.date < before,
            )
            .order_by(SessionLogRow.date.desc(), SessionLogRow.id.desc())
            .limit(50)
        )
        return [_ref(r) for r in rows]

    def log(self, log_id: int) -> LogRef | None:
        row = self.session.get(SessionLogRow, log_id)
        return _ref(row) if row is not None else None

    def without_morning_answer(
        self, clinician_id: int, since: dt.date, before: dt.date
    ) -> list[tuple[LogRef, str]]:
        """A clinician's clients' completed sessions with no next-morning pain, newest first."""
        rows = self.session.execute(
            select(SessionLogRow, ClientRow.name)
            .join(ClientRow, ClientRow.id == SessionLogRow.client_id)
            .where(
                ClientRow.clinician_id == clinician_id,
                SessionLogRow.completed.is_(True),
                SessionLogRow.pain_next_morning.is_(None),
                SessionLogRow.date >= since,
                SessionLogRow.date < before,
            )
            .order_by(SessionLogRow.date.desc())
            .limit(500)
        )
        return [(_ref(r), name) for r, name in rows]

    def checked_in(self, log_ids: list[int]) -> set[int]:
        if not log_ids:
            return set()
        return set(
            self.session.scalars(
                select(CheckinRow.session_log_id).where(CheckinRow.session_log_id.in_(log_ids))
            )
        )

    def add_checkin(
        self, client_id: int, log_id: int, day: dt.date, pain_now: float, compared: str
    ) -> int:
        """The check-in row; its pain becomes the session's next-morning pain."""
        row = CheckinRow(
            client_id=client_id,
            session_log_id=log_id,
            date=day,
            pain_now=pain_now,
            compared=compared,
        )
        self.session.add(row)
        log = self.session.get(SessionLogRow, log_id)
        assert log is not None
        log.pain_next_morning = pain_now
        self.session.flush()
        return row.id

    # --- guided-session drafts ---------------------------------------------------------------
    def _draft_row(self, client_id: int, week: int, index: int) -> SessionDraftRow | None:
        return self.session.scalars(
            select(SessionDraftRow).where(
                SessionDraftRow.client_id == client_id,
                SessionDraftRow.week == week,
                SessionDraftRow.index == index,
            )
        ).first()

    def draft(self, client_id: int, week: int, index: int) -> dict[str, Any] | None:
        row = self._draft_row(client_id, week, index)
        return dict(row.payload) if row is not None else None

    def put_draft(self, client_id: int, week: int, index: int, payload: dict[str, Any]) -> None:
        row = self._draft_row(client_id, week, index)
        if row is None:
            self.session.add(
                SessionDraftRow(client_id=client_id, week=week, index=index, payload=payload)
            )
        else:
            row.payload = payload
            row.updated = _now()

    def drop_draft(self, client_id: int, week: int, index: int) -> None:
        self.session.execute(
            delete(SessionDraftRow).where(
                SessionDraftRow.client_id == client_id,
                SessionDraftRow.week == week,
                SessionDraftRow.index == index,
            )
        )

    # --- questionnaires ----------------------------------------------------------------------
    def add_assignment(
        self, client_id: int, instrument: str, due: dt.date, origin: str, activities: list[str]
    ) -> AssignmentRec:
        row = QuestionnaireAssignmentRow(
            client_id=client_id,
            instrument=instrument,
            due=due,
            origin=origin,
            activities=activities,
        )
        self.session.add(row)
        self.session.flush()
        return _assignment(row)

    def assignment(self, assignment_id: int) -> AssignmentRec | None:
        row = self.session.get(QuestionnaireAssignmentRow, assignment_id)
        return _assignment(row) if row is not None else None

    def has_assignment(self, client_id: int, instrument: str, due: dt.date) -> bool:
        return (
            self.session.scalars(
                select(QuestionnaireAssignmentRow.id).where(
                    QuestionnaireAssignmentRow.client_id == client_id,
                    QuestionnaireAssignmentRow.instrument == instrument,
                    QuestionnaireAssignmentRow.due == due,
                )
            ).first()
            is not None
        )

    def open_assignments(self, client_id: int) -> list[AssignmentRec]:
        rows = self.session.scalars(
            select(QuestionnaireAssignmentRow)
            .where(
                QuestionnaireAssignmentRow.client_id == client_id,
                QuestionnaireAssignmentRow.completed.is_(None),
            )
            .order_by(QuestionnaireAssignmentRow.due, QuestionnaireAssignmentRow.id)
            .limit(20)
        )
        return [_assignment(r) for r in rows]

    def add_response(
        self, a: AssignmentRec, day: dt.date, answers: list[float], score: float
    ) -> None:
        self.session.add(
            QuestionnaireResponseRow(
                assignment_id=a.id,
                client_id=a.client_id,
                instrument=a.instrument,
                date=day,
                answers=list(answers),
                score=score,
            )
        )
        row = self.session.get(QuestionnaireAssignmentRow, a.id)
        assert row is not None
        row.completed = _now()

    def responses(self, client_id: int) -> list[tuple[str, dt.date, float]]:
        """(instrument, date, score) oldest first."""
        return [
            (r.instrument, r.date, r.score)
            for r in self.session.scalars(
                select(QuestionnaireResponseRow)
                .where(QuestionnaireResponseRow.client_id == client_id)
                .order_by(QuestionnaireResponseRow.date, QuestionnaireResponseRow.id)
                .limit(500)
            )
        ]

    # --- calendar feeds ----------------------------------------------------------------------
    def revoke_feeds(self, client_id: int) -> int:
        rows = list(
            self.session.scalars(
                select(CalendarFeedRow).where(
                    CalendarFeedRow.client_id == client_id, CalendarFeedRow.revoked.is_(None)
                )
            )
        )
        for row in rows:
            row.revoked = _now()
        return len(rows)

    def add_feed(self, client_id: int, token_hash: str) -> None:
        self.session.add(CalendarFeedRow(client_id=client_id, token_hash=token_hash))

    def active_feed(self, client_id: int) -> bool:
        return (
            self.session.scalars(
                select(CalendarFeedRow.id).where(
                    CalendarFeedRow.client_id == client_id, CalendarFeedRow.revoked.is_(None)
                )
            ).first()
            is not None
        )

    def feed_by_hash(self, token_hash: str) -> tuple[int, int, bool] | None:
        """(feed id, client id, revoked) of a link."""
        row = self.session.scalars(
            select(CalendarFeedRow).where(CalendarFeedRow.token_hash == token_hash)
        ).first()
        return (row.id, row.client_id, row.revoked is not None) if row is not None else None

    # --- reminders ---------------------------------------------------------------------------
    def clients_with_email(self, clinician_id: int) -> list[tuple[int, str]]:
        return [
            (c.id, c.email)
            for c in self.session.scalars(
                select(ClientRow).where(
                    ClientRow.clinician_id == clinician_id, ClientRow.email.is_not(None)
                )
            )
            if c.email
        ]

    def sent_reminders(self, client_id: int) -> set[str]:
        return set(
            self.session.scalars(
                select(ReminderRow.event_key).where(ReminderRow.client_id == client_id)
            )
        )

    def add_reminder(self, client_id: int, key: str) -> None:
        self.session.add(ReminderRow(client_id=client_id, event_key=key))
