"""Library coverage counts: by target muscle and by loading type."""

from __future__ import annotations

from typing import Any

from upperback.knowledge.library_report import counts_by_loading_type, counts_by_target
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.schema import Exercise, LoadingType


def _exercise(ex_id: str, targets: list[str], loading_types: list[str]) -> Exercise:
    dose = {"sets": [2, 3], "reps": [12, 15], "rest_s": 60, "rpe": 6}
    raw: dict[str, Any] = {
        "id": ex_id,
        "name": f"Exercise {ex_id}",
        "targets": targets,
        "loading_types": loading_types,
        "equipment": ["none"],
        "position": "standing",
        "load_mode": "bodyweight",
        "level": 1,
        "dosage": {g: dose for g in ("motor_control", "endurance", "strength")},
        "tempo": "2-0-1-1",
        "breathing_cue": "Exhale on the effort.",
        "coaching_cues": ["cue"],
        "compensations": ["shrug"],
        "source": "test fixture",
        "evidence": "K",
    }
    return Exercise.model_validate(raw)


EXAMPLE = [
    _exercise("a", ["lower_trapezius", "middle_trapezius"], ["concentric_eccentric"]),
    _exercise("b", ["lower_trapezius"], ["isometric", "instability"]),
    _exercise("c", ["serratus_anterior"], ["concentric_eccentric"]),
]


def test_an_entry_counts_once_for_each_of_its_targets() -> None:
    assert counts_by_target(EXAMPLE) == {
        "lower_trapezius": 2,
        "middle_trapezius": 1,
        "serratus_anterior": 1,
    }


def test_target_counts_are_ordered_most_frequent_first_then_by_name() -> None:
    assert list(counts_by_target(EXAMPLE)) == [
        "lower_trapezius",
        "middle_trapezius",
        "serratus_anterior",
    ]


def test_loading_type_counts_list_every_type_with_zero_for_unused_ones() -> None:
    counts = counts_by_loading_type(EXAMPLE)
    assert set(counts) == {t.value for t in LoadingType}
    assert counts["concentric_eccentric"] == 2
    assert counts["isometric"] == 1 and counts["instability"] == 1
    assert counts["breathing"] == 0
    assert next(iter(counts)) == "concentric_eccentric"


def test_empty_library_gives_no_targets_and_zero_types() -> None:
    assert counts_by_target([]) == {}
    assert set(counts_by_loading_type([]).values()) == {0}


def test_packaged_library_counts_cover_the_issue_muscles() -> None:
    by_target = counts_by_target(exercise_library())
    for muscle in (
        "lower_trapezius",
        "middle_trapezius",
        "serratus_anterior",
        "rhomboids",
        "deep_neck_flexors",
    ):
        assert by_target[muscle] >= 4
    by_type = counts_by_loading_type(exercise_library())
    assert all(n > 0 for n in by_type.values())
