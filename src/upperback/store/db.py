"""Engine set-up: database location, SQLite pragmas, migrations to head."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from upperback.errors import InvalidInput

ENV_VAR = "UPPERBACK_DB"
SYNC_ENV = "UPPERBACK_SQLITE_SYNCHRONOUS"
SYNC_MODES = ("NORMAL", "FULL", "EXTRA")


def default_db_path() -> Path:
    """The embedded database under the user's data directory."""
    return Path(user_data_dir("upperback", appauthor=False)) / "upperback.sqlite3"


def resolve_url(db: str | Path | None = None) -> str:
    """A SQLAlchemy URL from `--db`, then UPPERBACK_DB, then the default file.

    A plain path means an SQLite file; anything with '://' is taken as a URL
    (for example postgresql+psycopg://...).
    """
    raw = str(db) if db is not None else os.environ.get(ENV_VAR) or str(default_db_path())
    if "://" in raw:
        try:
            make_url(raw)
        except Exception:
            raise InvalidInput(f"--db: {raw!r} is not a valid database URL") from None
        return raw
    path = Path(raw).expanduser()
    if path.exists() and path.is_dir():
        raise InvalidInput(f"--db: {path} is a directory, not a database file")
    return f"sqlite:///{path}"


def synchronous_mode() -> str:
    """SQLite's `synchronous` from UPPERBACK_SQLITE_SYNCHRONOUS (default NORMAL).

    NORMAL in WAL mode never corrupts the file but may lose the last commits on power loss;
    FULL syncs the WAL at every commit, so an acknowledged write survives a power cut too.
    """
    mode = os.environ.get(SYNC_ENV, "NORMAL").strip().upper()
    if mode not in SYNC_MODES:
        raise InvalidInput(f"{SYNC_ENV}: {mode!r} is not one of {', '.join(SYNC_MODES)}")
    return mode


def create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600) if it does not exist yet.

    SQLite gives its -wal and -shm files the mode of the main file, so they follow.
    """
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _pragmas(synchronous: str) -> Any:
    def apply(dbapi_conn: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_conn, record, synchronous)

    return apply


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, synchronous: str = "NORMAL") -> None:
    # WAL lets readers work during a write and survives a crash mid-commit;
    # foreign keys are off by default in SQLite and must be asked for per connection.
    # The driver's own implicit BEGIN is switched off: _sqlite_begin issues it instead.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA synchronous={synchronous}")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) and queue on busy_timeout;
    # readers start deferred and never block in WAL mode.
    write = conn.get_execution_options().get("upperback_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite files get their parent folder, WAL and foreign keys."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            create_private_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _pragmas(synchronous_mode()))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise InvalidInput(f"--db: the database driver {exc.name!r} is not installed") from None
