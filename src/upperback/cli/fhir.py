"""`upperback fhir export|import`: a client's record as a FHIR R4 Bundle, out and in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

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
from upperback.interop.importer import MAX_BYTES, parse_json
from upperback.services import fhir

fhir_app = typer.Typer(
    help="FHIR R4 Bundles: export a client, import a Bundle.", no_args_is_help=True
)


@fhir_app.command("export")
@guarded
def export_(
    client_id: ClientArg,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of standard output.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """One FHIR R4 transaction Bundle with the client's record (checked before it is written)."""
    database = open_db(db)
    bundle = fhir.export_fhir(database, clinician(database), client_id, now=dt.datetime.now(dt.UTC))
    if out is None:
        print_json(bundle)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(json.dumps(bundle, indent=2), encoding="utf-8")
    tmp.replace(out)  # never leave a half-written Bundle behind
    console.print(f"exported {len(bundle['entry'])} resources to {out}")


def _read(source: Path) -> bytes:
    if not source.is_file():
        raise InvalidInput(f"{source}: file not found")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(
            f"{source}: {size} bytes is over the {MAX_BYTES} byte limit for a Bundle"
        )
    return source.read_bytes()


@fhir_app.command("import")
@guarded
def import_(
    source: Annotated[Path, typer.Argument(help="A FHIR R4 Bundle (JSON).")],
    db: DbOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create or match the Bundle's client and import what upperback understands (all or nothing)."""
    doc = parse_json(_read(source), str(source))
    database = open_db(db)
    report = fhir.import_fhir(database, clinician(database), doc, today=dt.date.today())
    if json_out:
        print_json(
            {
                "client_id": report.client_id,
                "created": report.created,
                "imported": report.imported,
                "skipped": report.skipped,
            }
        )
        return
    done = ", ".join(f"{n} {kind}" for kind, n in report.imported.items()) or "no records"
    how = "created" if report.created else "matched"
    console.print(f"client {report.client_id} ({how}): imported {done}", markup=False)
    console.print(f"skipped {len(report.skipped)}", markup=False)
    for line in report.skipped:
        console.print(f"  - {line}", markup=False, soft_wrap=True)
