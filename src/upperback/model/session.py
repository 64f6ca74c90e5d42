"""Session logs: what the client actually did and felt (the session-log JSON document)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from upperback.model.common import Day, Frozen, Score0to10


class SetLog(Frozen):
    """One performed set."""

    exercise_id: str = Field(min_length=1)
    set_index: int = Field(ge=1, le=20)
    reps: int | None = Field(default=None, ge=0, le=200)
    hold_s: float | None = Field(default=None, ge=0, le=1800)
    load_kg: float | None = Field(default=None, ge=0, le=300)
    level: int | None = Field(default=None, ge=0, le=10)
    rir: float | None = Field(default=None, ge=0, le=10, description="Reps in reserve.")
    rpe: float | None = Field(
        default=None, ge=1, le=10, description="RIR-based RPE (Zourdos 2016)."
    )
    pain_during: Score0to10 = 0
    emg_ratio: float | None = Field(
        default=None,
        ge=0,
        le=50,
        description="sEMG UT/target amplitude ratio during the set, if recorded.",
    )
    technique_lost: bool = Field(
        default=False, description="Scapular control lost before the target (technical failure)."
    )

    @model_validator(mode="after")
    def _reps_or_hold(self) -> SetLog:
        if self.reps is None and self.hold_s is None:
            raise ValueError("give reps or hold_s for each set")
        return self

    def effort_rpe(self) -> float | None:
        """RPE from RPE or RIR (RPE = 10 - RIR on the RIR-based scale)."""
        if self.rpe is not None:
            return self.rpe
        if self.rir is not None:
            return max(1.0, 10.0 - self.rir)
        return None


class SessionLogIn(Frozen):
    """A logged session against a planned one (week, index)."""

    date: Day
    week: int = Field(ge=1, le=52)
    index: int = Field(ge=1, le=7)
    sets: list[SetLog] = Field(default_factory=list)
    completed: bool = True
    pain_before: Score0to10 | None = None
    pain_next_morning: Score0to10 | None = None
    fatigue: Score0to10 | None = Field(default=None, description="General fatigue 0-10.")
    readiness: Score0to10 | None = Field(default=None, description="Readiness to train 0-10.")
    awareness: list[str] = Field(default_factory=list, description="Body-awareness cues noticed.")
    new_symptoms: list[str] = Field(
        default_factory=list, description="Red-flag item ids newly reported."
    )
    notes: str = Field(default="", max_length=5000)
    emg: dict[str, Any] | None = Field(
        default=None, description="Live sEMG session summary, if any."
    )

    @model_validator(mode="after")
    def _sets_when_completed(self) -> SessionLogIn:
        if self.completed and not self.sets:
            raise ValueError("a completed session needs at least one set (or completed=false)")
        return self

    def max_pain_during(self) -> float:
        return max((s.pain_during for s in self.sets), default=0.0)


class SessionLog(SessionLogIn):
    id: int
