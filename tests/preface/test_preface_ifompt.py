"""IFOMPT 2020 screening items: each refers at its urgency with its source; the Canadian
C-spine low-risk step; yes / no / not asked, with not asked blocking until a clinician
examines or records why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from upperback.knowledge.red_flags import red_flag_catalogue
from upperback.model.intake import Answer, Clearance, Intake, Urgency
from upperback.preface.gate import program_allowed
from upperback.preface.screening import red_flag_items, screen_intake

CAT = red_flag_catalogue()
CLEARANCE = Clearance(date=dt.date(2025, 3, 10), note="Reflexes not tested: telehealth visit.")

# (item, urgency it must carry, words its source must cite)
IFOMPT_ITEMS = [
    ("thunderclap_headache", Urgency.emergency, "IFOMPT"),
    ("dizziness", Urgency.emergency, "IFOMPT"),
    ("diplopia", Urgency.emergency, "IFOMPT"),
    ("dysarthria", Urgency.emergency, "IFOMPT"),
    ("dysphagia", Urgency.emergency, "IFOMPT"),
    ("drop_attacks", Urgency.emergency, "IFOMPT"),
    ("vascular_risk_factors", Urgency.routine, "IFOMPT"),
    ("meningism", Urgency.emergency, "IFOMPT"),
    ("giant_cell_arteritis", Urgency.urgent, "IFOMPT"),
    ("unilateral_limb_weakness_or_numbness", Urgency.emergency, "IFOMPT"),
    ("cranial_nerve_signs", Urgency.emergency, "IFOMPT"),
    ("thoracic_fragility_fracture", Urgency.urgent, "osteoporotic"),
    ("babinski_positive", Urgency.urgent, "Cook 2010"),
    ("inverted_supinator", Urgency.urgent, "Cook 2010"),
    ("hoffmann_positive", Urgency.routine, "Cook 2010"),
]


@pytest.mark.parametrize(("item_id", "urgency", "cited"), IFOMPT_ITEMS)
def test_ifompt_item_refers_alone_at_its_urgency_with_its_source(
    item_id: str, urgency: Urgency, cited: str, make_intake: Callable[..., Intake]
) -> None:
    result = screen_intake(make_intake(red_flags={item_id: "yes"}), age=40)
    assert result.outcome == "refer" and result.urgency == urgency
    [hit] = [h for h in result.hits if h.flag_id == item_id]
    assert cited in hit.evidence
    assert not program_allowed(result, None)[0]


@pytest.mark.parametrize(("item_id", "urgency", "cited"), IFOMPT_ITEMS)
def test_ifompt_item_answered_no_is_clear(
    item_id: str, urgency: Urgency, cited: str, make_intake: Callable[..., Intake]
) -> None:
    assert screen_intake(make_intake(red_flags={item_id: "no"}), age=40).outcome == "clear"


def test_a_headache_unlike_before_is_urgent_but_thunderclap_is_an_emergency(
    make_intake: Callable[..., Intake],
) -> None:
    unusual = screen_intake(make_intake(red_flags={"sudden_severe_headache": "yes"}), age=40)
    thunder = screen_intake(make_intake(red_flags={"thunderclap_headache": "yes"}), age=40)
    assert (unusual.urgency, thunder.urgency) == (Urgency.urgent, Urgency.emergency)


def test_age_over_50_with_a_cancer_history_is_urgent(make_intake: Callable[..., Intake]) -> None:
    at_50 = screen_intake(make_intake(red_flags={"cancer_history": "yes"}), age=50)
    at_51 = screen_intake(make_intake(red_flags={"cancer_history": "yes"}), age=51)
    assert at_50.urgency == Urgency.routine
    assert at_51.urgency == Urgency.urgent
    assert "malignancy_age_history" in {h.flag_id for h in at_51.hits}


TRAUMA = {"recent_neck_trauma": "yes"}


@pytest.mark.parametrize(
    "low_risk",
    [
        {"ccr_simple_rear_end": "yes"},
        {"ccr_ambulatory": "yes"},
        {"ccr_delayed_onset": "yes"},
        {"ccr_sitting_comfortably": "yes"},
        {"midline_tenderness": "no"},
    ],
)
def test_one_low_risk_factor_allows_the_rotation_test(
    low_risk: dict[str, str], make_intake: Callable[..., Intake]
) -> None:
    rotates = screen_intake(make_intake(red_flags={**TRAUMA, **low_risk}), age=30)
    assert rotates.urgency == Urgency.routine  # trauma review only, no imaging rule
    stiff = {**TRAUMA, **low_risk, "ccr_cannot_rotate_45": "yes"}
    cannot = screen_intake(make_intake(red_flags=stiff), age=30)
    assert cannot.urgency == Urgency.urgent
    assert "rotate 45" in next(
        h.evidence
        for h in cannot.hits
        if h.domain == "fracture_instability" and h.flag_id == "canadian_cspine_high_risk"
    )


def test_trauma_with_midline_tenderness_and_no_low_risk_factor_fires_the_rule(
    make_intake: Callable[..., Intake],
) -> None:
    answers = {**TRAUMA, "midline_tenderness": "yes", "ccr_ambulatory": "no"}
    result = screen_intake(make_intake(red_flags=answers), age=30)
    assert result.urgency == Urgency.urgent
    hit = next(h for h in result.hits if h.flag_id == "canadian_cspine_high_risk")
    assert "no low-risk factor" in hit.evidence


def test_old_boolean_answers_are_read_as_yes_and_no(make_intake: Callable[..., Intake]) -> None:
    intake = make_intake(red_flags={"diplopia": True, "dizziness": False})
    assert intake.red_flags == {"diplopia": Answer.yes, "dizziness": Answer.no}


def test_an_unknown_answer_is_refused_naming_the_field(make_intake: Callable[..., Intake]) -> None:
    with pytest.raises(ValueError, match="red_flags"):
        make_intake(red_flags={"diplopia": "maybe"})


CLINICIAN_ITEMS = [i.id for i in red_flag_items() if i.clinician_only]


@pytest.mark.parametrize("item_id", CLINICIAN_ITEMS)
def test_a_clinician_exam_item_not_asked_blocks_until_a_clearance_says_why(
    item_id: str, make_intake: Callable[..., Intake]
) -> None:
    result = screen_intake(make_intake(red_flags={item_id: "not_asked"}), age=30)
    assert result.not_asked == [item_id]
    assert result.outcome == "refer"
    [hit] = [h for h in result.hits if h.flag_id == f"not_asked:{item_id}"]
    assert hit.label.endswith("not examined") and "Positive" not in hit.label
    assert hit.action == "examine or record why before programming"
    allowed, reason = program_allowed(result, None)
    assert not allowed and "not examined" in reason
    assert program_allowed(result, CLEARANCE)[0]


def test_a_client_question_not_asked_also_blocks(make_intake: Callable[..., Intake]) -> None:
    result = screen_intake(make_intake(red_flags={"meningism": "not_asked"}), age=30)
    assert [h.label for h in result.hits] == [
        "Meningism (neck stiffness with fever, photophobia or headache on flexion) not asked"
    ]
    assert not program_allowed(result, None)[0]


def test_not_asked_is_never_read_as_no(make_intake: Callable[..., Intake]) -> None:
    answers = {i: "not_asked" for i in CLINICIAN_ITEMS}
    result = screen_intake(make_intake(red_flags=answers), age=30)
    assert result.outcome == "refer" and sorted(result.not_asked) == sorted(CLINICIAN_ITEMS)


def test_every_item_names_who_asks_it_and_clinician_questions_are_typed() -> None:
    assert all(i.asked_by in ("client", "clinician") for i in CAT.items)
    assert not any(i.question.startswith("(Clinician)") for i in CAT.items)
    assert {"babinski_positive", "midline_tenderness", "cranial_nerve_signs"} <= set(
        CLINICIAN_ITEMS
    )


def test_education_travels_with_the_screening_result(make_intake: Callable[..., Intake]) -> None:
    """Every adapter that shows a screening (CLI, JSON, API) carries its education."""
    result = screen_intake(make_intake(yellow_flags={"fear_of_movement": True}), age=30)
    assert result.education and all(n.title and n.text and n.source for n in result.education)
    again = type(result).model_validate_json(result.model_dump_json())
    assert again.education == result.education
