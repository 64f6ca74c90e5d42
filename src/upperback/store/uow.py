"""Unit of work: one transaction per command; rolls back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """Open a session, let the service work, commit once or roll back everything.

    A writing unit of work takes SQLite's write lock at BEGIN (see store.db): a
    transaction that reads first and writes later could otherwise fail to upgrade its
    lock while another writer commits ("database is locked").
    """

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        bind = engine.execution_options(upperback_write=True) if write else engine
        self._factory = sessionmaker(bind=bind, expire_on_commit=False)
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
