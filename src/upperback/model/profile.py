"""The deficit profile: which links are weak, which dominate, what limits mobility."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import Field

from upperback.model.common import Frozen, Muscle, Side


class Severity(StrEnum):
    mild = "mild"
    moderate = "moderate"
    severe = "severe"

    @property
    def weight(self) -> float:
        return {"mild": 1.0, "moderate": 2.0, "severe": 3.0}[self.value]


class FindingKind(StrEnum):
    underactive = "underactive"  # weak or late link (LT, SA, DNF)
    dominant = "dominant"  # over-active link (UT, levator scapulae)
    endurance = "endurance"
    strength = "strength"
    mobility = "mobility"
    motor_control = "motor_control"
    posture = "posture"
    pain = "pain"
    disability = "disability"


class FindingCode(StrEnum):
    """Stable deficit codes: the interface between assessment and loading rules."""

    lt_underactive = "lt_underactive"
    mt_underactive = "mt_underactive"
    sa_underactive = "sa_underactive"
    ut_dominant = "ut_dominant"
    scm_dominant = "scm_dominant"  # superficial flexor substitution in CCF
    lt_onset_delayed = "lt_onset_delayed"
    sa_onset_delayed = "sa_onset_delayed"
    dnf_endurance_low = "dnf_endurance_low"
    dnf_control_low = "dnf_control_low"  # craniocervical flexion test below 24 mmHg
    forward_head = "forward_head"
    thoracic_rotation_limited = "thoracic_rotation_limited"
    shoulder_flexion_limited = "shoulder_flexion_limited"
    shoulder_rotation_limited = "shoulder_rotation_limited"
    scapular_dyskinesis = "scapular_dyskinesis"
    scapular_endurance_low = "scapular_endurance_low"
    strength_asymmetry = "strength_asymmetry"
    ckc_stability_low = "ckc_stability_low"
    pain = "pain"
    disability = "disability"


class Finding(Frozen):
    """One deficit with its evidence, e.g. 'lower trapezius under-active: UT/LT 3.1'."""

    code: FindingCode = Field(description="Stable id the loading rules key on.")
    kind: FindingKind
    link: Muscle | str
    side: Side | None = None
    severity: Severity
    statement: str
    evidence: str = Field(description="The measured figures behind the finding.")
    source: str = Field(description="Where the norm or cut-off comes from.")
    uncertainty: str = ""


class Irritability(StrEnum):
    low = "low"
    moderate = "moderate"
    high = "high"


class DeficitProfile(Frozen):
    """Deterministic summary of an assessment, ranked for loading."""

    assessment_date: dt.date
    findings: list[Finding]
    priorities: list[str] = Field(description="Finding codes, most important first.")
    irritability: Irritability = Irritability.low
    irritability_reason: str = Field(
        default="", description="How the irritability level was reached (derived or set)."
    )
    pain_now: float | None = None
    ndi_percent: float | None = None

    def has(self, code: FindingCode | str) -> bool:
        return any(f.code == code for f in self.findings)

    def severity_of(self, code: FindingCode | str) -> Severity | None:
        for f in self.findings:
            if f.code == code:
                return f.severity
        return None
