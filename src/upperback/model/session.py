"""Session logs: what the client actually did and felt (the session-log JSON document)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator, model_validator

from upperback.model.common import Day, Frozen, Score0to10

# Bounds of one logged session [design]: generous for any real session (a program session
# has at most ~10 exercises x 20 sets), small enough that no log can slow a dashboard.
MAX_SETS_PER_LOG = 200
MAX_CUES = 30
MAX_CUE_CHARS = 200
MAX_NOTES_CHARS = 5000
EMG_SUMMARY_MAX_BYTES = 16 * 1024

Cue = Annotated[str, StringConstraints(max_length=MAX_CUE_CHARS)]


class SetLog(Frozen):
    """One performed set."""

    exercise_id: str = Field(min_length=1, max_length=60)
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
    sets: list[SetLog] = Field(default_factory=list, max_length=MAX_SETS_PER_LOG)
    completed: bool = True
    pain_before: Score0to10 | None = None
    pain_next_morning: Score0to10 | None = None
    fatigue: Score0to10 | None = Field(default=None, description="General fatigue 0-10.")
    readiness: Score0to10 | None = Field(default=None, description="Readiness to train 0-10.")
    awareness: list[Cue] = Field(
        default_factory=list, max_length=MAX_CUES, description="Body-awareness cues noticed."
    )
    new_symptoms: list[Cue] = Field(
        default_factory=list, max_length=MAX_CUES, description="Red-flag item ids newly reported."
    )
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    emg: dict[str, Any] | None = Field(
        default=None,
        description=f"Live sEMG session summary, if any (at most {EMG_SUMMARY_MAX_BYTES} bytes as JSON).",
    )

    @field_validator("emg")
    @classmethod
    def _bounded_emg(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None and len(json.dumps(value, default=str)) > EMG_SUMMARY_MAX_BYTES:
            raise ValueError(f"the sEMG summary is larger than {EMG_SUMMARY_MAX_BYTES} bytes")
        return value

    @model_validator(mode="after")
    def _sets_when_completed(self) -> SessionLogIn:
        if self.completed and not self.sets:
            raise ValueError("a completed session needs at least one set (or completed=false)")
        return self

    def max_pain_during(self) -> float:
        return max((s.pain_during for s in self.sets), default=0.0)


class SessionLog(SessionLogIn):
    id: int
