"""Patient-Specific Functional Scale: mean of 3-5 items, version direction."""

from __future__ import annotations

import pytest

from upperback.errors import InvalidInput


def test_version_1_is_the_item_mean(one) -> None:
    # Stratford 1995: mean of the patient's activities, 0 = unable, 10 = as before.
    r = one({"test_id": "psfs", "items": [3, 4, 8], "version": "1"})
    assert r.score == pytest.approx(5.0)


def test_version_2_inverts_the_direction(one) -> None:
    # PSFS 2.0 rates difficulty (higher = harder); 7, 6, 5 equal v1 ability 3, 4, 5.
    v2 = one({"test_id": "psfs", "items": [7, 6, 5], "version": "2.0"})
    v1 = one({"test_id": "psfs", "items": [3, 4, 5], "version": "1"})
    assert v2.score == pytest.approx(v1.score) == pytest.approx(4.0)
    assert any("inverted" in n for n in v2.notes)


def test_version_2_single_value_is_inverted_too(one) -> None:
    assert one({"test_id": "psfs", "value": 8, "version": "2.0"}).score == pytest.approx(2.0)


def test_missing_version_is_rejected(one) -> None:
    with pytest.raises(
        InvalidInput, match=r"\(psfs\): version: give the instrument version \(1 or 2.0\)"
    ):
        one({"test_id": "psfs", "items": [3, 4, 5]})


def test_unknown_version_is_rejected(one) -> None:
    with pytest.raises(InvalidInput, match=r"version: '3' is not one of 1, 2\.0"):
        one({"test_id": "psfs", "items": [3, 4, 5], "version": "3"})


@pytest.mark.parametrize("n", [2, 6])
def test_item_count_outside_3_to_5_is_rejected(one, n: int) -> None:
    with pytest.raises(InvalidInput, match=f"items: {n} given, expected 3-5"):
        one({"test_id": "psfs", "items": [5] * n, "version": "1"})


def test_unanswered_psfs_item_is_rejected(one) -> None:
    with pytest.raises(InvalidInput, match="item 2 is empty"):
        one({"test_id": "psfs", "items": [5, None, 5], "version": "1"})
