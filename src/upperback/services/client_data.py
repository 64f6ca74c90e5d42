"""A client's own copy of everything kept about them (right of access), as one JSON document."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from sqlalchemy import Table, select

from upperback import __version__
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.store.tables import AccountRow, Base

FORMAT = "upperback-client-data"
# Columns that are about the system, not the person (hashes never leave the database).
_LEFT_OUT = {"password_hash", "code_hash", "secret_hash", "totp_secret"}


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):  # a posture photo: the person's own image, kept whole
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def _rows(s: Any, table: Table, where: Any) -> list[dict[str, Any]]:
    key = table.c.id if "id" in table.c else next(iter(table.primary_key.columns))
    rows = s.execute(select(table).where(where).order_by(key)).mappings()
    return [{k: _encode(v) for k, v in r.items() if k not in _LEFT_OUT} for r in rows]


def export_client_data(db: Database, actor: Actor, client_id: int) -> dict[str, Any]:
    """Every row about the client, table by table; the client or their clinician may ask."""
    t = Base.metadata.tables
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        tables: dict[str, list[dict[str, Any]]] = {
            "client": _rows(s, t["client"], t["client"].c.id == client_id)
        }
        for table in Base.metadata.sorted_tables:
            if "client_id" in table.c and table.name not in ("client", "audit"):
                tables[table.name] = _rows(s, table, table.c.client_id == client_id)
        logs = [r["id"] for r in tables.get("session_log", [])]
        assessments = [r["id"] for r in tables.get("assessment", [])]
        tables["set_log"] = _rows(s, t["set_log"], t["set_log"].c.session_log_id.in_(logs))
        tables["test_result"] = _rows(
            s, t["test_result"], t["test_result"].c.assessment_id.in_(assessments)
        )
        tables["audit"] = _rows(s, t["audit"], t["audit"].c.client_id == client_id)
        accounts = [
            a.id for a in s.scalars(select(AccountRow).where(AccountRow.client_id == client_id))
        ]
        tables["login_session"] = _rows(
            s, t["login_session"], t["login_session"].c.account_id.in_(accounts)
        )
        tables["api_token"] = _rows(s, t["api_token"], t["api_token"].c.account_id.in_(accounts))
        audit(s, actor, "client.export", client_id)
        uow.commit()
    return {
        "format": FORMAT,
        "upperback": __version__,
        "client_id": client_id,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tables": tables,
    }
