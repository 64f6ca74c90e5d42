"""Education texts follow screening outcome, yellow flags and desk hours."""

from __future__ import annotations

from collections.abc import Callable

from upperback.model.intake import Intake
from upperback.preface.education import education_for
from upperback.preface.screening import screen_intake


def _ids(intake: Intake) -> list[str]:
    return [t.id for t in education_for(screen_intake(intake, age=35), intake)]


def test_every_client_gets_the_core_texts(make_intake: Callable[..., Intake]) -> None:
    ids = _ids(make_intake(sitting_hours_per_day=1))
    assert ids == ["pain_monitoring", "endurance_before_bulk", "what_a_flare_means"]


def test_referral_text_comes_first_when_referred(make_intake: Callable[..., Intake]) -> None:
    assert _ids(make_intake(red_flags={"diplopia": True}))[0] == "referral_first"


def test_desk_text_from_four_sitting_or_screen_hours(make_intake: Callable[..., Intake]) -> None:
    assert "desk_breaks" not in _ids(make_intake(sitting_hours_per_day=3.9, screen_hours_per_day=3))
    assert "desk_breaks" in _ids(make_intake(screen_hours_per_day=4))


def test_fear_avoidance_reassurance_with_any_yellow_flag(
    make_intake: Callable[..., Intake],
) -> None:
    assert "movement_is_safe" not in _ids(make_intake())
    ids = _ids(make_intake(yellow_flags={"fear_of_movement": True}))
    assert "movement_is_safe" in ids and "keeping_it_going" not in ids
    assert "keeping_it_going" in _ids(make_intake(yellow_flags={"low_self_efficacy": True}))


def test_every_text_has_a_source(make_intake: Callable[..., Intake]) -> None:
    intake = make_intake(
        red_flags={"diplopia": True}, yellow_flags={"low_mood": True}, sitting_hours_per_day=8
    )
    texts = education_for(screen_intake(intake, age=35), intake)
    assert len(texts) == 7
    assert all(t.source and t.evidence for t in texts)
