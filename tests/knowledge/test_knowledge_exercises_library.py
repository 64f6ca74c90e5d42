"""Lint of the packaged exercise library: coverage, graph, sources, dosages, EMG classes."""

from __future__ import annotations

from collections import defaultdict

import pytest

from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.schema import Evidence, Exercise, LoadingType, LoadMode, RatioClass
from upperback.model.common import Equipment, Goal, Muscle
from upperback.model.profile import FindingCode

LT = LoadingType
SIMPLE_EQUIPMENT = {
    Equipment.none,
    Equipment.mat,
    Equipment.wall,
    Equipment.band,
    Equipment.chair,
    Equipment.towel,
}
INTAKE_CONDITIONS = {"high_irritability", "hypertension", "no_floor_work"}
GENTLE = {LT.mobility, LT.breathing}

# (exercise id, EMG source) pairs whose stored class differs from the ratio computed from that
# source's figures, with the reason. Each must stay a real mismatch (checked below).
RATIO_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("prone_y_db", "Ekstrom 2003 JOSPT 33:247"): (
        "UT/LT 0.81 (B) at moderate load; the entry is classed C by its less favourable "
        "figure (Andersen 2012 high intensity, 1.07), since the class moves with load (caveat 3)"
    ),
    ("scaption_er_above_120", "Ekstrom 2003 JOSPT 33:247"): (
        "UT/SA 0.82 (B), but UT/LT 1.30 (C) for its second target; classed by the worst target"
    ),
}

# Entries allowed to sit off every ladder (no progression and no regression), with the reason.
LADDER_EXEMPT: dict[str, str] = {
    "shrug": "UT strengthening only; never a step on a scapular-control ladder (DOMAIN.md 1.2 B5)",
}


@pytest.fixture(scope="module")
def lib() -> ExerciseLibrary:
    return exercise_library()


def _targeting(lib: ExerciseLibrary, muscle: Muscle) -> list[Exercise]:
    return [ex for ex in lib if muscle in ex.targets]


def _of_type(lib: ExerciseLibrary, kind: LoadingType) -> list[Exercise]:
    return [ex for ex in lib if kind in ex.loading_types]


def _ratio_class(ratio: float) -> RatioClass:
    """DOMAIN.md 1.1 cut-offs, written out independently of the data."""
    if ratio <= 0.6:
        return RatioClass.A
    if ratio <= 1.0:
        return RatioClass.B
    return RatioClass.C


def test_packaged_library_has_at_least_60_entries(lib: ExerciseLibrary) -> None:
    assert len(lib) >= 60


@pytest.mark.parametrize(
    "muscle",
    [
        Muscle.lower_trapezius,
        Muscle.middle_trapezius,
        Muscle.serratus_anterior,
        Muscle.rhomboids,
        Muscle.deep_neck_flexors,
    ],
)
def test_every_listed_muscle_group_is_the_target_of_at_least_4_entries(
    lib: ExerciseLibrary, muscle: Muscle
) -> None:
    assert len(_targeting(lib, muscle)) >= 4


def test_instability_entries_include_bottoms_up_kettlebell_and_perturbation(
    lib: ExerciseLibrary,
) -> None:
    entries = _of_type(lib, LT.instability)
    assert len(entries) >= 6
    assert any("bottoms_up" in ex.id and Equipment.kettlebell in ex.equipment for ex in entries)
    assert any("perturbation" in ex.id for ex in entries)


def test_category_minimums(lib: ExerciseLibrary) -> None:
    assert len(_of_type(lib, LT.eccentric_emphasis)) >= 6
    assert len(_of_type(lib, LT.mobility)) >= 6
    assert len(_of_type(lib, LT.breathing)) >= 4


def test_integration_entries_include_carries_and_rotation(lib: ExerciseLibrary) -> None:
    entries = _of_type(lib, LT.integration)
    assert len(entries) >= 5
    assert len([ex for ex in entries if "carry" in ex.id]) >= 2
    assert any(word in ex.id for ex in entries for word in ("chop", "lift", "rotation"))


