"""Everything a report shows about one client, read once through the access-checked services."""

from __future__ import annotations

import datetime as dt

from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.progress import ClientRecord, client_record

ReportData = ClientRecord
"""A report's data is the client's record as the progress service reads it."""


def collect(db: Database, actor: Actor, client_id: int, *, today: dt.date) -> ReportData:
    """Gather a client's record for a report in one unit of work; NotFound if not theirs."""
    return client_record(db, actor, client_id, today=today)
