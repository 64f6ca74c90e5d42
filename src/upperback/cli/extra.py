"""Command groups beside the method's steps: demo, simulate, knowledge, sEMG, web server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from upperback.cli.common import DbOpt, JsonOpt, console, guarded, print_json
from upperback.errors import InvalidInput

knowledge_app = typer.Typer(help="Browse the curated clinical knowledge.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    from upperback.cli.emg import emg_app
    from upperback.cli.serve import serve

    app.command()(demo)
    app.command()(serve)
    app.command()(simulate)
    app.add_typer(knowledge_app, name="knowledge")
    app.add_typer(emg_app, name="emg")


@guarded
def demo(
    db: DbOpt = None,
    fresh: Annotated[
        bool, typer.Option(help="Delete the database file first (SQLite only).")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the simulated client.")] = 7,
    weeks: Annotated[int, typer.Option(min=1, max=12, help="Weeks to simulate.")] = 12,
    start: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Program start.")
    ] = None,
) -> None:
    """Run the whole method for a demo client: intake, assessment, plan, 12 simulated weeks, outcomes."""
    from upperback.services.database import Database
    from upperback.services.demo import run_demo

    if fresh and db and "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    database = Database.open(db)
    start_day = start.date() if start else dt.date.today() - dt.timedelta(weeks=weeks)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("simulating logged sessions", total=weeks * 3 + 1)
        report = run_demo(
            database, start=start_day, seed=seed, weeks=weeks, on_step=lambda _m: bar.advance(task)
        )
    console.print(
        f"[bold]Demo client[/] {report.client.name} (id {report.client.id}) in {database.url}"
    )
    console.print(
        f"logged {report.logged} sessions ({report.missed} missed), {report.adaptations} adaptations, "
        f"{report.reassessments} reassessments; all session data SIMULATED"
    )
    rules = Table("rule", "fired", title="Adaptation rules that fired")
    for rule, n in sorted(report.rules.items(), key=lambda kv: -kv[1]):
        rules.add_row(rule, str(n))
    console.print(rules)
    if report.progress:
        table = Table(
            "measure",
            "baseline",
            "latest",
            "change",
            "meaningful",
            title="Outcomes (simulated client)",
        )
        for o in report.progress.outcomes:
            mark = "" if o.meaningful is None else ("yes" if o.meaningful else "no")
            table.add_row(
                o.measure, f"{o.baseline:.4g} {o.unit}", f"{o.latest:.4g}", f"{o.change:+.3g}", mark
            )
        console.print(table)
        if report.progress.adherence:
            console.print(f"adherence {report.progress.adherence.adherence:.0%}")


@guarded
def simulate(
    clients: Annotated[int, typer.Option(min=1, max=100_000, help="Virtual clients.")] = 1000,
    weeks: Annotated[int, typer.Option(min=1, max=52)] = 12,
    seed: Annotated[int, typer.Option()] = 0,
    json_out: JsonOpt = False,
) -> None:
    """Adaptive engine vs a fixed program on virtual clients (SIMULATION, not clinical evidence)."""
    from upperback.sim import render_report
    from upperback.sim import simulate as run

    report = run(clients, weeks=weeks, seed=seed)
    if json_out:
        print_json(report)
    else:
        console.print(render_report(report), markup=False, highlight=False)


@knowledge_app.command("exercises")
@guarded
def exercises(
    json_out: JsonOpt = False,
    muscle: Annotated[str | None, typer.Option(help="Filter by target muscle.")] = None,
) -> None:
    """The exercise library with targets, ratio class and evidence."""
    from upperback.knowledge.loader import exercise_library

    lib = exercise_library()
    items = [e for e in lib if muscle is None or any(m.value == muscle for m in e.targets)]
    if muscle is not None and not items:
        raise InvalidInput(f"--muscle: no exercise targets {muscle!r}")
    if json_out:
        print_json([e.model_dump(mode="json") for e in items])
        return
    table = Table("id", "name", "targets", "class", "loading", "level", "evidence")
    for e in items:
        table.add_row(
            e.id,
            e.name,
            ", ".join(m.value for m in e.targets),
            e.ratio_class.value if e.ratio_class else "-",
            ", ".join(t.value for t in e.loading_types),
            str(e.level),
            e.evidence.value,
        )
    console.print(table)
    console.print(f"{len(items)} exercises")


@knowledge_app.command("red-flags")
@guarded
def red_flags(json_out: JsonOpt = False) -> None:
    """The red-flag screening items (ids for the intake document's `red_flags`)."""
    from upperback.preface.screening import red_flag_items

    items = red_flag_items()
    if json_out:
        print_json([i.model_dump(mode="json") for i in items])
        return
    table = Table("id", "domain", "question", "kind", "asked by")
    for i in items:
        table.add_row(
            i.id,
            i.domain,
            escape(i.question),
            i.kind,
            "clinician" if i.clinician_only else "client",
        )
    console.print(table)


@knowledge_app.command("tests")
@guarded
def tests_(json_out: JsonOpt = False) -> None:
    """The assessment battery: units, norms and the change threshold each result is judged by."""
    from upperback.knowledge.tests_catalog import battery

    specs = list(battery().by_id.values())
    if json_out:
        print_json([t.model_dump(mode="json") for t in specs])
        return
    table = Table("id", "name", "unit", "norms", "change threshold")
    for t in specs:
        norms = "; ".join(
            f"{n.sex} {n.mean if n.mean is not None else n.cutoff} [{n.evidence.value}]"
            for n in t.norms
        )
        applied = next((c for c in t.change if c.applied), None)
        thr = (
            f"{applied.kind} {applied.value:g} ({applied.source}) [{applied.evidence.value}]"
            if applied
            else "-"
        )
        table.add_row(t.id, escape(t.name), t.unit, escape(norms or "-"), escape(thr))
    console.print(table)


@knowledge_app.command("counts")
@guarded
def counts(json_out: JsonOpt = False) -> None:
    """Exercise library counts by target muscle and by loading type."""
    from upperback.knowledge.library_report import counts_by_loading_type, counts_by_target
    from upperback.knowledge.loader import exercise_library

    lib = exercise_library()
    by_target, by_type = counts_by_target(lib), counts_by_loading_type(lib)
    if json_out:
        print_json({"exercises": len(lib), "by_target": by_target, "by_loading_type": by_type})
        return
    console.print(f"{len(lib)} exercises")
    for title, table in (("by target muscle", by_target), ("by loading type", by_type)):
        console.print(title + ": " + ", ".join(f"{k} {v}" for k, v in table.items()))
