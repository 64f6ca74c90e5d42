"""The `upperback` command: one Typer app assembling every command group."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from upperback import __version__
from upperback.cli import admin, journey, remind
from upperback.cli.clients import client_app
from upperback.cli.cohort import cohort_app
from upperback.cli.common import (
    DbOpt,
    JsonOpt,
    OneLineErrors,
    clinician,
    console,
    guarded,
    open_db,
    print_json,
    read_json,
)
from upperback.cli.fhir import fhir_app
from upperback.errors import InvalidInput
from upperback.services import clients, transfer

app = typer.Typer(
    name="upperback",
    help="Precision training of upper-back resilience: preface, assessment, intentional loading, adaptive feedback.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=OneLineErrors,
)
app.add_typer(client_app, name="client")
app.add_typer(fhir_app, name="fhir")
journey.register(app)
admin.register(app)
app.add_typer(cohort_app, name="cohort")
app.command()(remind.remind)


def _version(value: bool) -> None:
    if value:
        console.print(f"upperback {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """upperback advises a clinician; it does not diagnose."""


@app.command()
@guarded
def init(
    clinician_name: Annotated[
        str, typer.Option("--clinician", help="Name of the local clinician.")
    ] = "Local clinician",
    db: DbOpt = None,
) -> None:
    """Create (or migrate) the database and the local clinician the CLI acts as."""
    database = open_db(db)
    actor = clients.ensure_clinician(database, clinician_name)
    console.print(
        f"database ready at {database.url}; acting as clinician {actor.clinician_id} ({actor.name})"
    )


@app.command("export")
@guarded
def export_(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of standard output.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Export every record of the acting clinician as one JSON document."""
    database = open_db(db)
    doc = transfer.export_records(database, clinician(database))
    if out is None:
        print_json(doc)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    tmp.replace(out)  # never leave a half-written export behind
    console.print(f"exported {sum(len(v) for v in doc['tables'].values())} rows to {out}")


@app.command("import")
@guarded
def import_(
    source: Annotated[str, typer.Argument(help="Export file, or - for standard input.")],
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import an export into an empty database (all or nothing)."""
    doc = read_json(source)
    database = open_db(db)
    counts = transfer.import_records(database, doc)
    if json_out:
        print_json(counts)
    else:
        console.print(
            f"imported {sum(counts.values())} rows into {len([c for c in counts.values() if c])} tables"
        )


@app.command()
@guarded
def schema(
    document: Annotated[
        str, typer.Argument(help="intake, assessment, session-log, or all.")
    ] = "all",
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="Write <name>.schema.json files here.")
    ] = None,
) -> None:
    """Print the JSON Schemas of the documents users write."""
    from upperback.schemas import DOCUMENTS, json_schema

    names = list(DOCUMENTS) if document == "all" else [document]
    for name in names:
        if name not in DOCUMENTS:
            raise InvalidInput(f"document: {name!r} is not one of {', '.join(DOCUMENTS)}, all")
    if out_dir is None:
        print_json(
            {n: json_schema(n) for n in names} if document == "all" else json_schema(names[0])
        )
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in names:
        (out_dir / f"{n}.schema.json").write_text(
            json.dumps(json_schema(n), indent=2) + "\n", encoding="utf-8"
        )
    console.print(f"wrote {len(names)} schema file(s) to {out_dir}")


def _register_optional() -> None:
    """Command groups that live with their capability (sEMG, knowledge, demo, web)."""
    from upperback.cli.extra import register

    register(app)


_register_optional()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
