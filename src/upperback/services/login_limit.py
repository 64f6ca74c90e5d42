"""Login limiting kept in the database, so it survives restarts and holds across workers.

Two counters of failed logins [design]:
- per account: 5 free failures per hour, then an exponential backoff from the last failure
  (30 s, 60 s, ... capped at 15 min). The real user gets in after the backoff, or at once
  with their second factor (see web.auth).
- per address: 20 failures in 15 min from one address, whatever the usernames, then a wait
  until the oldest falls out of the window (one try each on many usernames is limited too).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from upperback.services.database import Database
from upperback.store.tables import LoginFailureRow

ACCOUNT_FREE_FAILURES = 5
ACCOUNT_WINDOW = dt.timedelta(hours=1)
BACKOFF_BASE_S = 30
BACKOFF_MAX_S = 900
ADDRESS_MAX_FAILURES = 20
ADDRESS_WINDOW = dt.timedelta(minutes=15)
KEEP = dt.timedelta(days=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Verdict:
    """Seconds to wait per counter; None where that counter allows a try now."""

    account_wait: int | None
    address_wait: int | None


def _norm(username: str) -> str:
    return username.strip().lower()[:120]


def backoff_s(failures: int) -> int:
    """Wait after `failures` recent failures of one account (0 while under the free tries)."""
    if failures < ACCOUNT_FREE_FAILURES:
        return 0
    return int(min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (failures - ACCOUNT_FREE_FAILURES)))


def check(db: Database, username: str, address: str, *, now: dt.datetime | None = None) -> Verdict:
    """How long this username and this address must wait before the next try."""
    now = now or utcnow()
    t = LoginFailureRow
    with db.uow() as uow:
        s = uow.session
        n, last = s.execute(
            select(func.count(t.id), func.max(t.at)).where(
                t.username == _norm(username), t.at > now - ACCOUNT_WINDOW
            )
        ).one()
        addr_n, addr_first = s.execute(
            select(func.count(t.id), func.min(t.at)).where(
                t.address == address[:64], t.at > now - ADDRESS_WINDOW
            )
        ).one()
    account_wait = None
    if n and last is not None:
        remaining = (last + dt.timedelta(seconds=backoff_s(n)) - now).total_seconds()
        account_wait = int(remaining) + 1 if remaining > 0 else None
    address_wait = None
    if addr_n >= ADDRESS_MAX_FAILURES and addr_first is not None:
        remaining = (addr_first + ADDRESS_WINDOW - now).total_seconds()
        address_wait = max(1, int(remaining) + 1)
    return Verdict(account_wait, address_wait)


def record_failure(
    db: Database, username: str, address: str, *, now: dt.datetime | None = None
) -> None:
    now = now or utcnow()
    with db.uow(write=True) as uow:
        uow.session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < now - KEEP))
        uow.session.add(LoginFailureRow(at=now, username=_norm(username), address=address[:64]))
        uow.commit()


def clear_account(db: Database, username: str) -> None:
    """A successful login (password and any second factor) resets that account's counter only."""
    with db.uow(write=True) as uow:
        uow.session.execute(
            delete(LoginFailureRow).where(LoginFailureRow.username == _norm(username))
        )
        uow.commit()
