"""The audit trail: request-level entries (reads, exports, refusals) and the per-client view.

Writes are audited by each service inside its own transaction (`access.audit`); the web layer
adds one entry per read of a client's record, per export and per refused request, in a
transaction of its own after the response (a read never waits on it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import select

from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.tables import AuditRow

MAX_ENTRIES = 1000


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    client_id: int | None
    address: str | None
    target: str | None
    outcome: str | None


def record(
    db: Database,
    actor: str,
    action: str,
    client_id: int | None,
    *,
    target: str,
    outcome: str,
) -> None:
    """One request-level entry (the caller has already set the request origin)."""
    with db.uow(write=True) as uow:
        audit(uow.session, actor, action, client_id, target=target, outcome=outcome)
        uow.commit()


def entries_for_client(
    db: Database, actor: Actor, client_id: int, *, limit: int = MAX_ENTRIES
) -> list[AuditEntry]:
    """Newest first: who touched this client's record, how, when and from where."""
    require_clinician(actor, "see the audit trail")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rows = s.scalars(
            select(AuditRow)
            .where(AuditRow.client_id == client_id)
            .order_by(AuditRow.id.desc())
            .limit(min(limit, MAX_ENTRIES))
        ).all()
        entries = [
            AuditEntry(r.at, r.actor, r.action, r.client_id, r.address, r.target, r.outcome)
            for r in rows
        ]
        audit(s, actor, "audit.read", client_id)
        uow.commit()
        return entries


def to_csv(entries: list[AuditEntry]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["at_utc", "actor", "action", "client_id", "address", "target", "outcome"])
    for e in entries:
        w.writerow([
            e.at.isoformat(timespec="seconds"), e.actor, e.action, e.client_id,
            e.address or "", e.target or "", e.outcome or "",
        ])  # fmt: skip
    return out.getvalue()
