"""Helpers of the FHIR tests (a module name of its own: `conftest` is ambiguous when the
web tests, with their own conftest, are collected in the same run)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.store.tables import Base

TODAY = dt.date(2026, 3, 2)
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Demo:
    path: Path
    client_id: int
    clinician: Actor


def foreign_bundle() -> dict[str, Any]:
    """A hand-written Bundle as another system would send it (see data/foreign_bundle.json)."""
    doc: dict[str, Any] = json.loads((DATA / "foreign_bundle.json").read_text(encoding="utf-8"))
    return doc


# Logging in and being refused leave these behind by design (tokens issued, refusals audited):
# they are not clinical records an import could half-write.
SECURITY_TABLES = {"audit", "api_token", "login_session", "login_failure"}


def row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name not in SECURITY_TABLES
        }


def normalized(bundle: dict[str, Any]) -> dict[str, Any]:
    """A Bundle with ids set aside: fullUrls become entry positions, the client id and the
    timestamp are dropped."""
    urls = {e["fullUrl"]: f"#{i}" for i, e in enumerate(bundle["entry"])}

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items() if k != "timestamp"}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return urls.get(x, x) if isinstance(x, str) else x

    out: dict[str, Any] = walk(bundle)
    for e in out["entry"]:
        if e["resource"]["resourceType"] == "Patient":
            e["resource"].pop("identifier", None)
    return out


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes_of(resource: dict[str, Any]) -> set[str]:
    return {f"{c['system']}|{c['code']}" for c in resource.get("code", {}).get("coding", [])}