def test_thoracic_mobility_and_breath_synchronized_work_present(lib: ExerciseLibrary) -> None:
    thoracic = [ex for ex in _of_type(lib, LT.mobility) if Muscle.thoracic_extensors in ex.targets]
    assert len(thoracic) >= 4
    assert any(LT.breathing in ex.loading_types and LT.mobility in ex.loading_types for ex in lib)


def test_every_progression_and_regression_resolves_and_never_names_itself(
    lib: ExerciseLibrary,
) -> None:
    for ex in lib:
        for other in [*ex.progressions, *ex.regressions]:
            assert other in lib.by_id, f"{ex.id} -> {other}"
            assert other != ex.id


def test_progression_graph_has_no_cycle(lib: ExerciseLibrary) -> None:
    assert lib.find_progression_cycle() == []


def test_progressions_never_go_down_a_level_and_regressions_never_up(lib: ExerciseLibrary) -> None:
    for ex in lib:
        for pid in ex.progressions:
            assert lib.get(pid).level >= ex.level, f"{ex.id} -> {pid}"
        for rid in ex.regressions:
            assert lib.get(rid).level <= ex.level, f"{ex.id} <- {rid}"


def test_every_entry_can_move_along_a_ladder_unless_it_is_an_endpoint(lib: ExerciseLibrary) -> None:
    for ex in lib:
        endpoint = set(ex.loading_types) <= {LT.mobility, LT.integration, LT.breathing}
        if ex.id in LADDER_EXEMPT or endpoint:
            continue
        assert ex.progressions or ex.regressions, f"{ex.id} is stranded off every ladder"


LADDERS = {
    "lower trapezius": lambda ex: Muscle.lower_trapezius in ex.targets,
    "middle trapezius": lambda ex: Muscle.middle_trapezius in ex.targets,
    "serratus anterior": lambda ex: Muscle.serratus_anterior in ex.targets,
    "deep neck flexors": lambda ex: Muscle.deep_neck_flexors in ex.targets,
    "thoracic mobility": lambda ex: (
        LT.mobility in ex.loading_types and Muscle.thoracic_extensors in ex.targets
    ),
    "integration": lambda ex: LT.integration in ex.loading_types,
    "breathing": lambda ex: LT.breathing in ex.loading_types,
}


@pytest.mark.parametrize("ladder", sorted(LADDERS))
def test_each_ladder_starts_with_a_home_friendly_level_1_entry(
    lib: ExerciseLibrary, ladder: str
) -> None:
    starts = [ex for ex in lib if LADDERS[ladder](ex) and ex.level == 1]
    assert any(set(ex.equipment) <= SIMPLE_EQUIPMENT for ex in starts), ladder
    # The generator must still have a first step when the client cannot get to the floor.
    assert any("no_floor_work" not in ex.contraindications for ex in starts), ladder


def test_every_entry_has_source_and_evidence_and_uncertain_ones_say_why(
    lib: ExerciseLibrary,
) -> None:
    for ex in lib:
        assert ex.source.strip()
        assert ex.evidence in set(Evidence)
        if ex.evidence is Evidence.U or "design choice" in ex.source:
            assert ex.uncertainty.strip(), f"{ex.id} needs an uncertainty note"
        if "design choice" in ex.source:
            assert ex.evidence is not Evidence.V, ex.id
        if ex.ratio_class is not None:
            assert ex.ratio_source.strip(), f"{ex.id} has a ratio class without a source"


def test_every_emg_figure_names_its_source_and_tag(lib: ExerciseLibrary) -> None:
    figures = [(ex.id, f) for ex in lib for f in ex.emg]
    assert len(figures) >= 40
    for ex_id, f in figures:
        assert len(f.source.strip()) >= 3, ex_id
        assert f.evidence in set(Evidence)
        assert f.pct_mvic is not None or f.note.strip(), (
            f"{ex_id}: a figure needs a value or a note"
        )


