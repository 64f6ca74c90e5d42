"""Bad results are rejected with one line naming the result, field and problem."""

from __future__ import annotations

import pytest

from upperback.errors import InvalidInput
from upperback.knowledge.tests_catalog import battery

CONTRACT_IDS = {
    "nprs",
    "ndi",
    "psfs",
    "dnf_endurance",
    "ccft",
    "cva",
    "shoulder_flexion",
    "shoulder_abduction",
    "shoulder_er",
    "shoulder_ir",
    "thoracic_rotation",
    "scapular_dyskinesis",
    "hhd_elevation",
    "hhd_depression",
    "hhd_upward_rotation",
    "hhd_downward_rotation",
    "hhd_protraction",
    "hhd_retraction",
    "hhd_lower_trapezius",
    "hhd_middle_trapezius",
    "prone_y_hold",
    "prone_t_hold",
    "ckcuest",
    "neck_extensor_endurance",
    "emg_ratio_ut_lt",
    "emg_ratio_ut_mt",
    "emg_ratio_ut_sa",
    "emg_onset_delay_lt",
    "emg_onset_delay_sa",
}


def test_catalogue_accepts_exactly_the_contract_ids() -> None:
    assert set(battery().input_ids()) == CONTRACT_IDS


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ({"test_id": "grip"}, r"results\[0\] \(grip\): test_id: unknown test id 'grip'"),
        (
            {"test_id": "nprs", "value": 11},
            r"\(nprs\): value: 11 points is outside the valid range 0-10 points",
        ),
        ({"test_id": "nprs", "value": -0.5}, "outside the valid range"),
        ({"test_id": "nprs"}, r"\(nprs\): value: missing"),
        ({"test_id": "nprs", "value": float("inf")}, "inf is not a finite number"),
        (
            {"test_id": "dnf_endurance", "value": 30, "unit": "kg"},
            "unit: 'kg' is not accepted; use one of s, sec, seconds",
        ),
        ({"test_id": "shoulder_er", "value": 80}, "side: give L or R"),
        ({"test_id": "shoulder_er", "value": 80, "side": "B"}, "side: give L or R"),
        ({"test_id": "emg_ratio_ut_sa", "value": 0.8}, "condition: name the task"),
        (
            {"test_id": "scapular_dyskinesis", "side": "L"},
            "rating: missing; use one of normal, subtle, obvious",
        ),
        (
            {"test_id": "scapular_dyskinesis", "side": "L", "rating": "bad"},
            "rating: 'bad' is not one of",
        ),
        ({"test_id": "scapular_dyskinesis", "side": "L", "value": 1}, "give a rating"),
        ({"test_id": "nprs", "value": 3, "rating": "ok"}, "rating: this test takes no rating"),
        ({"test_id": "nprs", "items": [3]}, "items: this test takes a value, not items"),
        ({"test_id": "ndi", "value": 30, "items": [1] * 10}, "give value or items, not both"),
        ({"test_id": "nprs", "value": 3, "version": "2"}, "version: this test has no versions"),
        ({"test_id": "nprs", "value": 3, "c7": (0, 0)}, "photo points are only used"),
        (
            {"test_id": "cva", "tragus": (0, 0), "c7": (0, 0)},
            r"\(cva\): tragus: the tragus and C7 points are the same",
        ),
        ({"test_id": "ccft", "value": 32}, "outside the valid range 20-30 mmHg"),
    ],
)
def test_bad_result_is_named(one, result: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        one(result)


def test_error_names_the_position_of_the_bad_result(score) -> None:
    with pytest.raises(InvalidInput, match=r"results\[1\] \(nprs\)"):
        score({"test_id": "nprs", "value": 3}, {"test_id": "nprs", "value": 30})


@pytest.mark.parametrize(
    ("age", "mass", "field"),
    [
        (-1, None, "age"),
        (121, None, "age"),
        (40, 10.0, "body_mass_kg"),
        (40, float("nan"), "body_mass_kg"),
    ],
)
def test_client_figures_are_checked(one, age: int, mass: float | None, field: str) -> None:
    with pytest.raises(InvalidInput, match=f"^{field}:"):
        one({"test_id": "nprs", "value": 3}, age=age, body_mass_kg=mass)


def test_scoring_is_deterministic(score) -> None:
    results = (
        {"test_id": "ndi", "items": [1, 2, 3, 4, 5, 0, 1, 2, None, 3]},
        {"test_id": "hhd_elevation", "value": 200, "side": "L"},
        {"test_id": "hhd_elevation", "value": 150, "side": "R"},
    )
    assert score(*results) == score(*results)
