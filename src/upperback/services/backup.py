"""Consistent online backups and restores: SQLite's backup API, pg_dump/pg_restore for PostgreSQL.

Backup files are created readable by their owner only (0600): they hold health data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from upperback.errors import Conflict, InvalidInput
from upperback.store.db import create_private_file, resolve_url


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return None
    if not u.database or u.database == ":memory:":
        raise InvalidInput("--db: an in-memory database cannot be backed up")
    return Path(u.database)


def _pg_url(url: str) -> str:
    """libpq's URL (pg_dump does not know SQLAlchemy's '+driver' suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _fresh_target(dest: Path, overwrite: bool) -> None:
    if dest.exists() and dest.is_dir():
        raise InvalidInput(f"{dest}: is a directory")
    if dest.exists() and not overwrite:
        raise Conflict(f"{dest}: already exists (use --force to replace it)")
    if dest.exists():
        dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(dest)


def backup(db: str | Path | None, dest: Path, *, overwrite: bool = False) -> int:
    """Copy the live database to `dest` while it stays in use; returns the size in bytes."""
    url = resolve_url(db)
    source = _sqlite_path(url)
    _fresh_target(dest, overwrite)
    if source is None:
        _run(["pg_dump", "--format=custom", f"--file={dest}", _pg_url(url)], "pg_dump")
    else:
        if not source.is_file():
            dest.unlink()
            raise InvalidInput(f"--db: {source} does not exist")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        out = sqlite3.connect(dest)
        try:
            src.backup(out)  # one consistent snapshot, even with writers active
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            out.close()
            src.close()
    os.chmod(dest, 0o600)
    return dest.stat().st_size


def restore(source: Path, db: str | Path | None, *, overwrite: bool = False) -> None:
    """Put a backup in place of the database (stop the server first)."""
    if not source.is_file():
        raise InvalidInput(f"{source}: no such backup file")
    url = resolve_url(db)
    target = _sqlite_path(url)
    if target is None:
        flags = ["--clean", "--if-exists"] if overwrite else []
        _run(
            ["pg_restore", *flags, "--no-owner", f"--dbname={_pg_url(url)}", str(source)],
            "pg_restore",
        )
        return
    with open(source, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InvalidInput(f"{source}: not an SQLite backup")
    if target.exists() and not overwrite:
        raise Conflict(f"{target}: a database is already there (use --force to replace it)")
    for extra in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        extra.unlink(missing_ok=True)
    _fresh_target(target, overwrite=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    out = sqlite3.connect(target)
    try:
        src.backup(out)
    finally:
        out.close()
        src.close()
    os.chmod(target, 0o600)


def _run(cmd: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise InvalidInput(f"{tool}: not installed (needed for PostgreSQL backups)")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["failed"])[0]
        raise InvalidInput(f"{tool}: {first}")
