"""Export a clinician's records to JSON and import them into an empty database, losslessly."""

from __future__ import annotations

from typing import Any

from upperback import __version__
from upperback.errors import InvalidInput
from upperback.services.access import Actor, audit, require_clinician
from upperback.services.database import Database
from upperback.store.transfer import dump_tables, load_tables

FORMAT = "upperback-export"
FORMAT_VERSION = 1


def export_records(db: Database, actor: Actor) -> dict[str, Any]:
    """Every row the acting clinician owns, table by table, in dependency order.

    Logins are left out: password hashes never leave the database; accounts are made anew.
    """
    clinician_id = require_clinician(actor, "export records")
    tables = dump_tables(db.engine, clinician_id)
    with db.uow(write=True) as uow:
        audit(uow.session, actor, "export", None)
        uow.commit()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "upperback": __version__,
        "tables": tables,
    }


def import_records(db: Database, doc: Any) -> dict[str, int]:
    """Load an export into an empty database in one transaction; counts rows per table."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidInput(f"import: not an {FORMAT} document (missing 'format': {FORMAT!r})")
    if doc.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            f"import: format_version {doc.get('format_version')!r} is not supported (expected {FORMAT_VERSION})"
        )
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput("import: 'tables' must be an object of table name -> rows")
    return load_tables(db.engine, tables)
