"""`upperback client add|list|show`."""

from __future__ import annotations

import datetime as dt
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
from upperback.model.client import ClientIn
from upperback.model.common import Sex
from upperback.services import clients

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
    from upperback.services.preface import screening_status

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
        if clearance:
            console.print(f"cleared {clearance.date}: {clearance.note}")
