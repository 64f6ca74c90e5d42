"""Bilateral scapular dyskinesis ratings (McClure 2009 per side: normal / subtle / obvious)
give one finding naming the side(s); a rating outside the scale is refused naming the field."""

from __future__ import annotations

import pytest

from upperback.assessment.profile import build_profile
from upperback.errors import InvalidInput
from upperback.model.common import Sex, Side
from upperback.model.profile import FindingCode


def _dys(score, **sides: str):  # type: ignore[no-untyped-def]
    results = [{"test_id": "scapular_dyskinesis", "rating": r, "side": s} for s, r in sides.items()]
    return build_profile(score(*results), sex=Sex.female)


def test_obvious_on_both_sides_is_one_finding_naming_both(score) -> None:
    p = _dys(score, L="obvious", R="obvious")
    [f] = [f for f in p.findings if f.code == FindingCode.scapular_dyskinesis]
    assert f.side == Side.both
    assert f.statement.startswith("obvious scapular dyskinesis, left and right")
    assert "(L)" in f.evidence and "(R)" in f.evidence
    assert p.priorities.count("scapular_dyskinesis") == 1


@pytest.mark.parametrize(("sides", "word", "side"), [
    ({"L": "obvious", "R": "subtle"}, "left", Side.left),
    ({"L": "normal", "R": "obvious"}, "right", Side.right),
])  # fmt: skip
def test_one_obvious_side_is_named(score, sides: dict[str, str], word: str, side: Side) -> None:
    [f] = [f for f in _dys(score, **sides).findings if f.code == FindingCode.scapular_dyskinesis]
    assert f.side == side and f.statement.startswith(f"obvious scapular dyskinesis, {word}")
    assert "left and right" not in f.statement


def test_normal_or_subtle_sides_give_no_finding(score) -> None:
    assert not _dys(score, L="subtle", R="normal").has(FindingCode.scapular_dyskinesis)


def test_a_rating_outside_the_scale_is_refused_naming_the_field(score) -> None:
    with pytest.raises(
        InvalidInput, match=r"rating: 'severe' is not one of normal, subtle, obvious"
    ):
        _dys(score, L="severe")
