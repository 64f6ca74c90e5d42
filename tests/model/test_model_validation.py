"""Model validation every adapter inherits: dates within a human lifetime on every document,
field-named errors, frozen value objects, unknown keys refused."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from upperback.model.adaptation import Override
from upperback.model.assessment import AssessmentIn
from upperback.model.common import EARLIEST_DAY, LATEST_DAY
from upperback.model.intake import Clearance, Intake
from upperback.model.session import SessionLogIn, SetLog

OK = "2026-01-05"
SET = {"exercise_id": "x", "set_index": 1, "reps": 10}
DOCS: dict[str, tuple[type[BaseModel], dict[str, Any], tuple[str, ...]]] = {
    "intake": (Intake, {"date": OK}, ("date",)),
    "clearance": (Clearance, {"date": OK, "note": "GP reviewed"}, ("date",)),
    "session log": (SessionLogIn, {"date": OK, "week": 1, "index": 1, "sets": [SET]}, ("date",)),
    "override": (
        Override,
        {"exercise_id": "x", "field": "freeze", "reason": "clinician", "date": OK},
        ("date",),
    ),
    "assessment": (
        AssessmentIn,
        {"date": OK, "tester": "t", "results": [{"test_id": "nprs", "value": 3}]},
        ("date",),
    ),
    "assessment result": (
        AssessmentIn,
        {"date": OK, "tester": "t", "results": [{"test_id": "nprs", "value": 3, "date": OK}]},
        ("results", 0, "date"),
    ),
}


def _set(doc: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize("name", sorted(DOCS))
@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "0001-01-01"])
def test_dates_outside_a_lifetime_are_refused_naming_the_field(name: str, day: str) -> None:
    model, doc, path = DOCS[name]
    model.model_validate(doc)  # the valid document passes
    bad = _set(copy.deepcopy(doc), path, day)
    with pytest.raises(ValidationError) as err:
        model.model_validate(bad)
    e = err.value.errors()[0]
    assert tuple(e["loc"]) == path and f"{day} is outside" in e["msg"]


@pytest.mark.parametrize("day", [EARLIEST_DAY, LATEST_DAY])
def test_the_bounds_themselves_are_accepted(day: dt.date) -> None:
    assert SessionLogIn(date=day, week=1, index=1, sets=[SetLog(**SET)]).date == day


def test_documents_are_frozen_and_refuse_unknown_keys() -> None:
    log = SessionLogIn(date=dt.date(2026, 1, 5), week=1, index=1, sets=[SetLog(**SET)])
    with pytest.raises(ValidationError):
        log.week = 2  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        Intake.model_validate({"date": OK, "surprise": 1})


def test_out_of_range_scores_name_their_field() -> None:
    with pytest.raises(ValidationError) as err:
        Intake.model_validate({"date": OK, "pain_now": 11})
    assert err.value.errors()[0]["loc"] == ("pain_now",)
