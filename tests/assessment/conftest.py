"""Helpers to score small assessments in tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from upperback.assessment.scoring import score_assessment
from upperback.model.assessment import AssessmentIn, ScoredAssessment, ScoredResult, TestResult
from upperback.model.common import Sex

DAY = dt.date(2025, 2, 3)

Scorer = Callable[..., ScoredAssessment]


@pytest.fixture
def score() -> Scorer:
    """score(*results as dicts, sex=..., day=..., previous=...) -> ScoredAssessment."""

    def run(
        *results: dict[str, Any],
        sex: Sex = Sex.female,
        age: int = 40,
        body_mass_kg: float | None = None,
        day: dt.date = DAY,
        previous: Sequence[ScoredResult] = (),
    ) -> ScoredAssessment:
        doc = AssessmentIn(date=day, tester="t", results=[TestResult(**r) for r in results])
        return score_assessment(doc, sex=sex, age=age, body_mass_kg=body_mass_kg, previous=previous)

    return run


@pytest.fixture
def one(score: Scorer) -> Callable[..., ScoredResult]:
    """The first scored result of a single-result assessment."""

    def run(result: dict[str, Any], **kw: Any) -> ScoredResult:
        return score(result, **kw).results[0]

    return run
