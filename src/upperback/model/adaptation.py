"""Adaptations (what changed and why) and clinician overrides."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field, model_validator

from upperback.model.common import Day, Frozen


class Action(StrEnum):
    progress_load = "progress_load"
    progress_reps = "progress_reps"
    progress_exercise = "progress_exercise"
    hold = "hold"
    reduce = "reduce"
    regress = "regress"
    add_cue = "add_cue"
    deload = "deload"
    reenter = "reenter"
    stop_refer = "stop_refer"
    replan = "replan"
    override = "override"
    clinician_alert = "clinician_alert"  # the engine holds and asks a clinician to review


class Adaptation(Frozen):
    """One change to what comes next, with the rule and evidence behind it."""

    rule_id: str
    action: Action
    exercise_id: str | None = None
    reason: str
    before: str = ""
    after: str = ""
    date: dt.date
    from_week: int = Field(ge=1)
    from_index: int = Field(ge=1)
    source: str = ""


class OverrideField(StrEnum):
    sets = "sets"
    reps = "reps"
    hold_s = "hold_s"
    load_kg = "load_kg"
    level = "level"
    exclude = "exclude"
    replace_with = "replace_with"
    freeze = "freeze"  # no automatic change to this exercise


NUMERIC_BOUNDS: dict[OverrideField, tuple[float, float]] = {
    OverrideField.sets: (1, 10),
    OverrideField.reps: (1, 60),
    OverrideField.hold_s: (1, 600),
    OverrideField.level: (0, 10),
    OverrideField.load_kg: (0, 300),
}
"""Same bounds as a Prescription, so a stored override can always be applied."""


class Override(Frozen):
    """A clinician's decision; the engine applies it and never changes it back."""

    exercise_id: str = Field(min_length=1, max_length=60)
    field: OverrideField
    value: str = Field(default="", max_length=60)
    reason: str = Field(min_length=3)
    date: Day

    @model_validator(mode="after")
    def _value_fits_field(self) -> Override:
        bounds = NUMERIC_BOUNDS.get(self.field)
        if bounds is not None:
            try:
                number = float(self.value)
            except ValueError:
                raise ValueError(f"{self.field.value} needs a number, got {self.value!r}") from None
            integral = self.field != OverrideField.load_kg
            if not (bounds[0] <= number <= bounds[1]) or (integral and number != int(number)):
                kind = "a whole number" if integral else "a number"
                raise ValueError(
                    f"{self.field.value} must be {kind} from {bounds[0]:g} to {bounds[1]:g}, got {self.value!r}"
                )
        if self.field == OverrideField.replace_with and not self.value:
            raise ValueError("replace_with needs the id of the exercise to use instead")
        return self
