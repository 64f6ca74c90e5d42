"""What every command shares: options, error translation, document reading, output."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from upperback.errors import InvalidInput, UpperbackError
from upperback.knowledge.loader import describe_validation_error
from upperback.services.access import Actor, default_clinician
from upperback.services.database import Database

console = Console()
err_console = Console(stderr=True)

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="UPPERBACK_DB", help="SQLite file or database URL (default: user data dir)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
ClientArg = Annotated[
    int, typer.Argument(min=1, max=2**31 - 1, help="Client id (see `upperback client list`).")
]
DocArg = Annotated[str, typer.Argument(help="JSON document file, or - for standard input.")]

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)


def guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn user errors into one line on stderr and exit status 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except UpperbackError as exc:
            fail(exc.message)
        except ValidationError as exc:
            fail(describe_validation_error(exc, exc.title))
        except OverflowError as exc:
            fail(f"value out of range: {exc}")
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            fail(f"database: {detail} (is --db an upperback database at the current version?)")
        finally:
            close_databases()

    return wrapper


def fail(message: str) -> NoReturn:
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _one_line(message: str) -> str:
    return " ".join(message.split())


class OneLineErrors(typer.core.TyperGroup):
    """The top-level command group: Click/Typer parse errors (a bad date, an id out of range,
    an unknown option or command) become one line `error: ...` with exit status 2, like every
    other user error, instead of Typer's usage box."""

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.TyperException as exc:  # Typer's (vendored) Click parse errors
            ctx = getattr(exc, "ctx", None)
            if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
                text = ctx.get_help()  # bare `upperback`: the help, as before (Rich prints it)
                if text:
                    typer.echo(text)
                sys.exit(2)
            where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            err_console.print(
                f"error: {_one_line(exc.format_message())}{where}",
                markup=False, highlight=False, soft_wrap=True,
            )  # fmt: skip
            sys.exit(2)
        except typer.Abort:
            err_console.print("error: aborted", markup=False, highlight=False)
            sys.exit(2)
        sys.exit(rv if isinstance(rv, int) else 0)


def read_json(source: str) -> Any:
    """Read a JSON document from a path or '-' (stdin) with a one-line error if malformed."""
    if source == "-":
        text = sys.stdin.read()
        where = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidInput(f"{source}: file not found")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{source}: cannot read ({exc.__class__.__name__})") from None
        where = source
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{where}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def read_model(source: str, model: type[M]) -> M:
    doc = read_json(source)
    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise InvalidInput(
            describe_validation_error(exc, f"{source if source != '-' else 'stdin'}")
        ) from None


_OPEN: list[Database] = []


def open_db(db: str | None) -> Database:
    """Open (and migrate) the database for this command; closed when the command ends."""
    database = Database.open(db)
    _OPEN.append(database)
    return database


def close_databases() -> None:
    """Close every connection so SQLite checkpoints its WAL now, not at some later GC."""
    while _OPEN:
        _OPEN.pop().close()


def clinician(database: Database) -> Actor:
    with database.uow() as uow:
        return default_clinician(uow.session)


def print_json(data: Any) -> None:
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    else:
        text = json.dumps(data, indent=2, default=_default)
    sys.stdout.write(text + "\n")


def _default(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"cannot serialise {type(obj).__name__}")
