"""Schema of the exercise library (knowledge/data/exercises.yaml)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from upperback.model.common import Equipment, Frozen, Goal, Muscle
from upperback.model.profile import FindingCode

INTAKE_CONDITIONS: frozenset[str] = frozenset(
    {"high_irritability", "hypertension", "no_floor_work"}
)
"""Intake conditions an exercise can be contraindicated for (besides finding codes).

high_irritability: irritable presentation, no late-stage or high-load entries;
hypertension: no Valsalva-prone heavy holds; no_floor_work: client cannot get down to the floor.
"""

CONTRAINDICATION_CODES: frozenset[str] = (
    frozenset({c.value for c in FindingCode}) | INTAKE_CONDITIONS
)
"""Every code `Exercise.contraindications` may use: deficit finding codes plus intake conditions."""


class Evidence(StrEnum):
    """Evidence tag as in DOMAIN.md: checked, recalled, uncertain."""

    V = "V"
    K = "K"
    U = "U"


class LoadingType(StrEnum):
    isometric = "isometric"
    concentric_eccentric = "concentric_eccentric"
    eccentric_emphasis = "eccentric_emphasis"
    instability = "instability"
    mobility = "mobility"
    breathing = "breathing"
    integration = "integration"  # whole-chain: carries, rotational patterns
    plyometric = "plyometric"  # speed rung: rapid stretch-shortening work (late phase only)


class RatioClass(StrEnum):
    """UT ÷ target %MVIC class (DOMAIN.md 1.1): A <= 0.6, B 0.6-1.0, C > 1.0."""

    A = "A"
    B = "B"
    C = "C"


class LoadMode(StrEnum):
    kg = "kg"  # dumbbell, kettlebell, cable, barbell
    band = "band"  # band level 1-6
    bodyweight = "bodyweight"  # progress by leverage, reps or hold time
    pressure = "pressure"  # pressure biofeedback target in mmHg stages


class EmgFigure(Frozen):
    """A published EMG figure for one muscle in this exercise."""

    muscle: Muscle
    pct_mvic: float | None = Field(default=None, ge=0, le=300)
    note: str = ""
    source: str = Field(min_length=3)
    evidence: Evidence


class Dosage(Frozen):
    """Default dose for one goal; ranges are inclusive [low, high]."""

    sets: tuple[int, int]
    reps: tuple[int, int] | None = None
    hold_s: tuple[int, int] | None = None
    rest_s: int = Field(ge=0, le=300)
    rpe: float = Field(ge=1, le=10)
    protocol: bool = Field(
        default=False,
        description="The low end of sets and hold/reps is a published protocol (e.g. Jull "
        "craniocervical flexion 10 x 10 s): no undulation, deload, cap or regression goes below it.",
    )

    @model_validator(mode="after")
    def _sane(self) -> Dosage:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("give exactly one of reps or hold_s")
        # A hold series counts each hold as a set (CCF: 10 x 10-s holds), so allow up to 10.
        max_sets = 10 if self.hold_s is not None else 6
        for label, rng, lo, hi in (
            ("sets", self.sets, 1, max_sets),
            ("reps", self.reps, 1, 30),
            ("hold_s", self.hold_s, 5, 120),
        ):
            if rng is None:
                continue
            if not (lo <= rng[0] <= rng[1] <= hi):
                raise ValueError(
                    f"{label} range {list(rng)} must satisfy {lo} <= low <= high <= {hi}"
                )
        return self


class Exercise(Frozen):
    """One library entry. Rules read these fields; nothing clinical is hard-coded in rules."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    name: str = Field(min_length=3)
    targets: list[Muscle] = Field(min_length=1)
    secondary: list[Muscle] = Field(default_factory=list)
    emg: list[EmgFigure] = Field(default_factory=list)
    ratio_class: RatioClass | None = None
    ratio_source: str = ""
    loading_types: list[LoadingType] = Field(min_length=1)
    equipment: list[Equipment] = Field(min_length=1, description="All items needed.")
    position: str
    load_mode: LoadMode
    level: int = Field(ge=1, le=5, description="1 = first stage of its ladder, 5 = late stage.")
    dosage: dict[Goal, Dosage]
    tempo: str = Field(
        pattern=r"^([0-9X]+-){3}[0-9X]+$",
        description="Seconds eccentric-pause-concentric-pause (X = explosive); for mobility and "
        "breathing entries: exhale/into range, end-range pause, inhale/return, pause.",
    )
    breathing_cue: str = Field(min_length=3)
    coaching_cues: list[str] = Field(min_length=1)
    compensations: list[str] = Field(min_length=1)
    cautions: list[str] = Field(default_factory=list)
    contraindications: list[str] = Field(
        default_factory=list,
        description="Finding codes or intake conditions that exclude this exercise.",
    )
    progressions: list[str] = Field(default_factory=list)
    regressions: list[str] = Field(default_factory=list)
    minutes_per_set: float = Field(
        default=1.0,
        gt=0,
        le=10,
        description="Working time of one set, both sides when per_side; rest excluded.",
    )
    per_side: bool = False
    pressure_stages: tuple[int, int] | None = Field(
        default=None,
        description="Pressure-biofeedback stages (mmHg) this drill covers; advanced by criterion.",
    )
    source: str = Field(min_length=3, description="Evidence for selecting this exercise.")
    evidence: Evidence
    uncertainty: str = ""

    @field_validator("dosage")
    @classmethod
    def _all_goals(cls, dosage: dict[Goal, Dosage]) -> dict[Goal, Dosage]:
        missing = [g.value for g in Goal if g not in dosage]
        if missing:
            raise ValueError(f"dosage missing for goal(s): {', '.join(missing)}")
        return dosage

    @field_validator("contraindications")
    @classmethod
    def _known_codes(cls, codes: list[str]) -> list[str]:
        unknown = sorted(set(codes) - CONTRAINDICATION_CODES)
        if unknown:
            raise ValueError(
                f"unknown contraindication code(s) {', '.join(unknown)}; use a finding code or "
                f"{', '.join(sorted(INTAKE_CONDITIONS))}"
            )
        return codes

    def figure(self, muscle: Muscle) -> EmgFigure | None:
        return next((f for f in self.emg if f.muscle == muscle), None)
