"""Screening precautions for the people who act on them: the clinician's line with the
red-flag data's action text, the client's plain safety note and check-in question.

A precaution (e.g. anticoagulants) lets the program start; it must still travel with the
program to every view that prescribes or guides loading (physio review 2, item 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from upperback.knowledge.red_flags import RedFlagCatalogue, RedFlagItem, red_flag_catalogue
from upperback.model.intake import ScreeningResult


@dataclass(frozen=True)
class CheckinQuestion:
    """A yes/no question the morning check-in asks because of a precaution."""

    flag_id: str
    question: str


def precaution_lines(screening: ScreeningResult | None) -> list[str]:
    """Clinician text: 'label: action' per positive precaution (empty when none)."""
    if screening is None:
        return []
    return [f"{h.label}: {h.action}" for h in screening.precautions]


def precautions_text(screening: ScreeningResult | None) -> str | None:
    """One clinician line, 'Precautions: ...', or None when there is none."""
    lines = precaution_lines(screening)
    return "Precautions: " + "; ".join(lines) if lines else None


def _precaution_items(
    screening: ScreeningResult | None, catalogue: RedFlagCatalogue | None
) -> list[RedFlagItem]:
    """The catalogue entries of this screening's precautions (those the catalogue knows)."""
    if screening is None:
        return []
    cat = catalogue if catalogue is not None else red_flag_catalogue()
    items = [cat.item(h.flag_id) for h in screening.precautions]
    return [i for i in items if i is not None]


def client_notes(
    screening: ScreeningResult | None, catalogue: RedFlagCatalogue | None = None
) -> list[str]:
    """The client's plain safety notes (no ids, no rule names), one per precaution that has one."""
    return [i.client_note for i in _precaution_items(screening, catalogue) if i.client_note]


def checkin_questions(
    screening: ScreeningResult | None, catalogue: RedFlagCatalogue | None = None
) -> list[CheckinQuestion]:
    """Yes/no questions the morning check-in adds for this client's precautions."""
    items = _precaution_items(screening, catalogue)
    return [CheckinQuestion(i.id, i.checkin_question) for i in items if i.checkin_question]
