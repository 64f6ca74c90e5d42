"""Neck Disability Index: worked examples, missing-item rule and severity bands."""

from __future__ import annotations

import pytest

from upperback.errors import InvalidInput


def test_all_items_answered_gives_raw_times_two(one) -> None:
    # Vernon & Mior scoring: 10 items 0-5, raw 0-50, percent = raw x 2.
    r = one({"test_id": "ndi", "items": [3, 2, 1, 4, 2, 3, 1, 2, 2, 1]})
    assert r.score == pytest.approx(42.0)
    assert r.band == "moderate"
    assert "raw 21/50" in r.notes


def test_one_missing_item_is_pro_rated_16_of_45(one) -> None:
    # Worked example: 16 points over 9 answered items -> 100 x 16 / 45 = 35.6 %.
    r = one({"test_id": "ndi", "items": [2, 2, 2, 2, 2, 2, 1, None, 2, 1]})
    assert r.score == pytest.approx(35.56, abs=0.005)
    assert round(r.score, 1) == 35.6
    assert any("pro-rated over 9" in n for n in r.notes)


def test_two_missing_items_are_still_scored(one) -> None:
    r = one({"test_id": "ndi", "items": [2, 2, 2, 2, 2, 2, 2, None, None, 2]})
    assert r.score == pytest.approx(40.0)


def test_three_missing_items_are_invalid(one) -> None:
    with pytest.raises(
        InvalidInput, match=r"results\[0\] \(ndi\): items: 3 items unanswered; at most 2"
    ):
        one({"test_id": "ndi", "items": [2, 2, 2, 2, 2, 2, 2, None, None, None]})


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (0, "none"),
        (4, "none"),
        (5, "mild"),
        (14, "mild"),
        (15, "moderate"),
        (24, "moderate"),
        (25, "severe"),
        (34, "severe"),
        (35, "complete"),
        (50, "complete"),
    ],
)
def test_bands_at_their_edges(one, raw: int, band: str) -> None:
    items = [5] * (raw // 5) + ([raw % 5] if raw % 5 else [])
    items += [0] * (10 - len(items))
    r = one({"test_id": "ndi", "items": items})
    assert r.score == pytest.approx(raw * 2)
    assert r.band == band


def test_value_in_raw_points_is_converted_to_percent(one) -> None:
    assert one({"test_id": "ndi", "value": 16, "unit": "points"}).score == pytest.approx(32.0)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([2] * 9, "items: 9 given, expected 10"),
        ([2] * 9 + [6], "item 10 is 6, outside 0-5"),
        ([2] * 9 + [2.5], "item 10 is 2.5; item scores are whole numbers"),
        ([2] * 9 + [float("nan")], "item 10: nan is not a finite number"),
    ],
)
def test_bad_items_are_named(one, items, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        one({"test_id": "ndi", "items": items})
