"""Exclusions carry their kind as a type; only a contraindication blocks for safety."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from upperback.model.program import Exclusion, ExclusionKind, Prescription


def test_a_stored_exclusion_without_kind_reads_its_kind_from_the_reason() -> None:
    old = Exclusion.model_validate(
        {"exercise_id": "shrug", "reason": "contraindication: ut_dominant"}
    )
    assert old.kind is ExclusionKind.contraindication and old.is_safety_block
    kit = Exclusion.model_validate(
        {"exercise_id": "prone_y_db", "reason": "equipment: needs dumbbell"}
    )
    assert kit.kind is ExclusionKind.equipment and not kit.is_safety_block


def test_a_reason_that_merely_mentions_a_contraindication_is_not_one() -> None:
    e = Exclusion(exercise_id="x", kind=ExclusionKind.dislike, reason="contraindication: disliked")
    assert not e.is_safety_block


def test_a_revised_prescription_is_validated() -> None:
    p = Prescription(
        exercise_id="prone_y",
        name="Prone Y",
        sets=3,
        reps=10,
        tempo="2-1-2-0",
        rest_s=60,
        rpe_target=5,
        breathing_cue="out on the lift",
        rationale="lower trapezius",
    )
    assert p.revised(reps=12).reps == 12
    with pytest.raises(ValidationError):
        p.revised(sets=11)
    with pytest.raises(ValidationError):
        p.revised(hold_s=0)
