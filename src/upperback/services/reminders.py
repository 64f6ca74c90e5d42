"""Email reminders through SMTP, only when SMTP is configured; each reminder is sent once.

Configuration from the environment: UPPERBACK_SMTP_HOST (required to send anything),
UPPERBACK_SMTP_PORT (25), UPPERBACK_SMTP_FROM, UPPERBACK_SMTP_USER / UPPERBACK_SMTP_PASSWORD,
UPPERBACK_SMTP_STARTTLS=1. Messages are plain words: no health details beyond "your
exercises" and "your morning check", no ids.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select

from upperback.errors import InvalidInput
from upperback.services.access import Actor, audit, require_clinician
from upperback.services.database import Database
from upperback.store.client_side import ClientSide
from upperback.store.records import Records
from upperback.store.tables import ClinicianRow

SMTP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 25
    sender: str = "upperback@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpConfig | None:
        """None when UPPERBACK_SMTP_HOST is unset: then nothing is ever sent."""
        e = os.environ if env is None else env
        host = e.get("UPPERBACK_SMTP_HOST", "").strip()
        if not host:
            return None
        port = e.get("UPPERBACK_SMTP_PORT", "25").strip()
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise InvalidInput(f"UPPERBACK_SMTP_PORT: {port[:20]!r} is not a port (1-65535)")
        return cls(
            host=host,
            port=int(port),
            sender=e.get("UPPERBACK_SMTP_FROM", "upperback@localhost"),
            user=e.get("UPPERBACK_SMTP_USER") or None,
            password=e.get("UPPERBACK_SMTP_PASSWORD") or None,
            starttls=e.get("UPPERBACK_SMTP_STARTTLS", "").lower() in {"1", "true", "yes"},
        )


@dataclass(frozen=True)
class Reminder:
    client_id: int
    to: str
    key: str
    subject: str
    body: str


def _message(r: Reminder, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = r.to
    msg["Subject"] = r.subject
    msg.set_content(r.body)
    return msg


def senders(db: Database) -> list[Actor]:
    """Every clinician: a scheduled run sends each one's reminders, audited as that clinician."""
    with db.uow() as uow:
        rows = uow.session.execute(
            select(ClinicianRow.id, ClinicianRow.name).order_by(ClinicianRow.id).limit(10_000)
        )
        return [Actor(role="clinician", clinician_id=cid, name=name) for cid, name in rows]


def due_reminders(db: Database, actor: Actor, today: dt.date) -> list[Reminder]:
    """Today's reminders for the clinician's clients who gave an email and are not yet sent."""
    clinician_id = require_clinician(actor, "send reminders")
    out: list[Reminder] = []
    with db.uow() as uow:
        store, records = ClientSide(uow.session), Records(uow.session)
        for cid, email in store.clients_with_email(clinician_id):
            prog = records.current_program(cid)
            if prog is None or prog.stopped_reason:
                continue
            sent = store.sent_reminders(cid)
            logged = {(lg.week, lg.index): lg for lg in records.plan_logs(cid, prog)}
            for p in prog.sessions:
                day = prog.session_date(p.week, p.index)
                key = f"session-w{p.week}-s{p.index}"
                if day == today and p.key not in logged and key not in sent:
                    out.append(
                        Reminder(
                            cid,
                            email,
                            key,
                            "Your upper-back exercises today",
                            f"Hello,\n\ntoday is exercise day: about {p.minutes} "
                            "minutes. Open the app to start the guided session.\n",
                        )
                    )
            for (week, index), lg in logged.items():
                key = f"checkin-w{week}-s{index}"
                if (
                    lg.completed
                    and lg.date == today - dt.timedelta(days=1)
                    and lg.pain_next_morning is None
                    and key not in sent
                ):
                    out.append(
                        Reminder(
                            cid,
                            email,
                            key,
                            "Your morning check",
                            "Good morning,\n\nhow is your pain today? One question in the app.\n",
                        )
                    )
    return out


def send_reminders(db: Database, actor: Actor, today: dt.date, smtp: SmtpConfig | None) -> int:
    """Send today's reminders; without SMTP configured nothing is sent and 0 is returned.

    Each reminder is recorded before its message leaves, in its own transaction, so a
    crash never sends the same reminder twice (at most one could be lost).
    """
    if smtp is None:
        return 0
    todo = due_reminders(db, actor, today)
    if not todo:
        return 0
    sent = 0
    with smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT_S) as conn:
        if smtp.starttls:
            conn.starttls()
        if smtp.user and smtp.password:
            conn.login(smtp.user, smtp.password)
        for r in todo:
            with db.uow(write=True) as uow:
                ClientSide(uow.session).add_reminder(r.client_id, r.key)
                audit(uow.session, actor, "reminder.send", r.client_id)
                uow.commit()
            conn.send_message(_message(r, smtp.sender))
            sent += 1
    return sent
