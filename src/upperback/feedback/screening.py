"""Screen newly logged symptoms; falls back to a conservative referral if preface is absent."""

from __future__ import annotations

from upperback.model.intake import FlagHit, ScreeningResult, Urgency


def screen_logged_symptoms(symptom_ids: list[str]) -> ScreeningResult:
    """Use preface.screening.screen_symptoms when available; otherwise refer on any symptom."""
    try:
        from upperback.preface.screening import screen_symptoms
    except ImportError:  # preface not installed yet: any logged red-flag id refers
        return ScreeningResult(
            outcome="refer",
            urgency=Urgency.urgent,
            hits=[
                FlagHit(
                    flag_id=s,
                    domain="logged_symptom",
                    label=s,
                    urgency=Urgency.urgent,
                    action="stop loading; clinician review before any further session",
                    evidence="new red-flag symptom logged with a session",
                )
                for s in symptom_ids
            ],
        )
    result: ScreeningResult = screen_symptoms(symptom_ids)
    return result
