"""The method's steps as commands: intake, clear, assess, profile, plan, log, next, why, override, progress."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from upperback.cli import render
from upperback.cli.common import (
    ClientArg,
    DbOpt,
    DocArg,
    JsonOpt,
    clinician,
    console,
    guarded,
    open_db,
    print_json,
    read_model,
)
from upperback.errors import InvalidInput
from upperback.model.adaptation import Override, OverrideField
from upperback.model.assessment import AssessmentIn
from upperback.model.intake import Clearance, Intake
from upperback.model.session import SessionLogIn
from upperback.outcomes.window import recent_text
from upperback.services import assessment as assessment_svc
from upperback.services import preface, program, progress, sessions

DateOpt = Annotated[
    dt.datetime | None,
    typer.Option("--date", formats=["%Y-%m-%d"], help="Date (YYYY-MM-DD); default today."),
]


def _day(value: dt.datetime | None) -> dt.date:
    return value.date() if value else dt.date.today()


def register(app: typer.Typer) -> None:
    for fn in (intake, clear, assess, profile, plan, log, next_, why, override, progress_):
        name = fn.__name__.rstrip("_")
        app.command(name)(fn)


@guarded
def intake(
    client_id: ClientArg, document: DocArg, db: DbOpt = None, json_out: JsonOpt = False
) -> None:
    """Record an intake (JSON) and screen it for red flags; a referral blocks planning."""
    doc = read_model(document, Intake)
    database = open_db(db)
    result = preface.record_intake(database, clinician(database), client_id, doc)
    if json_out:
        print_json(result)
    else:
        render.screening(console, result)


@guarded
def clear(
    client_id: ClientArg,
    note: Annotated[
        str, typer.Option(help="What was done about the referral (who reviewed, result).")
    ],
    date: DateOpt = None,
    db: DbOpt = None,
) -> None:
    """Record a clinician's clearance of the latest referral, so loading may start."""
    database = open_db(db)
    preface.record_clearance(
        database, clinician(database), client_id, Clearance(date=_day(date), note=note)
    )
    console.print("clearance recorded: planning is allowed")


@guarded
def assess(
    client_id: ClientArg, document: DocArg, db: DbOpt = None, json_out: JsonOpt = False
) -> None:
    """Score an assessment battery (JSON) against norms and previous results; prints the deficit profile."""
    doc = read_model(document, AssessmentIn)
    database = open_db(db)
    out = assessment_svc.record_assessment(database, clinician(database), client_id, doc)
    if json_out:
        print_json(
            {
                "assessment_id": out.assessment_id,
                "scored": out.scored,
                "profile": out.profile,
                "replanned": out.replanned,
            }
        )
        return
    render.scored(console, out.scored)
    render.profile(console, out.profile)
    if out.replanned:
        render.adaptations(console, out.replanned, title="Re-planned after reassessment")


