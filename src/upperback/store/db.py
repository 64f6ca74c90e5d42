"""Engine set-up: database location, SQLite pragmas, migrations to head."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError

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
    return server_engine(url)


# --- Database servers (PostgreSQL): a bounded connection pool per process, checked at open.

POOL_SIZE_ENV = "UPPERBACK_DB_POOL_SIZE"
MAX_OVERFLOW_ENV = "UPPERBACK_DB_MAX_OVERFLOW"
#: Per process: `serve --workers 4` holds at most 4 x (8 + 12) = 80 connections, under
#: PostgreSQL's default max_connections of 100. [design]
DEFAULT_POOL_SIZE = 8
DEFAULT_MAX_OVERFLOW = 12
CONNECT_TIMEOUT_S = 5


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise InvalidInput(f"{name}: {raw!r} is not a whole number")
    return int(raw)


def server_url(url: str) -> URL:
    """Parse a server URL; plain postgresql:// means the psycopg (3) driver."""
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInput(f"--db: {url!r} is not a valid database URL") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def server_engine(url: str) -> Engine:
    """An engine with a bounded pool (pre-ping, recycle) that has reached the server once.

    Wrong URLs, missing drivers and unreachable servers are one-line InvalidInput errors.
    """
    parsed = server_url(url)
    shown = parsed.render_as_string(hide_password=True)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "upperback"}
    try:
        engine = create_engine(
            parsed,
            pool_size=_env_int(POOL_SIZE_ENV, DEFAULT_POOL_SIZE),
            max_overflow=_env_int(MAX_OVERFLOW_ENV, DEFAULT_MAX_OVERFLOW),
            pool_timeout=30,
            pool_recycle=1800,
            pool_pre_ping=True,
            connect_args=connect_args,
        )
    except NoSuchModuleError:
        raise InvalidInput(
            f"--db: unknown database kind {parsed.drivername!r} in {shown} "
            "(use a file path or postgresql://user@host:port/name)"
        ) from None
    except ModuleNotFoundError as exc:
        raise InvalidInput(f"--db: the database driver {exc.name!r} is not installed") from None
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        reason = (str(exc.orig).strip().splitlines() or ["no answer"])[0]
        raise InvalidInput(f"--db: cannot reach the database {shown}: {reason}") from None
    return engine
