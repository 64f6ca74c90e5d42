"""Red-flag screening: every flag refers and blocks planning; scored rules count right."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from upperback.errors import InvalidInput
from upperback.knowledge.red_flags import red_flag_catalogue
from upperback.model.intake import Clearance, Intake, Urgency
from upperback.preface.gate import program_allowed
from upperback.preface.screening import (
    red_flag_items,
    screen_intake,
    screen_symptoms,
    yellow_flag_items,
)

CAT = red_flag_catalogue()
FLAGS = [i for i in CAT.items if i.kind == "flag"]
# Trauma alone fires the Canadian C-spine rule unless a low-risk factor is recorded.
ALONE = [i for i in FLAGS if i.id != "recent_neck_trauma"]
COOK = ["gait_deviation", "hoffmann_positive", "inverted_supinator", "babinski_positive"]
CCR = ["ccr_dangerous_mechanism", "ccr_paraesthesia_extremities"]
LOW_RISK = {"ccr_ambulatory": True}
CLEARANCE = Clearance(date=dt.date(2025, 3, 10), note="Reviewed by GP, cleared for graded loading.")


@pytest.mark.parametrize("item", ALONE, ids=[i.id for i in ALONE])
def test_each_stand_alone_flag_alone_refers_and_blocks_programming(
    item, make_intake: Callable[..., Intake]
) -> None:
    result = screen_intake(make_intake(red_flags={item.id: True}), age=30)
    assert result.outcome == "refer"
    assert result.urgency == item.urgency
    [hit] = result.hits
    assert (hit.flag_id, hit.domain, hit.label, hit.action) == (
        item.id,
        item.domain,
        item.label,
        item.action,
    )
    assert item.source in hit.evidence
    allowed, reason = program_allowed(result, None)
    assert not allowed
    assert "clearance" in reason and item.label in reason
    assert program_allowed(result, CLEARANCE)[0]


@pytest.mark.parametrize("item_id", COOK)
def test_each_cook_item_completing_three_of_five_fires_the_cluster(
    item_id: str, make_intake: Callable[..., Intake]
) -> None:
    others = [i for i in COOK if i != item_id][:1]
    answers = dict.fromkeys([item_id, *others], True)
    result = screen_intake(make_intake(red_flags=answers), age=46)  # age > 45 is the 3rd
    assert result.outcome == "refer"
    assert result.urgency == Urgency.urgent
    cluster = next(h for h in result.hits if h.flag_id == "cook_myelopathy_cluster")
    assert "3 of 5" in cluster.evidence
    assert not program_allowed(result, None)[0]
    assert program_allowed(result, CLEARANCE)[0]


@pytest.mark.parametrize("item_id", COOK)
def test_a_single_upper_motor_neuron_sign_refers_on_its_own(
    item_id: str, make_intake: Callable[..., Intake]
) -> None:
    result = screen_intake(make_intake(red_flags={item_id: True}), age=31)  # Cook: 1 of 5
    assert result.outcome == "refer"
    assert [h.flag_id for h in result.hits] == [item_id]
    assert not program_allowed(result, None)[0]


def test_a_single_babinski_in_a_31_year_old_is_urgent(make_intake: Callable[..., Intake]) -> None:
    result = screen_intake(make_intake(red_flags={"babinski_positive": "yes"}), age=31)
    assert result.urgency == Urgency.urgent


def test_age_alone_is_one_of_five_and_clear(make_intake: Callable[..., Intake]) -> None:
    assert screen_intake(make_intake(), age=70).outcome == "clear"


def test_two_of_five_gives_the_indeterminate_cluster_level(
    make_intake: Callable[..., Intake],
) -> None:
    result = screen_intake(make_intake(red_flags={"hoffmann_positive": True}), age=50)
    assert result.outcome == "refer"
    assert result.urgency == Urgency.routine
    assert "cook_myelopathy_cluster" in {h.flag_id for h in result.hits}


def test_cook_cluster_counts_age_only_above_45(make_intake: Callable[..., Intake]) -> None:
    answers = dict.fromkeys(COOK[:2], True)  # gait deviation + Hoffmann: routine each
    assert screen_intake(make_intake(red_flags=answers), age=45).urgency == Urgency.routine
    assert screen_intake(make_intake(red_flags=answers), age=46).urgency == Urgency.urgent


@pytest.mark.parametrize("item_id", CCR)
def test_each_canadian_cspine_item_after_trauma_refers_urgently(
    item_id: str, make_intake: Callable[..., Intake]
) -> None:
    answers = {"recent_neck_trauma": True, item_id: True, **LOW_RISK}
    result = screen_intake(make_intake(red_flags=answers), age=30)
    assert result.urgency == Urgency.urgent
    assert "canadian_cspine_high_risk" in {h.flag_id for h in result.hits}
    assert not program_allowed(result, None)[0]


def test_canadian_cspine_age_65_after_trauma_refers(make_intake: Callable[..., Intake]) -> None:
    answers = {"recent_neck_trauma": True, **LOW_RISK}
    at_64 = screen_intake(make_intake(red_flags=answers), age=64)
    at_65 = screen_intake(make_intake(red_flags=answers), age=65)
    assert at_64.urgency == Urgency.routine  # trauma with a low-risk factor: review
    assert at_65.urgency == Urgency.urgent
    assert "age >= 65" in next(
        h.evidence for h in at_65.hits if h.flag_id == "canadian_cspine_high_risk"
    )


def test_canadian_cspine_items_without_trauma_do_not_fire_the_rule(
    make_intake: Callable[..., Intake],
) -> None:
    result = screen_intake(make_intake(red_flags=dict.fromkeys(CCR, True)), age=70)
    assert result.outcome == "clear"


def test_negative_answers_are_clear(make_intake: Callable[..., Intake]) -> None:
    answers = dict.fromkeys((i.id for i in CAT.items), False)
    result = screen_intake(make_intake(red_flags=answers), age=30)
    assert result.outcome == "clear" and result.urgency == Urgency.none and not result.hits
    assert result.advice[0] == CAT.advice[Urgency.none]


def test_urgency_is_the_highest_of_the_hits(make_intake: Callable[..., Intake]) -> None:
    answers = {"cancer_history": True, "diplopia": True}
    result = screen_intake(make_intake(red_flags=answers), age=30)
    assert result.urgency == Urgency.emergency
    assert result.advice[0] == CAT.advice[Urgency.emergency]
    assert len(result.advice) == 3  # next step + one line per hit


def test_two_malignancy_flags_escalate_to_urgent(make_intake: Callable[..., Intake]) -> None:
    one = screen_intake(make_intake(red_flags={"cancer_history": True}), age=45)
    two = screen_intake(
        make_intake(red_flags={"cancer_history": True, "unexplained_weight_loss": True}), age=45
    )
    assert one.urgency == Urgency.routine
    assert two.urgency == Urgency.urgent
    assert all("Escalated" in h.evidence for h in two.hits)


def test_unknown_red_flag_id_is_named(make_intake: Callable[..., Intake]) -> None:
    with pytest.raises(InvalidInput, match="red_flags: unknown red-flag item id 'chest_pian'"):
        screen_intake(make_intake(red_flags={"chest_pian": True}), age=30)


def test_unknown_yellow_flag_id_is_named(make_intake: Callable[..., Intake]) -> None:
    with pytest.raises(InvalidInput, match="yellow_flags: unknown yellow-flag item id 'fear'"):
        screen_intake(make_intake(yellow_flags={"fear": True}), age=30)


def test_age_out_of_range_is_rejected(make_intake: Callable[..., Intake]) -> None:
    with pytest.raises(InvalidInput, match="age: 130"):
        screen_intake(make_intake(), age=130)


def test_yellow_flags_are_recorded_but_never_refer(make_intake: Callable[..., Intake]) -> None:
    answers = {y.id: True for y in CAT.yellow_flags}
    result = screen_intake(make_intake(yellow_flags=answers), age=30)
    assert result.outcome == "clear"
    assert result.yellow_flags == sorted(answers)
    assert CAT.yellow_advice in result.advice


def test_catalogue_for_forms_lists_every_item_with_question_and_domain() -> None:
    items = red_flag_items()
    assert [i.id for i in items] == [i.id for i in CAT.items]
    assert all(i.question and i.domain for i in items)
    assert {i.id for i in items if i.clinician_only} >= set(COOK)
    assert {y.id for y in yellow_flag_items()} == {
        "fear_of_movement",
        "catastrophizing",
        "low_mood",
        "low_self_efficacy",
    }


@pytest.mark.parametrize("item", FLAGS, ids=[i.id for i in FLAGS])
def test_new_symptom_in_a_session_log_refers(item) -> None:
    result = screen_symptoms([item.id])
    assert result.outcome == "refer" and result.urgency == item.urgency


def test_new_rule_item_symptom_asks_for_routine_review() -> None:
    result = screen_symptoms(["ccr_paraesthesia_extremities"])
    assert result.outcome == "refer" and result.urgency == Urgency.routine
    assert result.hits[0].label.startswith("New symptom")


def test_new_symptoms_completing_the_cook_cluster_refer_urgently() -> None:
    result = screen_symptoms(COOK[:3])
    assert result.urgency == Urgency.urgent
    assert "cook_myelopathy_cluster" in [h.flag_id for h in result.hits]


def test_no_new_symptoms_is_clear() -> None:
    assert screen_symptoms([]).outcome == "clear"


def test_unknown_symptom_id_is_named() -> None:
    with pytest.raises(InvalidInput, match="new_symptoms: unknown red-flag item id 'headache'"):
        screen_symptoms(["headache"])