@guarded
def profile(client_id: ClientArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """Show the latest deficit profile: weak links, dominant links, mobility limits, priorities."""
    database = open_db(db)
    prof = assessment_svc.latest_profile(database, clinician(database), client_id)
    if json_out:
        print_json(prof)
    else:
        render.profile(console, prof)


def _start_loads(items: list[str]) -> dict[str, float]:
    """`--start-load prone_y_db=2` pairs; a malformed one is one line naming it."""
    out: dict[str, float] = {}
    for item in items:
        ex_id, sep, value = item.partition("=")
        try:
            out[ex_id.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not ex_id.strip():
            raise InvalidInput(f"--start-load: {item!r} is not EXERCISE=VALUE (e.g. prone_y_db=2)")
    return out


@guarded
def plan(
    client_id: ClientArg,
    start: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First day (default today).")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed for the weekly variation (same seed, same program).")
    ] = 0,
    start_load: Annotated[
        list[str] | None,
        typer.Option(
            help="Starting load EXERCISE=VALUE (kg, or band / pressure-cuff level); repeatable."
        ),
    ] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Generate the individualized 12-week program from the profile and intake constraints."""
    database = open_db(db)
    prog = program.plan_program(
        database,
        clinician(database),
        client_id,
        start_date=_day(start),
        seed=seed,
        start_loads=_start_loads(start_load or []),
    )
    if json_out:
        print_json(prog)
    else:
        render.program(console, prog)


@guarded
def log(
    client_id: ClientArg, document: DocArg, db: DbOpt = None, json_out: JsonOpt = False
) -> None:
    """Log a session (JSON); the adaptive engine changes what comes next and says why."""
    doc = read_model(document, SessionLogIn)
    database = open_db(db)
    out = sessions.log_session(database, clinician(database), client_id, doc)
    if json_out:
        print_json(
            {
                "log_id": out.log_id,
                "program_version": out.program_version,
                "adaptations": out.adaptations,
                "next_session": out.next_session,
                "referral": out.referral,
            }
        )
        return
    console.print(
        f"session {doc.week}.{doc.index} logged (log {out.log_id}); program now v{out.program_version}"
    )
    render.adaptations(console, out.adaptations)
    if out.referral is not None:
        render.screening(console, out.referral)
    elif out.next_session is not None:
        render.session(console, out.next_session)


@guarded
def next_(client_id: ClientArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """The next session with its doses, tempo, breathing and coaching cues."""
    database = open_db(db)
    view = program.next_view(database, clinician(database), client_id)
    if json_out:
        print_json(
            {
                "session": view.session,
                "suspended": view.suspended_reason,
                "program_version": view.program.version,
                "precautions": view.precautions,
            }
        )
        return
    if view.precautions_text:
        console.print("[bold yellow]" + escape(view.precautions_text) + "[/]")
    if view.suspended_reason:
        console.print("[bold red]program suspended[/]: " + escape(view.suspended_reason))
    elif view.session is None:
        console.print(
            "program complete: every planned session is logged; reassess and plan the next block"
        )
    else:
        render.session(console, view.session)


@guarded
def why(client_id: ClientArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """The reasons behind the current prescription: selection rationale and every adaptation."""
    database = open_db(db)
    view = program.next_view(database, clinician(database), client_id)
    if json_out:
        print_json(
            {
                "program_rationale": view.program.rationale,
                "precautions": view.precautions,
                "session": view.session,
                "adaptations": program.adaptations_for(database, clinician(database), client_id),
            }
        )
        return
    if view.precautions_text:
        console.print("[bold yellow]" + escape(view.precautions_text) + "[/]")
    for line in view.program.rationale:
        console.print(escape(f"program: {line}"))
    if view.session is not None:
        render.session(console, view.session, with_rationale=True)
    history = program.adaptations_for(database, clinician(database), client_id)
    render.adaptations(console, history, title="Adaptation history")


@guarded
def override(
    client_id: ClientArg,
    exercise: Annotated[str, typer.Option(help="Exercise id the override applies to.")],
    field: Annotated[OverrideField, typer.Option(help="What to set.")],
    reason: Annotated[str, typer.Option(help="Why (stored and shown).")],
    value: Annotated[
        str, typer.Option(help="New value (number, or exercise id for replace_with).")
    ] = "",
    date: DateOpt = None,
    db: DbOpt = None,
) -> None:
    """Record a clinician override; the engine applies it and never changes it back."""
    database = open_db(db)
    ov = Override(exercise_id=exercise, field=field, value=value, reason=reason, date=_day(date))
    prog = program.add_override(database, clinician(database), client_id, ov)
    console.print(f"override stored; program now v{prog.version}")


@guarded
def progress_(
    client_id: ClientArg,
    date: DateOpt = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Outcomes against clinically meaningful change, and adherence."""
    database = open_db(db)
    prog = progress.progress(database, clinician(database), client_id, today=_day(date))
    if json_out:
        print_json(
            {
                "outcomes": prog.outcomes,
                "adherence": prog.adherence,
                "series": {
                    k: [p.model_dump(mode="json") for p in v] for k, v in prog.series.items()
                },
                "adaptations": prog.adaptations_count,
            }
        )
        return
    table = Table(
        "measure", "baseline", "latest", "change", "threshold", "meaningful", title="Outcomes"
    )
    for o in prog.outcomes:
        thr = f"{o.threshold:g} ({o.threshold_kind})" if o.threshold is not None else "n/a"
        pct = f" ({o.percent_change:+.0f} %)" if o.percent_change is not None else ""
        mark = (
            ""
            if o.meaningful is None
            else ("yes, " if o.meaningful else "no, ") + ("improved" if o.improved else "worse")
        )
        table.add_row(
            o.measure,
            f"{o.baseline:.4g} {o.unit}",
            f"{o.latest:.4g}",
            f"{o.change:+.3g}{pct}",
            thr,
            mark,
        )
    console.print(table)
    if prog.adherence:
        a = prog.adherence
        console.print(
            f"adherence: {a.completed_sessions}/{a.planned_sessions} planned sessions done ({a.adherence:.0%}); "
            f"{recent_text(a.recent_adherence, a.recent_days)}; longest gap {a.longest_gap_days} days; {prog.adaptations_count} adaptations"
        )
