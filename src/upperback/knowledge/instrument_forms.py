"""Entry forms of composite instruments (NDI item answers, PSFS rows) from knowledge data."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from upperback.knowledge.loader import data_path, read_yaml, validate_entries
from upperback.model.common import Frozen


class NdiItem(Frozen):
    topic: str = Field(min_length=3)
    answers: list[str] = Field(min_length=6, max_length=6, description="Score 0..5 in order.")


class NdiForm(Frozen):
    source: str = Field(min_length=3)
    items: list[NdiItem] = Field(min_length=10, max_length=10)


class PsfsForm(Frozen):
    source: str = Field(min_length=3)
    version: str
    scale: str
    rows: int = Field(ge=3, le=5)


class InstrumentForms(Frozen):
    ndi: NdiForm
    psfs: PsfsForm


@cache
def instrument_forms() -> InstrumentForms:
    """Validated once; a bad file is one InvalidInput line naming the field."""
    raw = read_yaml(data_path("instrument_forms.yaml"))
    return validate_entries(InstrumentForms, [raw], "instrument_forms.yaml")[0]
