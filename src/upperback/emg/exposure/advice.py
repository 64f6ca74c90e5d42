"""Exposure results for the clinician and the program: a finding when rest is scarce, and
the micro-break prescription that answers it, each with its source and uncertainty.

Pure functions over :class:`~.metrics.ExposureResult`; the integrator wires them into the
assessment (finding) and the program (prescription). Rules and values live in
``knowledge/data/exposure.yaml``.
"""

from __future__ import annotations

from pydantic import BaseModel

from upperback.emg.exposure.metrics import ChannelExposure, ExposureResult
from upperback.knowledge.exposure import exposure_knowledge

TRAPEZIUS = ("upper_trapezius",)


class ExposureFinding(BaseModel):
    """A clinician-facing finding from workday exposure (advice, not a diagnosis)."""

    id: str
    channel: str
    statement: str
    criterion: str
    rest_pct_time: float
    gaps_per_min: float
    sustained_pct_time: float
    source: str
    evidence: str
    uncertainty: str


class MicroBreakPrescription(BaseModel):
    """A desk-work micro-break prescription with its source."""

    every_min: int
    pause_s: int
    text: str  # clinician wording
    client_text: str  # plain words for the client's program
    source: str
    evidence: str
    uncertainty: str
    because: str  # the finding id it answers


def _worst(result: ExposureResult) -> ChannelExposure | None:
    chans = [c for c in result.channels if c.muscle in TRAPEZIUS] or list(result.channels)
    return min(chans, key=lambda c: c.rest_pct_time) if chans else None


def exposure_finding(result: ExposureResult) -> ExposureFinding | None:
    """ "Scarce muscular rest" for the trapezius channel with the least rest, when its rest
    time is below the cut-off or sustained activity covers more than the cut-off of the day."""
    k = exposure_knowledge()
    f = k.finding
    ch = _worst(result)
    if ch is None:
        return None
    rest_cut = f.rest_below_pct.value
    sus_cut = f.sustained_above_pct_of_day.value
    if ch.rest_pct_time >= rest_cut and ch.sustained_pct_time <= sus_cut:
        return None
    return ExposureFinding(
        id=f.id,
        channel=ch.channel,
        statement=f.statement.format(rest_pct=ch.rest_pct_time, gaps_per_min=ch.gaps_per_min),
        criterion=(
            f"muscular rest < {rest_cut:g} % of time or sustained low-level activity > "
            f"{sus_cut:g} % of the day (thresholds {result.thresholds.rest_pct_mvc:g} %MVC)"
        ),
        rest_pct_time=ch.rest_pct_time,
        gaps_per_min=ch.gaps_per_min,
        sustained_pct_time=ch.sustained_pct_time,
        source=f"{f.rest_below_pct.source}; {f.sustained_above_pct_of_day.source}",
        evidence=f"{f.rest_below_pct.evidence} / {f.sustained_above_pct_of_day.evidence}",
        uncertainty=f.uncertainty,
    )


def micro_break_prescription(result: ExposureResult) -> MicroBreakPrescription | None:
    """Micro-breaks during desk work when the exposure finding holds, else None."""
    finding = exposure_finding(result)
    if finding is None:
        return None
    mb = exposure_knowledge().micro_break
    every, pause = int(mb.every_min.value), int(mb.pause_s.value)
    return MicroBreakPrescription(
        every_min=every,
        pause_s=pause,
        text=mb.text.format(every_min=every, pause_s=pause),
        client_text=mb.client_text.format(every_min=every, pause_s=pause),
        source=f"{mb.every_min.source}; {mb.pause_s.source}",
        evidence=mb.every_min.evidence,
        uncertainty=mb.uncertainty,
        because=finding.id,
    )