def test_ratio_class_matches_same_source_figures(lib: ExerciseLibrary) -> None:
    checked = 0
    mismatches: set[tuple[str, str]] = set()
    for ex in lib:
        if ex.ratio_class is None:
            continue
        by_source: dict[str, dict[Muscle, float]] = defaultdict(dict)
        for f in ex.emg:
            if f.pct_mvic is not None:
                by_source[f.source].setdefault(f.muscle, f.pct_mvic)
        for source, pct in by_source.items():
            target = next((m for m in ex.targets if m != Muscle.upper_trapezius and m in pct), None)
            if Muscle.upper_trapezius not in pct or target is None:
                continue
            checked += 1
            expected = _ratio_class(pct[Muscle.upper_trapezius] / pct[target])
            if expected != ex.ratio_class:
                mismatches.add((ex.id, source))
    assert checked >= 8
    assert mismatches == set(RATIO_EXCEPTIONS)


def test_ut_targeted_entries_are_class_c_and_excluded_when_ut_dominant(
    lib: ExerciseLibrary,
) -> None:
    ut_entries = _targeting(lib, Muscle.upper_trapezius)
    assert [ex.id for ex in ut_entries] == ["shrug"]
    for ex in ut_entries:
        assert ex.ratio_class is RatioClass.C
        assert FindingCode.ut_dominant.value in ex.contraindications


def test_unstable_push_up_plus_is_excluded_when_ut_dominant(lib: ExerciseLibrary) -> None:
    # DOMAIN.md 1.2 C4: the unstable rung only if UT is controlled.
    for ex_id in ("push_up_plus_bosu", "push_up_plus_suspension"):
        assert "ut_dominant" in lib.get(ex_id).contraindications


def test_contraindications_use_only_finding_codes_and_intake_conditions(
    lib: ExerciseLibrary,
) -> None:
    allowed = {c.value for c in FindingCode} | INTAKE_CONDITIONS
    used = {code for ex in lib for code in ex.contraindications}
    assert used <= allowed
    assert {"ut_dominant", "no_floor_work", "hypertension", "high_irritability"} <= used


def _within(rng: tuple[int, int] | None, lo: int, hi: int) -> bool:
    return rng is not None and lo <= rng[0] <= rng[1] <= hi


def _dnf_precision(ex: Exercise) -> bool:
    """Early deep-neck-flexor work is low-load precision, whatever the client's goal."""
    return ex.load_mode is LoadMode.pressure or (
        ex.targets == [Muscle.deep_neck_flexors] and ex.level <= 3
    )


def test_dosages_sit_in_the_goal_zones(lib: ExerciseLibrary) -> None:
    """DOMAIN.md 4.1 and its rehab translation; mobility and breathing stay gentle."""
    for ex in lib:
        gentle = set(ex.loading_types) <= GENTLE
        for goal, d in ex.dosage.items():
            where = f"{ex.id}/{goal.value}"
            assert d.rest_s <= 180, where
            if gentle:
                assert d.rpe <= 4, where
                assert _within(d.reps, 3, 15) or _within(d.hold_s, 10, 60), where
            elif _dnf_precision(ex):
                # Jull CCF protocol: 10-s holds repeated up to 10 times, low effort throughout.
                assert d.hold_s == (10, 10) and _within(d.sets, 5, 10) and d.rpe <= 6, where
            elif goal is Goal.motor_control:
                assert 3 <= d.rpe <= 5, where
                assert _within(d.reps, 5, 15) or _within(d.hold_s, 5, 30), where
                assert d.rest_s <= 90, where
            elif goal is Goal.endurance:
                assert 5 <= d.rpe <= 7, where
                if d.reps is not None:
                    assert _within(d.sets, 2, 3) and _within(d.reps, 10, 20) and d.reps[1] >= 12, (
                        where
                    )
                else:
                    assert _within(d.sets, 2, 4) and _within(d.hold_s, 15, 60), where
                assert d.rest_s <= 90, where
            else:
                assert 7 <= d.rpe <= 8, where
                assert _within(d.sets, 3, 4), where
                assert _within(d.reps, 6, 12) or _within(d.hold_s, 10, 45), where
                assert 60 <= d.rest_s <= 180, where


