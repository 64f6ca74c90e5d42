"""Load ``data/exposure.yaml``: workday sEMG exposure thresholds, EVA classes, the
"scarce rest" finding and the micro-break prescription, each value with its source."""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from upperback.errors import InvalidInput
from upperback.knowledge.loader import describe_validation_error


class Sourced(BaseModel):
    """A number with where it comes from and how sure we are."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    source: str = Field(min_length=5)
    evidence: str = Field(pattern="^(V|V2|K|U|design)$")


class SourcedList(BaseModel):
    """Class boundaries with their source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: tuple[float, ...]
    source: str = Field(min_length=5)
    evidence: str = Field(pattern="^(V|V2|K|U|design)$")

    @field_validator("value")
    @classmethod
    def increasing(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if len(v) < 2 or any(b <= a for a, b in itertools.pairwise(v)) or v[0] != 0:
            raise ValueError("boundaries must start at 0 and increase")
        return v


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    statement: str
    rest_below_pct: Sourced
    sustained_above_pct_of_day: Sourced
    uncertainty: str


class MicroBreak(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    client_text: str
    every_min: Sourced
    pause_s: Sourced
    uncertainty: str


class ExposureKnowledge(BaseModel):
    """The whole exposure.yaml document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    envelope: dict[str, Sourced]
    thresholds: dict[str, Sourced]
    eva: dict[str, SourcedList]
    apdf_guide: dict[str, Sourced]
    reference: dict[str, Sourced]
    finding: Finding
    micro_break: MicroBreak

    def value(self, section: str, key: str) -> float:
        """A threshold by section and key (KeyError names a missing one)."""
        return float(getattr(self, section)[key].value)


@cache
def exposure_knowledge() -> ExposureKnowledge:
    """The validated exposure knowledge (parsed once)."""
    text = resources.files("upperback.knowledge").joinpath("data/exposure.yaml").read_text()
    try:
        return ExposureKnowledge.model_validate(yaml.safe_load(text))
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, "exposure.yaml")) from None
