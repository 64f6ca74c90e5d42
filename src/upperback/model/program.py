"""The individualized program: phases -> weeks -> sessions -> prescriptions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from upperback.model.common import Day, Frozen, Goal


class WeekKind(StrEnum):
    build = "build"
    deload = "deload"  # lighter week with reassessment (weeks 4, 8, 12)


class Prescription(Frozen):
    """One exercise as dosed for one session, with the reason it is there."""

    exercise_id: str
    name: str
    sets: int = Field(ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=60)
    hold_s: int | None = Field(default=None, ge=1, le=600)
    load_kg: float | None = Field(default=None, ge=0, le=300)
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


class SessionPlan(Frozen):
    week: int = Field(ge=1, le=52)
    index: int = Field(ge=1, le=7, description="Session number within the week.")
    kind: WeekKind = WeekKind.build
    focus: str
    minutes: int = Field(ge=1, le=240)
    prescriptions: list[Prescription]

    @property
    def key(self) -> tuple[int, int]:
        return (self.week, self.index)


class Phase(Frozen):
    name: str
    goal: Goal
    weeks: list[int]
    emphasis: str


class Exclusion(Frozen):
    exercise_id: str
    reason: str


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
