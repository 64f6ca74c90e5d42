"""Vocabulary shared across the method: muscles, sides, equipment, goals."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    """Base for value objects: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Muscle(StrEnum):
    """Links of the upper-back chain, named by part where parts behave differently."""

    upper_trapezius = "upper_trapezius"
    middle_trapezius = "middle_trapezius"
    lower_trapezius = "lower_trapezius"
    serratus_anterior = "serratus_anterior"
    rhomboids = "rhomboids"
    levator_scapulae = "levator_scapulae"
    deep_neck_flexors = "deep_neck_flexors"
    sternocleidomastoid = "sternocleidomastoid"
    neck_extensors = "neck_extensors"
    thoracic_extensors = "thoracic_extensors"
    infraspinatus = "infraspinatus"
    posterior_deltoid = "posterior_deltoid"
    latissimus_dorsi = "latissimus_dorsi"
    pectoralis_minor = "pectoralis_minor"
    pectoralis_major = "pectoralis_major"
    rotator_cuff = "rotator_cuff"
    obliques = "obliques"
    core = "core"
    gluteals = "gluteals"
    forearm_grip = "forearm_grip"


class Side(StrEnum):
    left = "L"
    right = "R"
    both = "B"


class Sex(StrEnum):
    female = "female"
    male = "male"
    other = "other"


class Equipment(StrEnum):
    none = "none"
    band = "band"
    dumbbell = "dumbbell"
    kettlebell = "kettlebell"
    cable = "cable"
    bench = "bench"
    mat = "mat"
    wall = "wall"
    swiss_ball = "swiss_ball"
    bosu = "bosu"
    foam_roller = "foam_roller"
    suspension = "suspension"
    pressure_biofeedback = "pressure_biofeedback"
    pull_up_bar = "pull_up_bar"
    chair = "chair"
    towel = "towel"
    barbell = "barbell"
    partner = "partner"  # a second person (perturbation taps); not an object


class Goal(StrEnum):
    """Dosage goals (ACSM 2009 / NSCA zones) the generator doses for."""

    motor_control = "motor_control"
    endurance = "endurance"
    strength = "strength"


class WorkPosture(StrEnum):
    desk = "desk"
    standing = "standing"
    overhead = "overhead"
    manual_handling = "manual_handling"
    driving = "driving"
    mixed = "mixed"


Score0to10 = Annotated[float, Field(ge=0, le=10)]
"""A 0-10 numeric rating (NPRS pain, fatigue, readiness)."""


EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2200, 12, 31)


def _within_lifetime(day: dt.date) -> dt.date:
    """Dates far outside a human lifetime are typos, and overflow date arithmetic downstream
    (a plan's session dates, adherence windows); every adapter gets this check."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"{day} is outside {EARLIEST_DAY}..{LATEST_DAY}")
    return day


Day = Annotated[dt.date, AfterValidator(_within_lifetime)]
"""A calendar day of a client's record, 1900-01-01..2200-12-31."""
