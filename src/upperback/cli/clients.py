"""`upperback client add|list|show|emg|emg-list`."""

from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from upperback.cli.common import (
    ClientArg,
    DbOpt,
    JsonOpt,
    clinician,
    console,
    guarded,
    open_db,
    print_json,
)
from upperback.errors import InvalidInput
from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import clients, emg
from upperback.services.preface import screening_status

client_app = typer.Typer(help="Register and look up clients.", no_args_is_help=True)


@client_app.command("add")
@guarded
def add(
    name: Annotated[str, typer.Option(help="Client's name.")],
    sex: Annotated[Sex, typer.Option(help="female, male or other (norms are by sex).")],
    birth_year: Annotated[int, typer.Option(help="Year of birth.")],
    mass: Annotated[
        float | None, typer.Option("--mass", help="Body mass in kg (dyskinesis test load).")
    ] = None,
    email: Annotated[str | None, typer.Option(help="Contact e-mail.")] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Register a client under the acting clinician."""
    database = open_db(db)
    data = ClientIn(name=name, sex=sex, birth_year=birth_year, body_mass_kg=mass, email=email)
    client = clients.add_client(database, clinician(database), data, today=dt.date.today())
    if json_out:
        print_json(client)
    else:
        console.print(f"client {client.id} added: {client.name}")


@client_app.command("list")
@guarded
def list_(db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """List the acting clinician's clients."""
    database = open_db(db)
    rows = clients.list_clients(database, clinician(database))
    if json_out:
        print_json([c.model_dump(mode="json") for c in rows])
        return
    table = Table("id", "name", "sex", "born", "added")
    for c in rows:
        table.add_row(str(c.id), c.name, c.sex.value, str(c.birth_year), str(c.created))
    console.print(table)


@client_app.command("show")
@guarded
def show(client_id: ClientArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """Show one client with screening status."""
    database = open_db(db)
    client, screening, clearance = screening_status(database, clinician(database), client_id)
    if json_out:
        print_json(
            {
                "client": client.model_dump(mode="json"),
                "screening": screening.model_dump(mode="json") if screening else None,
                "clearance": clearance.model_dump(mode="json") if clearance else None,
            }
        )
        return
    console.print(
        f"[bold]{client.name}[/] (id {client.id}), {client.sex.value}, born {client.birth_year}"
    )
    if screening is None:
        console.print("screening: no intake yet")
    else:
        console.print(f"screening: {screening.outcome} (urgency {screening.urgency.value})")
        for hit in screening.hits:
            console.print(f"  - {hit.label}: {hit.action}")
        for hit in screening.precautions:
            console.print(f"  precaution - {hit.label}: {hit.action}")
        if clearance:
            console.print(f"cleared {clearance.date}: {clearance.note}")


MAX_RECORDING_BYTES = 64 * 1024 * 1024  # the web upload's default limit


@client_app.command("emg")
@guarded
def emg_store(
    client_id: ClientArg,
    recording: Annotated[Path, typer.Argument(help="CSV/TXT, EDF/BDF or C3D recording.")],
    fs: Annotated[
        float | None,
        typer.Option("--fs", min=1, max=100_000, help="Sampling rate (Hz) if the file has none."),
    ] = None,
    mains: Annotated[str, typer.Option(help="Mains notch: auto, 50, 60 or none.")] = "auto",
    day: Annotated[
        dt.datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help="Recording date (default today)."),
    ] = None,
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Analyse an sEMG recording and keep it with the client's record (as the web upload does)."""
    if mains not in ("auto", "50", "60", "none"):
        raise InvalidInput(f"--mains: {mains!r} is not one of auto, 50, 60, none")
    if not recording.is_file():
        raise InvalidInput(f"{recording}: file not found")
    if recording.stat().st_size > MAX_RECORDING_BYTES:
        raise InvalidInput(f"{recording}: larger than {MAX_RECORDING_BYTES // (1024 * 1024)} MB")
    # matplotlib and the sEMG stack load only for this command (CLI start-up stays short)
    from upperback.report.emg_view import analyze_upload

    database = open_db(db)
    rec_id = emg.upload_emg(
        database, clinician(database), client_id,
        day=day.date() if day else dt.date.today(), filename=recording.name[-200:],
        content=recording.read_bytes(), analyse=partial(analyze_upload, fs=fs, mains=mains),
    )  # fmt: skip
    if json_out:
        print_json({"id": rec_id, "client_id": client_id, "filename": recording.name})
    else:
        console.print(f"sEMG recording {rec_id} stored for client {client_id}: {recording.name}")


@client_app.command("emg-list")
@guarded
def emg_list(client_id: ClientArg, db: DbOpt = None, json_out: JsonOpt = False) -> None:
    """The client's stored sEMG recordings."""
    database = open_db(db)
    rows = emg.list_emg(database, clinician(database), client_id)
    if json_out:
        print_json([{"id": e.id, "date": e.date, "filename": e.filename} for e in rows])
        return
    table = Table("id", "date", "file")
    for e in rows:
        table.add_row(str(e.id), str(e.date), e.filename)
    console.print(table)
