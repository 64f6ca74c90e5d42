"""The programming gate: no program until screening is done and any referral is cleared."""

from __future__ import annotations

from upperback.model.intake import Clearance, ScreeningResult


def program_allowed(
    screening: ScreeningResult | None, clearance: Clearance | None
) -> tuple[bool, str]:
    """Whether a program may be generated, with the reason in one line."""
    if screening is None:
        return False, "no red-flag screening recorded; screen the intake before programming"
    if not screening.blocks_program:
        if screening.precautions:
            names = "; ".join(h.label for h in screening.precautions)
            return True, f"screening clear with precautions: {names}"
        return True, "screening clear"
    if clearance is None:
        labels = "; ".join(h.label for h in screening.hits) or "referral"
        return False, (
            f"referral ({screening.urgency.value}) open for: {labels}; "
            "a clinician must record a clearance before programming"
        )
    return (
        True,
        f"referral cleared by a clinician on {clearance.date.isoformat()}: {clearance.note}",
    )
