"""Preface documents: intake answers, screening outcome, clinician clearance."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_validator

from upperback.model.common import Day, Equipment, Frozen, Goal, Score0to10, WorkPosture


class Urgency(StrEnum):
    """How fast a referral must happen; ordered from least to most urgent."""

    none = "none"
    routine = "routine"
    urgent = "urgent"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)


class Answer(StrEnum):
    """A screening answer; `not_asked` is recorded, never read as "no"."""

    yes = "yes"
    no = "no"
    not_asked = "not_asked"


class OverheadDemand(StrEnum):
    """How much the client's sport or work loads the arm overhead."""

    none = "none"
    low = "low"
    high = "high"  # throwing, racket, swimming, volleyball, climbing


class PainAtRest(StrEnum):
    """Pain at rest or at night (an irritability criterion; unknown when not asked)."""

    unknown = "unknown"
    none = "none"
    intermittent = "intermittent"
    constant = "constant"


class TraumaMechanism(StrEnum):
    none = "none"
    fall = "fall"
    road_collision = "road_collision"
    sport_contact = "sport_contact"
    lifting = "lifting"
    other = "other"


HOUSEHOLD: frozenset[Equipment] = frozenset(
    {Equipment.none, Equipment.mat, Equipment.wall, Equipment.chair, Equipment.towel}
)
"""Items every home has: compatible with "no equipment"."""


def _answers(value: Any) -> Any:
    """Accept the older boolean form (true = yes, false = no) beside yes / no / not_asked."""
    if isinstance(value, dict):
        return {
            k: (Answer.yes if v else Answer.no) if isinstance(v, bool) else v
            for k, v in value.items()
        }
    return value


class Intake(Frozen):
    """Everything the client tells us before assessment (the intake JSON document)."""

    date: Day
    complaint: str = Field(
        default="", max_length=2000, description="Main complaint in the client's words."
    )
    history: str = Field(default="", max_length=5000)
    pain_duration_weeks: float = Field(default=0, ge=0, le=5200)
    pain_now: Score0to10 = 0
    occupation: str = Field(default="", max_length=200)
    work_posture: WorkPosture = WorkPosture.desk
    sitting_hours_per_day: float = Field(default=0, ge=0, le=24)
    screen_hours_per_day: float = Field(default=0, ge=0, le=24)
    sports: list[str] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=lambda: [Goal.endurance])
    equipment: list[Equipment] = Field(
        default_factory=lambda: [Equipment.none, Equipment.mat, Equipment.wall]
    )
    minutes_per_session: int = Field(default=30, ge=10, le=120)
    sessions_per_week: int = Field(default=3, ge=1, le=7)
    dislikes: list[str] = Field(
        default_factory=list, description="Exercise ids the client prefers to avoid."
    )
    red_flags: dict[str, Answer] = Field(
        default_factory=dict,
        description=(
            "Answers to red-flag screening items by item id (see `upperback knowledge "
            "red-flags`): yes, no or not_asked (true/false accepted as yes/no). A not_asked "
            "item blocks programming until examined or a clinician records why."
        ),
    )
    yellow_flags: dict[str, bool] = Field(default_factory=dict)
    hypertension: bool = False
    notes: str = Field(default="", max_length=5000)
    no_equipment: bool = Field(
        default=False, description="The client has no exercise equipment (household items only)."
    )
    days_since_trauma: int | None = Field(
        default=None, ge=0, le=36500, description="Days since the injury, when one started it."
    )
    trauma_mechanism: TraumaMechanism = TraumaMechanism.none
    overhead_demand: OverheadDemand = OverheadDemand.none
    performance_goal: str = Field(
        default="", max_length=300, description="What the client wants to be able to do."
    )
    rest_or_night_pain: PainAtRest = Field(
        default=PainAtRest.unknown, description="Pain at rest or at night (irritability)."
    )
    settle_minutes: int | None = Field(
        default=None,
        ge=0,
        le=10080,
        description="Minutes the symptoms take to settle after an aggravating activity.",
    )
    tsk11: int | None = Field(
        default=None, ge=11, le=44, description="Tampa Scale of Kinesiophobia, 11-item (11-44)."
    )
    fabq_pa: int | None = Field(
        default=None, ge=0, le=24, description="FABQ physical-activity subscale (0-24)."
    )

    @field_validator("red_flags", mode="before")
    @classmethod
    def _tri_state(cls, value: Any) -> Any:
        return _answers(value)

    @model_validator(mode="after")
    def _consistent(self) -> Intake:
        if self.no_equipment:
            extra = sorted(e.value for e in self.equipment if e not in HOUSEHOLD)
            if extra:
                raise ValueError(
                    f"equipment: 'no equipment' was answered but {', '.join(extra)} is listed"
                )
        if self.trauma_mechanism != TraumaMechanism.none and self.days_since_trauma is None:
            raise ValueError("days_since_trauma: give the days since the injury with its mechanism")
        return self

    @field_validator("goals")
    @classmethod
    def _at_least_one_goal(cls, goals: list[Goal]) -> list[Goal]:
        if not goals:
            raise ValueError("name at least one goal")
        return goals


class FlagHit(Frozen):
    """One positive red flag (or scored rule) with why it matters."""

    flag_id: str
    domain: str
    label: str
    urgency: Urgency
    action: str
    evidence: str


class EducationNote(Frozen):
    """A short client text chosen for this screening, with its source (every adapter shows it)."""

    id: str
    title: str
    text: str
    source: str
    evidence: str


class ScreeningResult(Frozen):
    """Outcome of red-flag screening; `refer` blocks programming until clearance."""

    outcome: str = Field(pattern="^(clear|refer)$")
    urgency: Urgency
    hits: list[FlagHit] = Field(default_factory=list)
    precautions: list[FlagHit] = Field(
        default_factory=list,
        description="Positive precautions (e.g. anticoagulants): the program may start; the "
        "clinician adapts techniques and watches for the named signs.",
    )
    yellow_flags: list[str] = Field(default_factory=list)
    not_asked: list[str] = Field(
        default_factory=list, description="Screening items recorded as not asked."
    )
    education: list[EducationNote] = Field(
        default_factory=list, description="Client education chosen for this screening."
    )
    advice: list[str] = Field(default_factory=list)

    @property
    def blocks_program(self) -> bool:
        return self.outcome == "refer"


class Clearance(Frozen):
    """A clinician's record that referral findings were reviewed and loading may start."""

    date: Day
    note: str = Field(min_length=3, max_length=2000)
