"""Schema and loader of client education texts (knowledge/data/education.yaml)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field

from upperback.errors import InvalidInput
from upperback.knowledge.loader import data_path, read_yaml, validate_entries
from upperback.knowledge.schema import Evidence
from upperback.model.common import Frozen


class EducationText(Frozen):
    """A short text for the client, with where its claims come from."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=3, max_length=120)
    text: str = Field(min_length=20, max_length=1500)
    source: str = Field(min_length=3)
    evidence: Evidence


class EducationWhen(Frozen):
    """When a text applies; all given conditions must hold (none given: always)."""

    outcome: Literal["clear", "refer"] | None = None
    yellow_flags_any: list[str] | None = Field(
        default=None, description="Applies when any of these yellow flags is positive ([] = any)."
    )
    min_sitting_or_screen_hours: float | None = Field(default=None, ge=0, le=24)


class EducationEntry(EducationText):
    when: EducationWhen = EducationWhen()
    order: int = Field(default=50, ge=0, le=1000)


def load_education(path: Path | str | None = None) -> list[EducationEntry]:
    """Load and validate an education file (default: the packaged one)."""
    p = Path(path) if path is not None else data_path("education.yaml")
    doc = read_yaml(p)
    entries = doc.get("texts") if isinstance(doc, dict) else doc
    out = validate_entries(EducationEntry, entries, p.name)
    ids = [e.id for e in out]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InvalidInput(f"{p.name}: duplicate text id(s) {', '.join(dup)}")
    return sorted(out, key=lambda e: (e.order, e.id))


@cache
def education_texts() -> tuple[EducationEntry, ...]:
    """The packaged texts, loaded once per process, in display order."""
    return tuple(load_education())
