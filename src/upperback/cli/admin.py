"""Administration on the server: backup and restore, erase a client, disable a login,
log an account out everywhere. Acts as the local administrator (audited as such)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from upperback.cli.common import DbOpt, console, guarded, open_db
from upperback.services import backup as backup_service
from upperback.services.accounts import set_disabled
from upperback.services.auth_sessions import end_all_sessions
from upperback.services.erasure import erase_client

account_app = typer.Typer(help="Disable, enable or log out a login.", no_args_is_help=True)
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing file or database.")]


@guarded
def backup(
    dest: Annotated[Path, typer.Argument(help="Backup file to write (created 0600).")],
    db: DbOpt = None,
    force: ForceOpt = False,
) -> None:
    """A consistent copy of the live database (SQLite backup API; pg_dump for PostgreSQL)."""
    size = backup_service.backup(db, dest, overwrite=force)
    console.print(f"backup written: {dest} ({size / 1e6:.2f} MB, mode 0600)")


@guarded
def restore(
    source: Annotated[Path, typer.Argument(help="Backup file made by `upperback backup`.")],
    db: DbOpt = None,
    force: ForceOpt = False,
) -> None:
    """Put a backup in place of the database (stop the server first)."""
    backup_service.restore(source, db, overwrite=force)
    open_db(db)  # migrate an older backup to the current schema
    console.print(f"restored from {source}")


@guarded
def erase(
    client_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="Client id.")],
    db: DbOpt = None,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
) -> None:
    """Erase a client: every record, recording, login and audit entry naming them."""
    if not yes:
        raise typer.BadParameter("erasing cannot be undone: add --yes to confirm")
    n = erase_client(open_db(db), None, client_id)
    console.print(f"client {client_id} erased ({n} rows)")


@account_app.command("disable")
@guarded
def disable(username: str, db: DbOpt = None) -> None:
    """Disable a login: its sessions and tokens stop working at once."""
    set_disabled(open_db(db), None, username, True)
    console.print(f"{username}: disabled")


@account_app.command("enable")
@guarded
def enable(username: str, db: DbOpt = None) -> None:
    set_disabled(open_db(db), None, username, False)
    console.print(f"{username}: enabled")


@account_app.command("logout")
@guarded
def logout(username: str, db: DbOpt = None) -> None:
    """End every session and revoke every token of a login."""
    database = open_db(db)
    account = set_disabled(database, None, username, False)
    end_all_sessions(database, account.id)
    console.print(f"{username}: logged out everywhere")


def register(app: typer.Typer) -> None:
    app.command()(backup)
    app.command()(restore)
    app.command()(erase)
    app.add_typer(account_app, name="account")
