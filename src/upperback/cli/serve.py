"""`upperback serve`: the web application (REST API under /api/v1 and the pages)."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Annotated

import typer

from upperback.cli.common import DbOpt, console, guarded


@guarded
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    db: DbOpt = None,
    seed_demo: Annotated[
        bool,
        typer.Option(
            "--seed-demo",
            help="Create a demo clinician and client with six weeks of SIMULATED history (once).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes behind the one port (more than 1 needs PostgreSQL).",
        ),
    ] = 1,
) -> None:
    """Start the web app: clinicians in a browser, clients on their phones, and the API."""
    import uvicorn

    from upperback.services.database import Database
    from upperback.web.app import create_app, server_options
    from upperback.web.settings import threads_from_env

    threads_from_env()  # a bad UPPERBACK_THREADS is refused before anything starts
    if workers > 1:
        _require_server(db, workers)
    if seed_demo:
        from upperback.services.seed import seed_demo as run_seed

        database = Database.open(db)
        info = run_seed(database, today=dt.date.today())
        database.close()
        state = "created" if info.created else "already present"
        console.print(f"demo data {state} (all session data SIMULATED)")
        console.print(f"  clinician: [bold]{info.clinician_user}[/] / {info.clinician_password}")
        console.print(f"  client:    [bold]{info.client_user}[/] / {info.client_password}")
        console.print(
            f"  other clinician (cannot see the demo client): {info.other_user} / {info.other_password}"
        )
    if workers > 1:
        _serve_workers(db, host, port, workers)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app(db)
    for w in caught:
        console.print(f"note: {w.message}", markup=False)
    _announce(host, port, 1)
    uvicorn.run(app, host=host, port=port, log_level="warning", **server_options())


def _announce(host: str, port: int, workers: int) -> None:
    shown = f"[{host}]" if ":" in host else host
    procs = f"{workers} workers, " if workers > 1 else ""
    console.print(
        f"upperback is running at [bold]http://{shown}:{port}/[/]  ({procs}API docs: /api/v1/docs; Ctrl+C stops)"
    )


def _require_server(db: str | None, workers: int) -> str:
    """The database URL, refused (one line) when it is an SQLite file."""
    from upperback.errors import InvalidInput
    from upperback.services.database import database_url

    url = database_url(db)
    if url.startswith("sqlite"):
        raise InvalidInput(
            f"--workers {workers}: several workers need PostgreSQL (SQLite has one writer); "
            "use --db postgresql://user@host/name or --workers 1"
        )
    return url


def _serve_workers(db: str | None, host: str, port: int, workers: int) -> None:
    """N uvicorn worker processes on one port; each builds the app from the environment.

    Workers share nothing in memory, so they need a database server (SQLite has one writer
    per file) and one secret key: a random key is made here once and handed to every worker.
    """
    import os
    import secrets

    import uvicorn

    from upperback.services.database import DB_ENV, Database
    from upperback.web.app import server_options
    from upperback.web.settings import SECRET_ENV

    url = _require_server(db, workers)
    Database.open(url).close()  # reachable and migrated once, before any worker starts
    os.environ[DB_ENV] = url
    if not os.environ.get(SECRET_ENV):
        os.environ[SECRET_ENV] = secrets.token_urlsafe(32)
        console.print(
            f"note: {SECRET_ENV} is not set: using a random secret shared by the workers "
            "for this run (sessions and tokens end when it stops)",
            markup=False,
        )
    _announce(host, port, workers)
    uvicorn.run(
        "upperback.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        **server_options(),
    )
