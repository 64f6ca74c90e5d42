"""The loader rejects a bad library file with one line naming the entry, the field and the problem."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from upperback.errors import InvalidInput
from upperback.knowledge.loader import load_exercises


def _entry(ex_id: str, level: int = 1, **changes: Any) -> dict[str, Any]:
    """A minimal valid entry; `changes` override or add fields."""
    dose = {"sets": [2, 3], "reps": [12, 15], "rest_s": 60, "rpe": 6}
    entry: dict[str, Any] = {
        "id": ex_id,
        "name": f"Exercise {ex_id}",
        "targets": ["lower_trapezius"],
        "loading_types": ["concentric_eccentric"],
        "equipment": ["band"],
        "position": "standing",
        "load_mode": "band",
        "level": level,
        "dosage": {g: copy.deepcopy(dose) for g in ("motor_control", "endurance", "strength")},
        "tempo": "2-0-1-1",
        "breathing_cue": "Exhale on the effort.",
        "coaching_cues": ["Shoulder blade down and back."],
        "compensations": ["Shrugging."],
        "source": "test fixture",
        "evidence": "K",
    }
    entry.update(changes)
    return entry


def _write(tmp_path: Path, entries: list[dict[str, Any]], name: str = "lib.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"exercises": entries}, sort_keys=False), encoding="utf-8")
    return path


def _message(path: Path) -> str:
    with pytest.raises(InvalidInput) as info:
        load_exercises(path)
    text = str(info.value)
    assert "\n" not in text
    return text


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path, [_entry("a", progressions=["b"]), _entry("b", level=2, regressions=["a"])]
    )
    lib = load_exercises(path)
    assert len(lib) == 2
    assert lib.get("a").progressions == ["b"]


def test_unknown_progression_id_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a", progressions=["nowhere"])])
    with pytest.raises(
        InvalidInput, match=r"^lib\.yaml entry a: progressions names unknown id 'nowhere'$"
    ):
        load_exercises(path)


def test_unknown_regression_id_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a", regressions=["gone"])])
    with pytest.raises(
        InvalidInput, match=r"^lib\.yaml entry a: regressions names unknown id 'gone'$"
    ):
        load_exercises(path)


def test_a_progression_cycle_is_rejected_with_its_path(tmp_path: Path) -> None:
    entries = [
        _entry("a", progressions=["b"]),
        _entry("b", progressions=["c"]),
        _entry("c", progressions=["a"]),
    ]
    path = _write(tmp_path, entries)
    with pytest.raises(InvalidInput, match=r"^lib\.yaml: progression cycle a -> b -> c -> a$"):
        load_exercises(path)


def test_a_cycle_through_a_regression_is_rejected(tmp_path: Path) -> None:
    # a progresses to b, and b also lists a as its progression via a's regression list.
    path = _write(tmp_path, [_entry("a", progressions=["b"], regressions=["b"]), _entry("b")])
    with pytest.raises(InvalidInput, match=r"^lib\.yaml: progression cycle a -> b -> a$"):
        load_exercises(path)


def test_self_reference_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a", progressions=["a"])])
    with pytest.raises(InvalidInput, match=r"^lib\.yaml entry a: progressions names itself$"):
        load_exercises(path)


def test_a_progression_to_a_lower_level_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a", level=3, progressions=["b"]), _entry("b", level=2)])
    with pytest.raises(
        InvalidInput,
        match=r"^lib\.yaml entry a: progressions names 'b' at level 2, below this entry's level 3$",
    ):
        load_exercises(path)


def test_a_regression_to_a_higher_level_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a", level=1, regressions=["b"]), _entry("b", level=4)])
    with pytest.raises(
        InvalidInput,
        match=r"^lib\.yaml entry a: regressions names 'b' at level 4, above this entry's level 1$",
    ):
        load_exercises(path)


def test_missing_source_is_named(tmp_path: Path) -> None:
    entry = _entry("a")
    del entry["source"]
    path = _write(tmp_path, [entry])
    with pytest.raises(InvalidInput, match=r"^lib\.yaml entry a: source: Field required$"):
        load_exercises(path)


def test_missing_evidence_on_an_emg_figure_is_named(tmp_path: Path) -> None:
    figure = {"muscle": "lower_trapezius", "pct_mvic": 40, "source": "Somebody 2020"}
    path = _write(tmp_path, [_entry("a", emg=[figure])])
    with pytest.raises(
        InvalidInput, match=r"^lib\.yaml entry a: emg\.0\.evidence: Field required$"
    ):
        load_exercises(path)


def test_sets_out_of_range_are_named_with_the_limits(tmp_path: Path) -> None:
    entry = _entry("a")
    entry["dosage"]["strength"]["sets"] = [3, 12]
    path = _write(tmp_path, [entry])
    with pytest.raises(
        InvalidInput,
        match=r"^lib\.yaml entry a: dosage\.strength: Value error, sets range \[3, 12\] must satisfy 1 <= low <= high <= 6$",
    ):
        load_exercises(path)


def test_a_hold_series_may_have_up_to_10_sets_but_not_more(tmp_path: Path) -> None:
    holds = {"sets": [5, 10], "hold_s": [10, 10], "rest_s": 10, "rpe": 4}
    ok = _entry("a", dosage={g: dict(holds) for g in ("motor_control", "endurance", "strength")})
    assert len(load_exercises(_write(tmp_path, [ok]))) == 1
    bad = copy.deepcopy(ok)
    bad["dosage"]["endurance"]["sets"] = [5, 11]
    with pytest.raises(
        InvalidInput,
        match=r"^lib\.yaml entry a: dosage\.endurance: Value error, sets range \[5, 11\] must satisfy 1 <= low <= high <= 10$",
    ):
        load_exercises(_write(tmp_path, [bad]))


def test_reps_and_hold_together_are_rejected(tmp_path: Path) -> None:
    entry = _entry("a")
    entry["dosage"]["endurance"]["hold_s"] = [10, 20]
    path = _write(tmp_path, [entry])
    with pytest.raises(
        InvalidInput, match=r"^lib\.yaml entry a: dosage\.endurance: Value error, give exactly one"
    ):
        load_exercises(path)


def test_missing_goal_dosage_is_named(tmp_path: Path) -> None:
    entry = _entry("a")
    del entry["dosage"]["strength"]
    path = _write(tmp_path, [entry])
    with pytest.raises(
        InvalidInput,
        match=r"^lib\.yaml entry a: dosage: Value error, dosage missing for goal\(s\): strength$",
    ):
        load_exercises(path)


def test_unknown_contraindication_code_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a", contraindications=["ut_dominant", "bad_knees"])])
    with pytest.raises(
        InvalidInput,
        match=r"^lib\.yaml entry a: contraindications: Value error, unknown contraindication code\(s\) bad_knees;",
    ):
        load_exercises(path)


def test_finding_codes_and_intake_conditions_are_accepted_as_contraindications(
    tmp_path: Path,
) -> None:
    codes = [
        "ut_dominant",
        "scm_dominant",
        "shoulder_flexion_limited",
        "high_irritability",
        "hypertension",
        "no_floor_work",
    ]
    lib = load_exercises(_write(tmp_path, [_entry("a", contraindications=codes)]))
    assert lib.get("a").contraindications == codes


def test_bad_yaml_syntax_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("exercises:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"^.*broken\.yaml: line \d+ is not valid YAML$"):
        load_exercises(path)


def test_duplicate_id_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, [_entry("a"), _entry("a")])
    with pytest.raises(InvalidInput, match=r"^lib\.yaml: duplicate exercise id 'a'$"):
        load_exercises(path)


def test_a_file_without_an_entry_list_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("exercises: {}\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"^empty\.yaml: expected a list of entries$"):
        load_exercises(path)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"nope\.yaml: file not found$"):
        load_exercises(tmp_path / "nope.yaml")


def test_the_first_bad_entry_is_named_even_when_later_ones_are_fine(tmp_path: Path) -> None:
    bad = _entry("second", tempo="slow")
    text = _message(_write(tmp_path, [_entry("first"), bad, _entry("third")]))
    assert text.startswith("lib.yaml entry second: tempo:")
