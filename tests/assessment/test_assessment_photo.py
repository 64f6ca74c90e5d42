"""Craniovertebral angle from tragus and C7 points on a side photo."""

from __future__ import annotations

import math

import pytest

from upperback.assessment.photo import cva_from_points
from upperback.errors import InvalidInput


def test_equal_rise_and_run_is_45_degrees() -> None:
    assert cva_from_points((10, 10), (0, 0)) == pytest.approx(45.0)


def test_photo_facing_left_gives_the_same_angle() -> None:
    assert cva_from_points((-10, 10), (0, 0)) == pytest.approx(45.0)


def test_known_triangle() -> None:
    # rise 2, run 2 x sqrt(3) -> 30 degrees; translation does not matter
    assert cva_from_points((105 + 2 * math.sqrt(3), 52), (105, 50)) == pytest.approx(30.0)


def test_vertical_line_is_90_degrees() -> None:
    assert cva_from_points((0, 5), (0, 0)) == pytest.approx(90.0)


def test_same_point_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="same point"):
        cva_from_points((1, 1), (1, 1))


def test_tragus_below_c7_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="above C7"):
        cva_from_points((10, -1), (0, 0))


def test_scored_cva_from_points_is_compared_with_the_sex_norm(one) -> None:
    r = one({"test_id": "cva", "tragus": (10, 10), "c7": (0, 0)})
    assert r.score == pytest.approx(45.0)
    assert r.norm is not None and r.norm.mean == 49.4 and r.norm.sd == 5.1
    assert r.norm.z == pytest.approx((45 - 49.4) / 5.1, abs=1e-3)


def test_only_one_point_is_rejected(one) -> None:
    with pytest.raises(InvalidInput, match="give both tragus and c7"):
        one({"test_id": "cva", "tragus": (10, 10)})
