"""Hand-held dynamometry: side asymmetry and unilateral ratios against Turner 2009."""

from __future__ import annotations

import pytest


def _by_id(scored, test_id, side=None):
    return [r for r in scored.results if r.test_id == test_id and (side is None or r.side == side)]


def test_side_asymmetry_percent_names_the_weaker_side(score) -> None:
    s = score(
        {"test_id": "hhd_lower_trapezius", "value": 100, "side": "L"},
        {"test_id": "hhd_lower_trapezius", "value": 80, "side": "R"},
    )
    [asym] = _by_id(s, "hhd_asymmetry_lower_trapezius")
    assert asym.score == pytest.approx(20.0)  # (100 - 80) / 100
    assert asym.side == "R"
    assert asym.norm.status == "impaired"


def test_asymmetry_at_10_percent_is_typical_and_past_it_impaired(score) -> None:
    def asym(weaker: float):
        s = score(
            {"test_id": "hhd_protraction", "value": 100, "side": "L"},
            {"test_id": "hhd_protraction", "value": weaker, "side": "R"},
        )
        return _by_id(s, "hhd_asymmetry_protraction")[0]

    assert asym(90).norm.status == "typical"
    assert asym(89.9).norm.status == "impaired"


def test_repeated_trials_are_averaged_per_side(score) -> None:
    s = score(
        {"test_id": "hhd_retraction", "value": 90, "side": "L"},
        {"test_id": "hhd_retraction", "value": 110, "side": "L"},
        {"test_id": "hhd_retraction", "value": 100, "side": "R"},
    )
    assert _by_id(s, "hhd_asymmetry_retraction")[0].score == pytest.approx(0.0)
    assert _by_id(s, "hhd_asymmetry_retraction")[0].side is None


@pytest.mark.parametrize(
    ("num", "den", "ratio_id", "reference"),
    [
        ("hhd_elevation", "hhd_depression", "hhd_ratio_elevation_depression", 2.5),
        ("hhd_upward_rotation", "hhd_downward_rotation", "hhd_ratio_upward_downward_rotation", 1.5),
        ("hhd_protraction", "hhd_retraction", "hhd_ratio_protraction_retraction", 1.25),
    ],
)
def test_unilateral_ratios_compare_with_turner_2009(score, num, den, ratio_id, reference) -> None:
    s = score(
        {"test_id": num, "value": 300, "side": "R"},
        {"test_id": den, "value": 100, "side": "R"},
        {"test_id": num, "value": 100 * reference, "side": "L"},
        {"test_id": den, "value": 100, "side": "L"},
    )
    right = _by_id(s, ratio_id, "R")[0]
    left = _by_id(s, ratio_id, "L")[0]
    assert right.score == pytest.approx(3.0)
    assert right.norm.mean == reference and "Turner 2009" in right.norm.source
    assert right.norm.status == "above"
    assert left.score == pytest.approx(reference) and left.norm.status == "within"


def test_kg_input_is_converted_to_newtons(one) -> None:
    assert one(
        {"test_id": "hhd_elevation", "value": 10, "unit": "kg", "side": "L"}
    ).score == pytest.approx(98.0665)


def test_no_ratio_without_both_tests_on_one_side(score) -> None:
    s = score(
        {"test_id": "hhd_elevation", "value": 300, "side": "R"},
        {"test_id": "hhd_depression", "value": 100, "side": "L"},
    )
    assert not _by_id(s, "hhd_ratio_elevation_depression")


def test_zero_denominator_gives_no_ratio_instead_of_a_crash(score) -> None:
    s = score(
        {"test_id": "hhd_elevation", "value": 300, "side": "R"},
        {"test_id": "hhd_depression", "value": 0, "side": "R"},
    )
    assert not _by_id(s, "hhd_ratio_elevation_depression")


def test_derived_ids_cannot_be_entered(one) -> None:
    from upperback.errors import InvalidInput

    with pytest.raises(InvalidInput, match="is computed from other results"):
        one({"test_id": "hhd_ratio_elevation_depression", "value": 2.5})
