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
) -> None:
    """Start the web app: clinicians in a browser, clients on their phones, and the API."""
    import uvicorn

    from upperback.services.database import Database
    from upperback.web.app import create_app, server_options

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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = create_app(db)
    for w in caught:
        console.print(f"note: {w.message}", markup=False)
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"upperback is running at [bold]http://{shown}:{port}/[/]  (API docs: /api/v1/docs; Ctrl+C stops)"
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", **server_options())
