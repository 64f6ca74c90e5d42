"""Open a database (URL or file), migrate it to head, hand out units of work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from upperback.store import migrate
from upperback.store.db import ENV_VAR, make_engine, resolve_url
from upperback.store.uow import UnitOfWork


@dataclass
class Database:
    url: str
    engine: Engine

    @classmethod
    def open(cls, db: str | Path | None = None, *, migrate_schema: bool = True) -> Database:
        url = resolve_url(db)
        engine = make_engine(url)
        if migrate_schema:
            migrate.upgrade(engine)
        return cls(url=url, engine=engine)

    def uow(self, *, write: bool = False) -> UnitOfWork:
        """A unit of work; `write=True` for use cases that commit."""
        return UnitOfWork(self.engine, write=write)

    def close(self) -> None:
        self.engine.dispose()


DB_ENV = ENV_VAR
"""Environment variable naming the database when --db is not given."""


def database_url(db: str | Path | None = None) -> str:
    """The URL `Database.open(db)` would use, without opening or creating anything."""
    return resolve_url(db)
