"""`upperback cohort`: sEMG over many recordings and outcomes over all clients, on Dask."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from upperback.cli.common import DbOpt, JsonOpt, clinician, console, guarded, open_db, print_json

cohort_app = typer.Typer(
    name="cohort",
    help="Cohort analytics on Dask: sEMG over many recordings, outcomes across all clients.",
    no_args_is_help=True,
)

SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of a running Dask scheduler (tcp://host:8786); default: a local cluster.",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, max=256, help="Local cluster size (default: CPU count)."),
]


@cohort_app.command("emg")
@guarded
def emg(
    source: Annotated[
        Path, typer.Argument(help="Folder of recordings, or a manifest (CSV with a path column).")
    ],
    parquet: Annotated[
        Path, typer.Option("--parquet", help="Where to write the results table.")
    ] = Path("cohort-emg.parquet"),
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Analyse every recording; a failed one is reported and the rest go on."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from upperback.services.cohort import cohort_emg, find_recordings

    paths = find_recordings(source)
    database = open_db(db)
    actor = clinician(database)
    failures: list[str] = []
    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=as_json,
        refresh_per_second=2,  # [design] files take seconds; the bar shares the cores
    )
    task = bar.add_task("recordings", total=len(paths))

    def tick(res: dict[str, Any]) -> None:
        # The bar starts with the first result: a scheduler that cannot be reached is
        # then the only line printed.
        if not bar.live.is_started:
            bar.start()
        bar.advance(task)
        if not res["ok"]:
            failures.append(res["error"])
            if not as_json:
                bar.console.print(f"failed: {res['error']}", markup=False, soft_wrap=True)

    try:
        result = cohort_emg(
            database,
            actor,
            paths,
            parquet=parquet,
            scheduler=scheduler,
            workers=workers,
            on_result=tick,
        )
    finally:
        if bar.live.is_started:
            bar.stop()
    if as_json:
        print_json(
            {
                "run": result.run,
                "recordings": result.total,
                "analysed": result.total - len(result.failed),
                "failed": [{"path": r["path"], "error": r["error"]} for r in result.failed],
                "parquet": str(result.parquet),
            }
        )
        return
    console.print(
        f"run {result.run}: {result.total - len(failures)} of {result.total} recordings analysed, "
        f"{len(failures)} failed; table: {result.parquet}",
        markup=False,
        soft_wrap=True,
    )


@cohort_app.command("outcomes")
@guarded
def outcomes(
    today: Annotated[
        str | None, typer.Option("--today", help="Date adherence is counted to (YYYY-MM-DD).")
    ] = None,
    scheduler: SchedulerOpt = None,
    local: Annotated[
        bool, typer.Option("--local", help="Run on a local Dask cluster (same figures).")
    ] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change vs MCID per measure, responder rates, adherence and dose-response, all clients."""
    from upperback.errors import InvalidInput
    from upperback.services.cohort import cohort_outcomes

    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise InvalidInput(f"--today: {today!r} is not a date (YYYY-MM-DD)") from None
    database = open_db(db)
    result = cohort_outcomes(
        database, clinician(database), today=day, scheduler=scheduler, local=local
    )
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    table = Table(title=f"{result.n_clients} clients: change against MCID")
    for col in ("measure", "n", "mean change", "median", "MCID/MDC", "improved", "worsened"):
        table.add_column(col)
    for m in result.measures:
        table.add_row(
            m.measure,
            str(m.n),
            f"{m.mean_change:+.2f}",
            f"{m.median_change:+.2f}",
            f"{m.threshold:g}" if m.threshold is not None else "-",
            _pct(m.improved_rate),
            _pct(m.worsened_rate),
        )
    console.print(table)
    dr = result.dose_response
    console.print(
        f"responders: {result.responders} ({_pct(result.responder_rate)}); "
        f"adherence mean {_pct(result.adherence_mean)}, median {_pct(result.adherence_median)}, "
        f"adherent {_pct(result.adherent_rate)}",
        markup=False,
    )
    rho = f"{dr.spearman_rho:+.2f} (p {dr.p_value:.3g})" if dr.spearman_rho is not None else "-"
    console.print(
        f"dose-response (completed sets vs NPRS change, n={dr.n}): Spearman rho {rho}",
        markup=False,
    )


def _pct(x: float | None) -> str:
    return f"{100 * x:.0f}%" if x is not None else "-"
