"""Assessment documents (what a tester measured) and their scored interpretation."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from upperback.model.common import Day, Frozen, Side
from upperback.model.profile import Irritability


class TestResult(Frozen):
    """One measurement of the battery, as entered.

    `value` carries the measurement in `unit`; composite instruments (NDI, PSFS) give
    `items` instead and are scored; the craniovertebral angle may give `tragus` and
    `c7` image points (x right, y up, any unit) instead of an angle.
    """

    __test__ = False  # not a pytest test class

    test_id: str = Field(min_length=1, max_length=60)
    value: float | None = None
    unit: str | None = Field(default=None, max_length=20)
    side: Side | None = None
    items: list[float | None] | None = None
    version: str | None = Field(default=None, max_length=20)
    rating: str | None = Field(default=None, max_length=40)
    condition: str | None = Field(default=None, max_length=80)
    tragus: tuple[float, float] | None = None
    c7: tuple[float, float] | None = None
    date: Day | None = None
    tester: str | None = Field(default=None, max_length=120)
    note: str = Field(default="", max_length=1000)


class AssessmentIn(Frozen):
    """An assessment session: the assessment JSON document users write."""

    date: Day
    tester: str = Field(min_length=1, max_length=120)
    results: list[TestResult] = Field(min_length=1)
    irritability: Irritability | None = Field(
        default=None,
        description="The clinician's judgement of irritability; overrides the level derived "
        "from pain level, rest or night pain and settling time.",
    )


class NormComparison(Frozen):
    """How a score sits against a published reference."""

    reference: str
    status: str = Field(pattern="^(below|within|above|impaired|typical)$")
    mean: float | None = None
    sd: float | None = None
    cutoff: float | None = None
    z: float | None = None
    source: str
    evidence: str = Field(default="K", pattern="^[VKU]$")


class ChangeComparison(Frozen):
    """Change against the previous result of the same test and side."""

    previous: float
    previous_date: dt.date
    delta: float
    threshold: float
    threshold_kind: str
    meaningful: bool
    direction: str = Field(pattern="^(improved|worsened|unchanged)$")
    source: str


class ScoredResult(Frozen):
    """A result scored and interpreted: score, band, norm and change."""

    test_id: str
    name: str
    side: Side | None = None
    condition: str | None = None
    score: float
    unit: str
    band: str | None = None
    rating: str | None = Field(
        default=None, description="Categorical rating as entered (dyskinesis, CCFT)."
    )
    norm: NormComparison | None = None
    change: ChangeComparison | None = None
    date: dt.date
    notes: list[str] = Field(default_factory=list)


class ScoredAssessment(Frozen):
    date: dt.date
    tester: str
    results: list[ScoredResult]

    def get(self, test_id: str, side: Side | None = None) -> list[ScoredResult]:
        return [
            r for r in self.results if r.test_id == test_id and (side is None or r.side == side)
        ]
