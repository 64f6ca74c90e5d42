"""Erase a client: every record, recording, login and audit entry naming them, in one transaction.

The erasure itself is audited, without the client's id (that would be a row of the client):
the entry names the clinician, the time, the address and a count of rows removed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from upperback.errors import NotFound
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.tables import AccountRow, Base, LoginFailureRow


def _dependents(table: Table) -> list[tuple[Table, str, str]]:
    """(child table, child column, parent column) for every foreign key pointing at `table`."""
    found = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                found.append((child, fk.parent.name, fk.column.name))
    return found


def _erase_rows(s: Session, table: Table, where: Any) -> int:
    """Delete rows of `table` matching `where`, children first (no reliance on cascades)."""
    key = table.c.account_id if "id" not in table.c else table.c.id
    ids = list(s.scalars(select(key).where(where)))
    if not ids:
        return 0
    n = 0
    for child, col, parent_col in _dependents(table):
        if parent_col == "id":
            n += _erase_rows(s, child, child.c[col].in_(ids))
    s.execute(delete(table).where(key.in_(ids)))
    return n + len(ids)


def erase_client(db: Database, actor: Actor | None, client_id: int) -> int:
    """Remove the client and everything of theirs; returns the number of rows removed.

    `actor=None` is the local administrator (CLI on the server); a clinician may erase
    only their own client.
    """
    tables = Base.metadata.tables
    with db.uow(write=True) as uow:
        s = uow.session
        if actor is not None:
            require_clinician(actor, "erase a client")
            client_for(s, actor, client_id)
        usernames = list(
            s.scalars(select(AccountRow.username).where(AccountRow.client_id == client_id))
        )
        n = 0
        if usernames:
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.username.in_(usernames)))
        for table in reversed(Base.metadata.sorted_tables):
            if "client_id" in table.c and table.name != "client":
                n += _erase_rows(s, table, table.c.client_id == client_id)
        n += _erase_rows(s, tables["client"], tables["client"].c.id == client_id)
        if n == 0:
            raise NotFound(f"client {client_id} not found")
        audit(s, actor or "admin:local", "client.erase", None, target=f"{n} rows erased")
        uow.commit()
        return n
