"""Adaptations (what changed and why) and clinician overrides."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from upperback.model.common import Frozen


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


class Override(Frozen):
    """A clinician's decision; the engine applies it and never changes it back."""

    exercise_id: str
    field: OverrideField
    value: str = ""
    reason: str = Field(min_length=3)
    date: dt.date
