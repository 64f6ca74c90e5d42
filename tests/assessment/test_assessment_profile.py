"""Deficit profile: findings with severity and evidence, ranked deterministically."""

from __future__ import annotations

import pytest

from upperback.assessment.profile import build_profile
from upperback.model.common import Sex
from upperback.model.profile import FindingCode, Irritability, Severity


def _profile(score, *results, sex=Sex.female):
    return build_profile(score(*results, sex=sex), sex=sex)


def _finding(profile, code, side=None):
    return next(f for f in profile.findings if f.code == code and f.side == side)


def test_high_ut_lt_ratio_gives_lt_underactive_with_the_figure(score) -> None:
    p = _profile(score, {"test_id": "emg_ratio_ut_lt", "value": 3.1, "condition": "elevation"})
    f = _finding(p, FindingCode.lt_underactive)
    assert "upper trapezius more active than lower trapezius (UT/LT ratio 3.1 in elevation)" in (
        f.statement
    )
    assert "3.1" in f.evidence and "class C" in f.evidence
    assert f.severity == Severity.severe
    assert not p.has(FindingCode.ut_dominant)  # one ratio, one finding naming both muscles
    assert "[V]" in f.source and f.uncertainty


def test_ut_lt_ratio_at_1_is_no_finding(score) -> None:
    p = _profile(score, {"test_id": "emg_ratio_ut_lt", "value": 1.0, "condition": "elevation"})
    assert not p.has(FindingCode.lt_underactive) and not p.has(FindingCode.ut_dominant)


def test_dnf_12_s_in_a_woman_is_low_against_29_4_s(score) -> None:
    p = _profile(score, {"test_id": "dnf_endurance", "value": 12})
    f = _finding(p, FindingCode.dnf_endurance_low)
    assert f.statement == "deep neck flexor endurance 12 s against a norm of 29.4 s"
    assert "Domenech 2011" in f.source
    assert f.severity == Severity.moderate  # z = -1.27
    assert "1 SD below" in f.evidence  # distribution criterion, not a patient-group mean


def test_dnf_30_s_in_a_man_is_within_one_sd_but_not_a_finding(score) -> None:
    p = _profile(score, {"test_id": "dnf_endurance", "value": 30}, sex=Sex.male)
    assert not p.has(FindingCode.dnf_endurance_low)


def test_ccft_below_24_and_substitution(score) -> None:
    p = _profile(score, {"test_id": "ccft", "value": 22, "rating": "substitution"})
    assert p.severity_of(FindingCode.dnf_control_low) == Severity.mild
    assert p.has(FindingCode.scm_dominant)
    assert not _profile(score, {"test_id": "ccft", "value": 24}).has(FindingCode.dnf_control_low)


def test_forward_head_says_it_is_descriptive(score) -> None:
    f = _finding(
        _profile(score, {"test_id": "cva", "tragus": (10, 9), "c7": (0, 0)}),
        FindingCode.forward_head,
    )
    assert "descriptive only" in f.statement and "42 deg" in f.statement
    assert "49.4" in f.statement  # the healthy women's mean it is compared with
    assert "weak link to pain" in f.uncertainty


def test_dyskinesis_only_when_obvious_and_not_pathology(score) -> None:
    subtle = _profile(score, {"test_id": "scapular_dyskinesis", "rating": "subtle", "side": "R"})
    obvious = _profile(score, {"test_id": "scapular_dyskinesis", "rating": "obvious", "side": "R"})
    assert not subtle.has(FindingCode.scapular_dyskinesis)
    f = _finding(obvious, FindingCode.scapular_dyskinesis, "R")
    assert "not pathology on its own" in f.statement


def test_strength_asymmetry_and_lt_from_hhd(score) -> None:
    p = _profile(
        score,
        {"test_id": "hhd_lower_trapezius", "value": 100, "side": "L"},
        {"test_id": "hhd_lower_trapezius", "value": 70, "side": "R"},
        {"test_id": "hhd_retraction", "value": 100, "side": "L"},
        {"test_id": "hhd_retraction", "value": 70, "side": "R"},
    )
    assert _finding(p, FindingCode.strength_asymmetry, "R").severity == Severity.severe  # 30 %
    assert _finding(p, FindingCode.lt_underactive, "R").severity == Severity.moderate
    asym = _finding(p, FindingCode.strength_asymmetry, "R")
    assert "retraction" in asym.statement and "lower trapezius" not in asym.evidence.lower()