def test_pure_isometric_entries_are_dosed_as_holds(lib: ExerciseLibrary) -> None:
    for ex in lib:
        if LT.isometric in ex.loading_types and set(ex.loading_types) <= {
            LT.isometric,
            LT.instability,
        }:
            assert all(d.hold_s is not None for d in ex.dosage.values()), ex.id


def test_eccentric_emphasis_entries_lower_over_3_to_4_seconds(lib: ExerciseLibrary) -> None:
    for ex in _of_type(lib, LT.eccentric_emphasis):
        assert ex.tempo.split("-")[0] in {"3", "4"}, ex.id


def test_load_mode_matches_equipment(lib: ExerciseLibrary) -> None:
    loadable = {Equipment.dumbbell, Equipment.kettlebell, Equipment.cable, Equipment.barbell}
    for ex in lib:
        if ex.load_mode is LoadMode.kg:
            assert loadable & set(ex.equipment), ex.id
        elif ex.load_mode is LoadMode.band:
            assert Equipment.band in ex.equipment, ex.id
        elif ex.load_mode is LoadMode.pressure:
            assert Equipment.pressure_biofeedback in ex.equipment, ex.id


def _tempo_seconds(tempo: str) -> int:
    return sum(1 if part == "X" else int(part) for part in tempo.split("-"))


def test_minutes_per_set_is_close_to_the_working_time_of_an_endurance_set(
    lib: ExerciseLibrary,
) -> None:
    for ex in lib:
        d = ex.dosage[Goal.endurance]
        sides = 2 if ex.per_side else 1
        if d.reps is not None:
            seconds = sum(d.reps) / 2 * _tempo_seconds(ex.tempo) * sides
        else:
            assert d.hold_s is not None
            seconds = sum(d.hold_s) / 2 * sides
        assert 0.5 <= ex.minutes_per_set * 60 / seconds <= 2.0, ex.id


def test_unilateral_entries_are_dosed_per_side(lib: ExerciseLibrary) -> None:
    for ex in lib:
        if any(word in ex.name.lower() for word in ("unilateral", "one-arm", "one arm")):
            assert ex.per_side, ex.id


def test_every_entry_has_a_breathing_cue_and_mobility_is_paced_on_the_exhale(
    lib: ExerciseLibrary,
) -> None:
    for ex in lib:
        cue = ex.breathing_cue.lower()
        assert "exhale" in cue or "breath" in cue, ex.id
        if set(ex.loading_types) & GENTLE:
            assert "6 breaths/min" in cue, ex.id


def test_four_exercises_are_classed_from_their_own_figures() -> None:
    """UT / target ratios from each entry's own EMG figures: A <= 0.6, B <= 1.0, C above;
    an entry without figures of its own is unknown (issue 10)."""
    from upperback.knowledge.loader import exercise_library
    from upperback.model.common import Muscle

    lib = exercise_library()
    for ex_id in ("scaption_er_above_120", "prone_y_db"):
        ex = lib.by_id[ex_id]
        ut = [f.pct_mvic for f in ex.emg if f.muscle == Muscle.upper_trapezius and f.pct_mvic]
        worst = max(
            u / f.pct_mvic for u in ut for f in ex.emg if f.muscle in ex.targets and f.pct_mvic
        )
        assert worst > 1.0 and ex.ratio_class is not None and ex.ratio_class.value == "C"
    for ex_id in ("prone_y_eccentric", "scaption_eccentric_lowering"):
        ex = lib.by_id[ex_id]
        assert not any(f.pct_mvic for f in ex.emg) and ex.ratio_class is None
