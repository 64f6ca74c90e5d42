"""The programming gate: no program before screening, none while a referral is open."""

from __future__ import annotations

import datetime as dt

from upperback.model.intake import Clearance, FlagHit, ScreeningResult, Urgency
from upperback.preface.gate import program_allowed

HIT = FlagHit(
    flag_id="x",
    domain="d",
    label="Tearing pain",
    urgency=Urgency.emergency,
    action="a",
    evidence="e",
)
REFER = ScreeningResult(outcome="refer", urgency=Urgency.emergency, hits=[HIT])
CLEAR = ScreeningResult(outcome="clear", urgency=Urgency.none)


def test_no_screening_blocks_programming() -> None:
    allowed, reason = program_allowed(None, None)
    assert not allowed and "no red-flag screening" in reason


def test_no_screening_blocks_even_with_a_clearance() -> None:
    assert not program_allowed(None, Clearance(date=dt.date(2025, 1, 1), note="ok to go"))[0]


def test_referral_without_clearance_blocks_and_names_the_flags() -> None:
    allowed, reason = program_allowed(REFER, None)
    assert not allowed
    assert "emergency" in reason and "Tearing pain" in reason


def test_referral_with_clearance_allows_and_cites_it() -> None:
    allowed, reason = program_allowed(REFER, Clearance(date=dt.date(2025, 1, 2), note="CT normal"))
    assert allowed and "2025-01-02" in reason and "CT normal" in reason


def test_clear_screening_allows() -> None:
    assert program_allowed(CLEAR, None) == (True, "screening clear")
