"""Which outcome points an assessment, a logged session or a live sEMG summary adds to the
client's series (what the progress plots draw). Pure: the store only keeps them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from upperback.model.assessment import ScoredAssessment
from upperback.model.outcome import OutcomePoint
from upperback.model.session import SessionLogIn


def assessment_points(scored: ScoredAssessment) -> list[OutcomePoint]:
    """One point per scored result, named test_side@condition."""
    return [
        OutcomePoint(
            measure=r.test_id
            + (f"_{r.side.value}" if r.side else "")
            + (f"@{r.condition}" if r.condition else ""),
            date=r.date,
            value=r.score,
            unit=r.unit,
        )
        for r in scored.results
    ]


def log_points(log: SessionLogIn) -> list[OutcomePoint]:
    """Worst pain during, next-morning pain and mean per-set sEMG ratio of one session."""
    out: list[OutcomePoint] = []
    if log.sets:
        out.append(OutcomePoint(measure="pain_during_max", date=log.date,
                                value=log.max_pain_during(), unit="0-10"))  # fmt: skip
    if log.pain_next_morning is not None:
        out.append(OutcomePoint(measure="pain_next_morning", date=log.date,
                                value=log.pain_next_morning, unit="0-10"))  # fmt: skip
    ratios = [st.emg_ratio for st in log.sets if st.emg_ratio is not None]
    if ratios:
        out.append(OutcomePoint(measure="emg_ut_ratio_sets", date=log.date,
                                value=sum(ratios) / len(ratios), unit="ratio"))  # fmt: skip
    return out


def emg_summary_points(day: dt.date, summary: Mapping[str, Any]) -> list[OutcomePoint]:
    """Mean live ratios of an sEMG session summary (non-numbers are skipped)."""
    ratios = summary.get("mean_ratios", {})
    if not isinstance(ratios, Mapping):
        return []
    return [
        OutcomePoint(measure=f"emg_live_{name}", date=day, value=float(value), unit="ratio")
        for name, value in ratios.items()
        if isinstance(value, int | float)
    ]
