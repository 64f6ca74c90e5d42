"""Change against the latest earlier result, judged with the catalogue's MDC/MCID."""

from __future__ import annotations

import datetime as dt

import pytest

EARLY, MID, LATE = dt.date(2024, 11, 4), dt.date(2024, 12, 2), dt.date(2025, 2, 3)


def _prev(score, result: dict, day: dt.date):
    return score(result, day=day).results


def test_nprs_two_point_drop_is_meaningful_improvement_farrar_2001(score) -> None:
    prev = _prev(score, {"test_id": "nprs", "value": 6}, EARLY)
    at = score({"test_id": "nprs", "value": 4}, previous=prev).results[0].change
    assert at is not None
    assert (at.delta, at.threshold, at.threshold_kind) == (-2.0, 2.0, "MCID")
    assert at.meaningful and at.direction == "improved"
    assert "Farrar 2001" in at.source


def test_nprs_change_just_under_two_points_is_not_meaningful(score) -> None:
    prev = _prev(score, {"test_id": "nprs", "value": 6}, EARLY)
    ch = score({"test_id": "nprs", "value": 4.1}, previous=prev).results[0].change
    assert not ch.meaningful and ch.direction == "unchanged"


def test_nprs_rise_of_two_points_is_worsening(score) -> None:
    prev = _prev(score, {"test_id": "nprs", "value": 3}, EARLY)
    assert (
        score({"test_id": "nprs", "value": 5}, previous=prev).results[0].change.direction
        == "worsened"
    )


def test_ndi_ten_raw_points_is_meaningful_young_2009(score) -> None:
    # 30/50 (60 %) -> 20/50 (40 %): 10 points on the 0-50 scale = 20 percentage points.
    prev = _prev(score, {"test_id": "ndi", "value": 30, "unit": "points"}, EARLY)
    at = score({"test_id": "ndi", "value": 20, "unit": "points"}, previous=prev).results[0].change
    past = score({"test_id": "ndi", "value": 21, "unit": "points"}, previous=prev).results[0].change
    assert at.threshold == 20 and at.meaningful and at.direction == "improved"
    assert "Young 2009" in at.source
    assert not past.meaningful


def test_psfs_higher_is_better(score) -> None:
    prev = _prev(score, {"test_id": "psfs", "items": [3, 3, 3], "version": "1"}, EARLY)
    ch = (
        score({"test_id": "psfs", "items": [5, 5, 5], "version": "1"}, previous=prev)
        .results[0]
        .change
    )
    assert ch.meaningful and ch.direction == "improved"


def test_rom_mdc_at_the_limit_and_one_past(score) -> None:
    prev = _prev(score, {"test_id": "shoulder_er", "value": 60, "side": "L"}, EARLY)
    at = (
        score({"test_id": "shoulder_er", "value": 69, "side": "L"}, previous=prev).results[0].change
    )
    under = (
        score({"test_id": "shoulder_er", "value": 68.9, "side": "L"}, previous=prev)
        .results[0]
        .change
    )
    assert at.meaningful and at.threshold_kind == "MDC90"
    assert not under.meaningful


def test_compares_with_the_latest_earlier_result_of_the_same_side(score) -> None:
    prev = [
        *_prev(score, {"test_id": "shoulder_flexion", "value": 120, "side": "R"}, EARLY),
        *_prev(score, {"test_id": "shoulder_flexion", "value": 150, "side": "R"}, MID),
        *_prev(score, {"test_id": "shoulder_flexion", "value": 100, "side": "L"}, MID),
        *_prev(
            score,
            {"test_id": "shoulder_flexion", "value": 90, "side": "R"},
            LATE + dt.timedelta(days=1),
        ),
    ]
    ch = (
        score({"test_id": "shoulder_flexion", "value": 160, "side": "R"}, previous=prev)
        .results[0]
        .change
    )
    assert ch.previous == 150 and ch.previous_date == MID


def test_condition_must_match_for_emg_ratios(score) -> None:
    prev = _prev(
        score, {"test_id": "emg_ratio_ut_lt", "value": 3.0, "condition": "lowering"}, EARLY
    )
    r = score(
        {"test_id": "emg_ratio_ut_lt", "value": 1.0, "condition": "elevation"}, previous=prev
    ).results[0]
    assert r.change is None and not any("previous" in n for n in r.notes)


def test_no_threshold_gives_a_note_not_a_judgement(score) -> None:
    prev = _prev(score, {"test_id": "dnf_endurance", "value": 10}, EARLY)
    r = score({"test_id": "dnf_endurance", "value": 30}, previous=prev).results[0]
    assert r.change is None
    assert any("no published MDC/MCID" in n for n in r.notes)


@pytest.mark.parametrize("day", [EARLY])
def test_first_assessment_has_no_change(score, day) -> None:
    assert score({"test_id": "nprs", "value": 3}, day=day).results[0].change is None
