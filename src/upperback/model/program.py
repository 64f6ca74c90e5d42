"""The individualized program: phases -> weeks -> sessions -> prescriptions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from upperback.model.common import Day, Frozen, Goal


class WeekKind(StrEnum):
    build = "build"
    deload = "deload"  # lighter week with reassessment (weeks 4, 8, 12)


# Prescription bounds, defined once: the model validates them and the adaptation rules clamp
# to them [design: outer limits of a home program, not clinical targets].
MAX_SETS = 10
MAX_REPS = 60
MAX_HOLD_S = 600
MAX_LOAD_KG = 300.0


class Prescription(Frozen):
    """One exercise as dosed for one session, with the reason it is there."""

    exercise_id: str
    name: str
    sets: int = Field(ge=1, le=MAX_SETS)
    reps: int | None = Field(default=None, ge=1, le=MAX_REPS)
    hold_s: int | None = Field(default=None, ge=1, le=MAX_HOLD_S)
    load_kg: float | None = Field(default=None, ge=0, le=MAX_LOAD_KG)
    level: int | None = Field(
        default=None,
        ge=0,
        le=10,
        description="Band level or instability level where load is not in kg.",
    )
    tempo: str = Field(
        description="Eccentric-pause-concentric-pause seconds, e.g. 3-1-1-0; X = explosive."
    )
    rest_s: int = Field(ge=0, le=600)
    rpe_target: float = Field(ge=1, le=10)
    breathing_cue: str
    coaching_cues: list[str] = Field(default_factory=list)
    rationale: str
    per_side: bool = False

    def revised(self, **changes: object) -> Prescription:
        """A copy with `changes`, validated like any new prescription.

        `model_copy(update=...)` skips validation, so a rule could store a dose outside the
        bounds; every change to a dose goes through here instead.
        """
        return Prescription.model_validate({**self.model_dump(), **changes})


class SessionPlan(Frozen):
    week: int = Field(ge=1, le=52)
    index: int = Field(ge=1, le=7, description="Session number within the week.")
    kind: WeekKind = WeekKind.build
    focus: str
    minutes: int = Field(ge=1, le=240)
    prescriptions: list[Prescription]
    education: list[str] = Field(
        default_factory=list, max_length=5, description="Education item ids scheduled here."
    )

    @property
    def key(self) -> tuple[int, int]:
        return (self.week, self.index)


class Phase(Frozen):
    name: str
    goal: Goal
    weeks: list[int]
    emphasis: str


class ExclusionKind(StrEnum):
    """Why an exercise is left out, as a type: only a contraindication is a safety block."""

    contraindication = "contraindication"
    equipment = "equipment"
    dislike = "dislike"
    selection = "selection"


class Exclusion(Frozen):
    exercise_id: str
    kind: ExclusionKind
    reason: str

    @model_validator(mode="before")
    @classmethod
    def _kind_of_stored(cls, data: Any) -> Any:
        """Programs stored before the kind existed carry it as the reason's first word."""
        if isinstance(data, dict) and "kind" not in data and isinstance(data.get("reason"), str):
            head = data["reason"].split(":", 1)[0]
            known = {k.value for k in ExclusionKind}
            data = {**data, "kind": head if head in known else ExclusionKind.selection.value}
        return data

    @property
    def is_safety_block(self) -> bool:
        return self.kind is ExclusionKind.contraindication


class Reassessment(Frozen):
    """A dated reassessment with the tests to repeat (not just a week label)."""

    week: int = Field(ge=1, le=52)
    date: dt.date
    battery: list[str] = Field(min_length=1)


class Program(Frozen):
    """A versioned program; each adaptation produces the next version."""

    version: int = Field(ge=1)
    start_date: Day
    seed: int
    weeks: int = Field(ge=1, le=52)
    sessions_per_week: int = Field(ge=1, le=7)
    phases: list[Phase]
    sessions: list[SessionPlan]
    rationale: list[str] = Field(default_factory=list)
    excluded: list[Exclusion] = Field(default_factory=list)
    reassessments: list[Reassessment] = Field(default_factory=list)
    graded_exposure: bool = Field(
        default=False,
        description="Fear avoidance: progress only after consecutive good sessions, paced quotas.",
    )
    stopped_reason: str | None = Field(
        default=None,
        description="Set when a red flag stopped the program; no sessions follow until clearance.",
    )

    def session(self, week: int, index: int) -> SessionPlan | None:
        for s in self.sessions:
            if s.week == week and s.index == index:
                return s
        return None

    def phase_of(self, week: int) -> Phase | None:
        return next((p for p in self.phases if week in p.weeks), None)

    def session_date(self, week: int, index: int) -> dt.date:
        """Planned date: sessions spread over the week from the start date."""
        spacing = 7 / self.sessions_per_week
        return self.start_date + dt.timedelta(days=(week - 1) * 7 + int((index - 1) * spacing))
