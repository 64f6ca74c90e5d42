"""Choose the short education texts that fit a client's screening and intake."""

from __future__ import annotations

from upperback.knowledge.education import EducationEntry, EducationText, education_texts
from upperback.model.intake import Intake, ScreeningResult

__all__ = ["EducationText", "education_for"]


def education_for(screening: ScreeningResult, intake: Intake) -> list[EducationText]:
    """Texts whose conditions hold, in display order, as plain EducationText values."""
    return [
        EducationText(id=e.id, title=e.title, text=e.text, source=e.source, evidence=e.evidence)
        for e in education_texts()
        if _applies(e, screening, intake)
    ]


def _applies(entry: EducationEntry, screening: ScreeningResult, intake: Intake) -> bool:
    when = entry.when
    if when.outcome is not None and when.outcome != screening.outcome:
        return False
    if when.yellow_flags_any is not None:
        positive = set(screening.yellow_flags)
        wanted = set(when.yellow_flags_any)
        if not positive or (wanted and not wanted & positive):
            return False
    if when.min_sitting_or_screen_hours is not None:
        hours = max(intake.sitting_hours_per_day, intake.screen_hours_per_day)
        if hours < when.min_sitting_or_screen_hours:
            return False
    return True
