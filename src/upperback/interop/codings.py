"""Codings and quantities taken from the code table, so nothing is spelled twice."""

from __future__ import annotations

from typing import Any

from upperback.errors import InvalidInput
from upperback.knowledge.codes import CodeEntry, CodeTable

UCUM = "http://unitsofmeasure.org"


def coding(entry: CodeEntry) -> dict[str, Any]:
    return {"system": entry.system, "code": entry.code, "display": entry.display}


def concept(entry: CodeEntry, text: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"coding": [coding(entry)]}
    if text:
        out["text"] = text
    return out


def quantity(table: CodeTable, value: float, unit: str) -> dict[str, Any]:
    """A UCUM quantity for one of our units (InvalidInput if the unit has no UCUM mapping)."""
    u = table.ucum(unit)
    if u is None:
        raise InvalidInput(f"fhir export: unit {unit!r} has no UCUM code in fhir_codes.yaml")
    return {"value": _number(value), "unit": u.display, "system": UCUM, "code": u.code}


def _number(value: float) -> float | int:
    """Whole numbers as integers, so 3.0 and 3 serialise alike."""
    return int(value) if float(value).is_integer() else round(float(value), 6)
