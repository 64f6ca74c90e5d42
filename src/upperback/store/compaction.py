"""Whole-document program versions to patches and back, and each log's plan, in SQL core.

Shared by migration 0006 (existing databases) and by import (exports carry whole
documents), so both store what a new database stores. Lossless: every version's document
materialises to exactly what was stored before (tested by export before == export after).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import LargeBinary, Table, column, select, table, update
from sqlalchemy.engine import Connection

from upperback.store import versions
from upperback.store.tables import ProgramRow, SessionLogRow

_P: Table = ProgramRow.__table__  # type: ignore[assignment]
_L: Table = SessionLogRow.__table__  # type: ignore[assignment]


def _clients(conn: Connection) -> list[int]:
    return list(conn.scalars(select(_P.c.client_id).distinct().order_by(_P.c.client_id)))


def _versions(conn: Connection, client_id: int) -> list[Any]:
    return list(
        conn.execute(
            select(_P.c.id, _P.c.version, _P.c.document, _P.c.patch)
            .where(_P.c.client_id == client_id)
            .order_by(_P.c.version)
        )
    )


def compact_programs(conn: Connection, *, repack: bool = False) -> int:
    """Store each whole-document version as a patch where store.versions would; returns how
    many rows became patches. `repack` rewrites the snapshots kept, so documents stored as
    plain JSON text (before 0006) are packed too."""
    changed = 0
    for client_id in _clients(conn):
        prev: dict[str, Any] | None = None
        for row in _versions(conn, client_id):
            if row.document is None:
                assert prev is not None, f"program {row.id}: a patch with no version before it"
                prev = versions.apply(prev, row.patch)
                continue
            _document, patch = versions.encode(row.version, prev, row.document)
            if patch is not None:
                conn.execute(update(_P).where(_P.c.id == row.id).values(document=None, patch=patch))
                changed += 1
            elif repack:
                conn.execute(update(_P).where(_P.c.id == row.id).values(document=row.document))
            prev = row.document
    return changed


def inflate_programs(conn: Connection) -> int:
    """Every version back to a whole document (downgrade of 0006)."""
    changed = 0
    for client_id in _clients(conn):
        prev: dict[str, Any] | None = None
        for row in _versions(conn, client_id):
            if row.document is not None:
                prev = row.document
                continue
            assert prev is not None, f"program {row.id}: a patch with no version before it"
            prev = versions.apply(prev, row.patch)
            conn.execute(
                update(_P).where(_P.c.id == row.id).values(document=versions.copy(prev), patch=None)
            )
            changed += 1
    return changed


def fill_plan_start(conn: Connection) -> None:
    """Each log's plan start from the program version it was logged against."""
    start = (
        select(_P.c.start_date)
        .where(_P.c.client_id == _L.c.client_id, _P.c.version == _L.c.program_version)
        .scalar_subquery()
    )
    conn.execute(update(_L).where(_L.c.plan_start.is_(None)).values(plan_start=start))


def materialised_documents(conn: Connection, client_id: int) -> dict[int, dict[str, Any]]:
    """Every version's whole document (for exports), by version."""
    out: dict[int, dict[str, Any]] = {}
    prev: dict[str, Any] | None = None
    for row in _versions(conn, client_id):
        if row.document is not None:
            prev = row.document
        else:
            assert prev is not None, f"program {row.id}: a patch with no version before it"
            prev = versions.apply(versions.copy(prev), row.patch)
        out[row.version] = prev
    return out


def unpack_documents(conn: Connection) -> None:
    """Snapshots back to plain JSON text bytes (downgrade of 0006, before the column becomes
    JSON again)."""
    plain = table("program", column("id"), column("document", LargeBinary))
    for row in conn.execute(select(_P.c.id, _P.c.document)).fetchall():
        if row.document is not None:
            text = json.dumps(row.document).encode()
            conn.execute(update(plain).where(plain.c.id == row.id).values(document=text))