def test_elevation_depression_ratio_well_above_2_5_is_ut_dominant(score) -> None:
    p = _profile(
        score,
        {"test_id": "hhd_elevation", "value": 350, "side": "R"},
        {"test_id": "hhd_depression", "value": 100, "side": "R"},
    )
    f = _finding(p, FindingCode.ut_dominant, "R")
    assert "3.5" in f.statement and "2.5:1" in f.statement


def test_onset_delays_past_50_ms(score) -> None:
    p = _profile(
        score,
        {"test_id": "emg_onset_delay_lt", "value": 120, "condition": "arm flexion"},
        {"test_id": "emg_onset_delay_sa", "value": 50, "condition": "arm flexion"},
    )
    assert p.severity_of(FindingCode.lt_onset_delayed) == Severity.moderate
    assert not p.has(FindingCode.sa_onset_delayed)


@pytest.mark.parametrize(
    ("test_id", "value", "code"),
    [
        ("thoracic_rotation", 30, FindingCode.thoracic_rotation_limited),
        ("shoulder_flexion", 150, FindingCode.shoulder_flexion_limited),
        ("shoulder_abduction", 160, FindingCode.shoulder_flexion_limited),
        ("shoulder_ir", 50, FindingCode.shoulder_rotation_limited),
        ("shoulder_er", 70, FindingCode.shoulder_rotation_limited),
    ],
)
def test_rom_limits(score, test_id: str, value: float, code: FindingCode) -> None:
    p = _profile(score, {"test_id": test_id, "value": value, "side": "L"})
    f = _finding(p, code, "L")
    assert "against" in f.statement or "healthy range" in f.statement


def test_endurance_holds_ckc_sa_mt(score) -> None:
    p = _profile(
        score,
        {"test_id": "prone_t_hold", "value": 10},
        {"test_id": "prone_y_hold", "value": 10},
        {"test_id": "ckcuest", "items": [15, 16, 17]},
        {"test_id": "emg_ratio_ut_sa", "value": 1.2, "condition": "scaption"},
        {"test_id": "emg_ratio_ut_mt", "value": 1.6, "condition": "row"},
    )
    for code in (
        FindingCode.scapular_endurance_low,
        FindingCode.lt_underactive,
        FindingCode.ckc_stability_low,
        FindingCode.sa_underactive,
        FindingCode.mt_underactive,
    ):
        assert p.has(code), code
    assert (
        p.severity_of(FindingCode.scapular_endurance_low) == Severity.moderate
    )  # the T hold; the Y hold is read once, by lt_underactive


@pytest.mark.parametrize(
    ("nprs", "level"),
    [
        (0, Irritability.low),
        (3, Irritability.low),
        (4, Irritability.moderate),
        (6.5, Irritability.moderate),
        (7, Irritability.high),
    ],
)
def test_irritability_from_pain(score, nprs: float, level: Irritability) -> None:
    p = _profile(score, {"test_id": "nprs", "value": nprs})
    assert p.irritability == level and p.pain_now == nprs
    assert p.has(FindingCode.pain) == (nprs >= 1)


def test_disability_from_ndi_band_mild(score) -> None:
    assert not _profile(score, {"test_id": "ndi", "value": 8}).has(FindingCode.disability)
    p = _profile(score, {"test_id": "ndi", "value": 10})
    assert p.severity_of(FindingCode.disability) == Severity.mild and p.ndi_percent == 10


def test_priorities_rank_by_severity_times_priority_then_code(score) -> None:
    p = _profile(
        score,
        {"test_id": "nprs", "value": 2},  # pain mild: 1 x 5
        {"test_id": "cva", "value": 44},  # forward head mild (z -1.06): 1 x 2
        {
            "test_id": "emg_ratio_ut_lt",
            "value": 1.2,
            "condition": "elevation",
        },  # mild: 1 x 9, one finding only
        {"test_id": "ccft", "value": 23},  # dnf control mild: 1 x 9
    )
    assert p.priorities == [
        "dnf_control_low",
        "lt_underactive",
        "pain",
        "forward_head",
    ]
    assert [f.code.value for f in p.findings] == p.priorities


def test_profile_is_deterministic(score) -> None:
    results = (
        {"test_id": "nprs", "value": 5},
        {"test_id": "dnf_endurance", "value": 8},
        {"test_id": "emg_ratio_ut_lt", "value": 2.0, "condition": "elevation"},
    )
    assert _profile(score, *results) == _profile(score, *results)


def test_empty_of_deficits_gives_no_findings(score) -> None:
    p = _profile(score, {"test_id": "nprs", "value": 0}, {"test_id": "dnf_endurance", "value": 40})
    assert p.findings == [] and p.priorities == []
