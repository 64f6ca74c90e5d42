"""`upperback remind`: the trigger for email reminders, meant for a daily timer (cron).

Sends each clinician's due reminders through services/reminders.py; with no SMTP server
configured it sends nothing and says so in one line, and `--dry-run` only counts.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Annotated

import typer

from upperback.cli.common import DbOpt, console, fail, guarded, open_db
from upperback.errors import InvalidInput
from upperback.services import reminders

DateOpt = Annotated[
    str | None, typer.Option("--date", help="Day to send for (YYYY-MM-DD, default today).")
]


@guarded
def remind(
    db: DbOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what is due; send nothing.")
    ] = False,
    date: DateOpt = None,
) -> None:
    """Email today's session and morning-check reminders, each once (SMTP from UPPERBACK_SMTP_*)."""
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise InvalidInput(f"--date: {date!r} is not a date (YYYY-MM-DD)") from None
    smtp = reminders.SmtpConfig.from_env()
    database = open_db(db)
    actors = reminders.senders(database)
    if dry_run or smtp is None:
        due = sum(len(reminders.due_reminders(database, a, day)) for a in actors)
        why = "--dry-run" if dry_run else "SMTP is not configured (set UPPERBACK_SMTP_HOST)"
        console.print(f"reminders: {due} due on {day}; {why}: nothing sent", soft_wrap=True)
        return
    sent = 0
    try:
        for actor in actors:
            sent += reminders.send_reminders(database, actor, day, smtp)
    except (OSError, smtplib.SMTPException) as exc:
        fail(f"SMTP {smtp.host}:{smtp.port}: {exc}; {sent} reminder(s) sent before the failure")
    console.print(f"reminders: {sent} sent on {day} via {smtp.host}:{smtp.port}", soft_wrap=True)
