"""Impairment thresholds come from distributions or published cut-offs, never a bare mean.

Each test names a client a clinician would recognise: the average healthy person raises no
finding, a client clearly below the distribution does; one measurement gives one finding.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from upperback.assessment.profile import build_profile
from upperback.errors import InvalidInput
from upperback.knowledge.loader import data_path
from upperback.knowledge.tests_catalog import battery, load_battery
from upperback.model.common import Sex
from upperback.model.profile import FindingCode


def _profile(score, *results, sex=Sex.female):
    return build_profile(score(*results, sex=sex), sex=sex)


@pytest.mark.parametrize(("sex", "mean", "sd"), [(Sex.female, 49.4, 5.1), (Sex.male, 50.6, 4.9)])
def test_average_healthy_cva_raises_no_finding_one_sd_below_does(
    score, sex: Sex, mean: float, sd: float
) -> None:
    at_mean = _profile(score, {"test_id": "cva", "value": mean}, sex=sex)
    just_inside = _profile(score, {"test_id": "cva", "value": mean - sd + 0.1}, sex=sex)
    below = _profile(score, {"test_id": "cva", "value": mean - sd - 0.1}, sex=sex)
    assert not at_mean.has(FindingCode.forward_head)
    assert not just_inside.has(FindingCode.forward_head)
    assert below.has(FindingCode.forward_head)


@pytest.mark.parametrize(("sex", "mean"), [(Sex.male, 18.5), (Sex.female, 20.5)])
def test_ckcuest_at_the_reference_mean_is_not_low(score, sex: Sex, mean: float) -> None:
    at_mean = _profile(score, {"test_id": "ckcuest", "items": [mean - 1, mean, mean + 1]}, sex=sex)
    below = _profile(score, {"test_id": "ckcuest", "items": [mean - 3.5] * 3}, sex=sex)
    assert not at_mean.has(FindingCode.ckc_stability_low)
    assert below.has(FindingCode.ckc_stability_low)


@pytest.mark.parametrize(
    ("test_id", "healthy", "limited", "code"),
    [  # healthy = a value inside the population range that the old AAOS-minus-MDC rule flagged
        ("shoulder_flexion", 165, 155, FindingCode.shoulder_flexion_limited),
        ("shoulder_abduction", 172, 168, FindingCode.shoulder_flexion_limited),
        ("shoulder_ir", 61, 58, FindingCode.shoulder_rotation_limited),
        ("thoracic_rotation", 42, 38, FindingCode.thoracic_rotation_limited),
    ],
)
def test_rom_normal_range_is_population_data_not_an_mdc(
    score, test_id: str, healthy: float, limited: float, code: FindingCode
) -> None:
    ok = _profile(score, {"test_id": test_id, "value": healthy, "side": "L"})
    low = _profile(score, {"test_id": test_id, "value": limited, "side": "L"})
    assert not ok.has(code) and low.has(code)


def test_typical_flexion_of_165_deg_keeps_the_prone_y_family(score) -> None:
    """170 deg used to mark flexion limited, the contraindication of prone Y exercises."""
    p = _profile(
        score,
        {"test_id": "shoulder_flexion", "value": 165, "side": "L"},
        {"test_id": "shoulder_flexion", "value": 165, "side": "R"},
    )
    assert not p.has(FindingCode.shoulder_flexion_limited)


@pytest.mark.parametrize(
    ("test_id", "code"),
    [
        ("emg_ratio_ut_lt", FindingCode.lt_underactive),
        ("emg_ratio_ut_sa", FindingCode.sa_underactive),
    ],
)
def test_one_emg_ratio_gives_one_finding_naming_both_muscles(
    score, test_id: str, code: FindingCode
) -> None:
    p = _profile(score, {"test_id": test_id, "value": 1.8, "condition": "elevation"})
    assert [f.code for f in p.findings] == [code]
    assert p.priorities == [code.value]
    statement = p.findings[0].statement
    assert "upper trapezius more active than" in statement


def test_emg_findings_are_worded_as_exercise_derived_reference_values(score) -> None:
    p = _profile(
        score,
        {"test_id": "emg_ratio_ut_lt", "value": 1.2, "condition": "elevation"},
        {"test_id": "emg_ratio_ut_mt", "value": 1.2, "condition": "row"},
        {"test_id": "emg_ratio_ut_sa", "value": 1.2, "condition": "punch"},
    )
    assert len(p.findings) == 3
    for f in p.findings:
        assert "exercise-derived reference" in f.statement
        assert "rather than a diagnostic threshold" in f.statement
        assert "threshold [U]" in f.source  # the class cut-point is not a validated threshold


def test_every_trigger_tags_its_threshold_and_states_uncertainty() -> None:
    for rule in battery().findings:
        for trig in rule.triggers:
            assert trig.threshold_evidence in ("V", "K", "U", "design"), rule.code
            assert len(trig.uncertainty) >= 3, rule.code
            if "[design]" in trig.criterion and trig.evidence.value == "V":
                # a [V] source whose cut-point is a design choice must say so per parameter
                assert "design" in (trig.threshold_evidence, trig.steps_evidence), rule.code


def test_no_finding_threshold_sits_at_a_published_mean() -> None:
    cat = battery()
    for rule in cat.findings:
        for trig in rule.triggers:
            if trig.metric != "score":
                continue
            for tid in trig.tests:
                means = {n.mean for n in cat.get(tid).norms if n.kind == "mean_sd"}
                assert trig.value not in means, (rule.code, tid)


def test_a_measurement_feeding_two_rules_is_refused(tmp_path: Path) -> None:
    doc = yaml.safe_load(data_path("tests.yaml").read_text(encoding="utf-8"))
    ut = next(r for r in doc["findings"] if r["code"] == "ut_dominant")
    ut["triggers"][0]["tests"].append("emg_ratio_ut_lt")
    bad = tmp_path / "tests.yaml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"emg_ratio_ut_lt.*one measurement yields one finding"):
        load_battery(bad)


def test_a_trigger_without_a_threshold_tag_is_refused(tmp_path: Path) -> None:
    doc = yaml.safe_load(data_path("tests.yaml").read_text(encoding="utf-8"))
    del doc["findings"][0]["triggers"][0]["threshold_evidence"]
    bad = tmp_path / "tests.yaml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(InvalidInput, match="threshold_evidence"):
        load_battery(bad)
