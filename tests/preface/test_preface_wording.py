"""Screening wording a clinician can act on: precautions that do not block, not-asked items
never worded as findings, the Canadian C-spine rule naming what fired, one finding per answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from upperback.model.intake import Intake, Urgency
from upperback.preface.gate import program_allowed
from upperback.preface.screening import screen_intake


def test_anticoagulants_alone_are_a_precaution_not_a_referral(
    make_intake: Callable[..., Intake],
) -> None:
    result = screen_intake(make_intake(red_flags={"anticoagulants": "yes"}), age=70)
    assert result.outcome == "clear" and result.hits == []
    [note] = result.precautions
    assert note.flag_id == "anticoagulants"
    assert "manipulation" in note.action and "bleeding" in note.action
    assert "IFOMPT" in note.evidence
    allowed, reason = program_allowed(result, None)
    assert allowed and "precautions" in reason and "Anticoagulant" in reason


@pytest.mark.parametrize(
    ("other", "urgency"),
    [
        ({"dizziness": "yes"}, Urgency.emergency),
        # trauma that alone is a routine review (a low-risk factor, rotates fine) turns urgent
        ({"recent_neck_trauma": "yes", "ccr_ambulatory": "yes"}, Urgency.urgent),
    ],
)
def test_anticoagulants_with_a_vascular_sign_or_trauma_refer(
    other: dict[str, str], urgency: Urgency, make_intake: Callable[..., Intake]
) -> None:
    result = screen_intake(make_intake(red_flags={"anticoagulants": "yes", **other}), age=40)
    assert result.outcome == "refer" and result.urgency == urgency
    assert result.precautions == []
    [hit] = [h for h in result.hits if h.flag_id == "anticoagulants"]
    assert "together with" in hit.label


@pytest.mark.parametrize(
    ("item_id", "label"),
    [
        ("hoffmann_positive", "Hoffmann sign not examined"),
        ("babinski_positive", "Babinski sign not examined"),
        ("gait_deviation", "Gait not examined"),
        ("midline_tenderness", "Midline cervical tenderness not examined"),
    ],
)
def test_a_clinician_item_not_asked_is_worded_as_missing_not_positive(
    item_id: str, label: str, make_intake: Callable[..., Intake]
) -> None:
    result = screen_intake(make_intake(red_flags={item_id: "not_asked"}), age=50)
    texts = [f"{h.label}: {h.action}" for h in result.hits]
    assert texts == [f"{label}: examine or record why before programming"]
    assert not any("Positive" in a or "positive" in a for a in result.advice)


def test_the_canadian_cspine_reason_names_the_criterion_that_fired(
    make_intake: Callable[..., Intake],
) -> None:
    answers = {"recent_neck_trauma": "yes", "ccr_dangerous_mechanism": "yes"}
    intake = make_intake(red_flags=answers, trauma_mechanism="fall", days_since_trauma=3)
    [hit] = [
        h for h in screen_intake(intake, age=30).hits if h.flag_id == "canadian_cspine_high_risk"
    ]
    assert hit.label == (
        "Canadian C-spine rule positive after trauma: dangerous mechanism "
        "(a fall reported at intake)"
    )
    assert "paraesthesia" not in hit.label and "rotate" not in hit.label
    old = screen_intake(make_intake(red_flags={"recent_neck_trauma": "yes"}), age=70)
    [age_hit] = [h for h in old.hits if h.flag_id == "canadian_cspine_high_risk"]
    assert age_hit.label.endswith(": age >= 65")


def test_cook_cluster_names_its_positive_signs(make_intake: Callable[..., Intake]) -> None:
    answers = {"hoffmann_positive": "yes", "gait_deviation": "yes"}
    result = screen_intake(make_intake(red_flags=answers), age=60)
    [hit] = [h for h in result.hits if h.flag_id == "cook_myelopathy_cluster"]
    assert hit.label.endswith(": Gait; Hoffmann sign; age > 45")


def test_a_cancer_history_over_50_is_one_finding_not_two(
    make_intake: Callable[..., Intake],
) -> None:
    result = screen_intake(make_intake(red_flags={"cancer_history": "yes"}), age=62)
    assert [h.flag_id for h in result.hits] == ["malignancy_age_history"]
    assert result.urgency == Urgency.urgent
    assert [a for a in result.advice if "cancer" in a.lower()] == [
        "Age over 50 with a history of cancer: Prompt medical review before loading (spinal "
        "metastasis to exclude)."
    ]
    young = screen_intake(make_intake(red_flags={"cancer_history": "yes"}), age=45)
    assert [h.flag_id for h in young.hits] == ["cancer_history"]
