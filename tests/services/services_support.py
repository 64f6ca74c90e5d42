"""A real database (SQLite and PostgreSQL), migrated to head, with two clinicians and one client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import clients
from upperback.services.access import Actor
from upperback.services.database import Database

START = dt.date(2026, 1, 5)  # a Monday


@dataclass(frozen=True)
class World:
    db: Database
    actor: Actor
    other: Actor
    client_id: int


def open_world(where: Path | str) -> Iterator[World]:
    """`where`: a folder for a new SQLite file, or a database path/URL (tests/conftest db_url)."""
    db = Database.open(where / "services.sqlite3" if isinstance(where, Path) else where)
    actor = clients.ensure_clinician(db, "Dr Test")
    other = clients.ensure_clinician(db, "Dr Other")
    client = clients.add_client(
        db, actor, ClientIn(name="Pat", sex=Sex.female, birth_year=1985, body_mass_kg=62),
        today=START,
    )  # fmt: skip
    yield World(db, actor, other, client.id)
    db.close()
