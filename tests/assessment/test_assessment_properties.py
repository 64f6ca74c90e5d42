"""Property tests: no TestResult crashes scoring with anything but InvalidInput."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upperback.assessment.profile import build_profile
from upperback.assessment.scoring import score_assessment
from upperback.errors import InvalidInput
from upperback.knowledge.tests_catalog import battery
from upperback.model.assessment import AssessmentIn, TestResult
from upperback.model.common import Sex, Side

IDS = sorted(battery().by_id)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-20, 1200),
    st.integers(-5, 60).map(float),
)
units = st.sampled_from(
    [
        None,
        "s",
        "sec",
        "%",
        "points",
        "deg",
        "N",
        "kg",
        "lbf",
        "mmHg",
        "ratio",
        "ms",
        "touches",
        "grade",
        "x",
    ]
)
items = st.one_of(st.none(), st.lists(st.one_of(st.none(), floats), max_size=12))
point = st.one_of(st.none(), st.tuples(floats, floats))

results = st.builds(
    TestResult,
    test_id=st.one_of(st.sampled_from(IDS), st.text(min_size=1, max_size=8)),
    value=st.one_of(st.none(), floats),
    unit=units,
    side=st.one_of(st.none(), st.sampled_from(list(Side))),
    items=items,
    version=st.sampled_from([None, "1", "2.0", "3"]),
    rating=st.sampled_from([None, "normal", "subtle", "obvious", "correct", "substitution", "x"]),
    condition=st.sampled_from([None, "", "elevation", " "]),
    tragus=point,
    c7=point,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rs=st.lists(results, min_size=1, max_size=6),
    sex=st.sampled_from(list(Sex)),
    age=st.integers(-5, 130),
    mass=st.one_of(st.none(), floats),
)
def test_random_results_score_or_raise_invalid_input(rs, sex, age, mass) -> None:
    doc = AssessmentIn(date=dt.date(2025, 1, 1), tester="t", results=rs)
    try:
        scored = score_assessment(doc, sex=sex, age=age, body_mass_kg=mass)
    except InvalidInput as err:
        assert err.message and "\n" not in err.message
        return
    build_profile(scored, sex=sex)  # a valid assessment always gives a profile


def _valid_value(test_id: str) -> st.SearchStrategy[TestResult]:
    spec = battery().get(test_id)
    lo, hi = spec.range
    side = Side.left if spec.bilateral else None
    return st.floats(lo, hi).map(
        lambda v: TestResult(
            test_id=test_id,
            value=v,
            side=side,
            condition="elevation" if spec.requires_condition else None,
        )
    )


VALUE_IDS = [t.id for t in battery().by_id.values() if t.scoring == "value" and not t.items]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VALUE_IDS).flatmap(_valid_value), min_size=1, max_size=8))
def test_any_in_range_value_is_scored_and_profiled(rs) -> None:
    doc = AssessmentIn(date=dt.date(2025, 1, 1), tester="t", results=rs)
    scored = score_assessment(doc, sex=Sex.male, age=40, body_mass_kg=None)
    assert len(scored.results) >= len(rs)
    build_profile(scored, sex=Sex.male)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 5).map(float)), min_size=10, max_size=10))
def test_ndi_is_in_range_or_rejected_for_missing_items(raw) -> None:
    doc = AssessmentIn(
        date=dt.date(2025, 1, 1), tester="t", results=[TestResult(test_id="ndi", items=raw)]
    )
    try:
        r = score_assessment(doc, sex=Sex.female, age=30, body_mass_kg=None).results[0]
    except InvalidInput:
        assert raw.count(None) >= 3
        return
    answered = [x for x in raw if x is not None]
    assert 0 <= r.score <= 100
    assert abs(r.score - 100 * sum(answered) / (5 * len(answered))) < 1e-6
