"""Deficit profiles and intakes for virtual clients and named examples (SIMULATION inputs).

Findings here are invented inputs for simulation and tests, not assessments of anyone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np

from upperback.assessment.irritability import derive_irritability
from upperback.knowledge.tests_catalog import battery
from upperback.model.common import Equipment, Muscle, WorkPosture
from upperback.model.intake import Intake
from upperback.model.profile import (
    DeficitProfile,
    Finding,
    FindingCode,
    FindingKind,
    Irritability,
    Severity,
)

_KIND_LINK: dict[FindingCode, tuple[FindingKind, str]] = {
    FindingCode.lt_underactive: (FindingKind.underactive, Muscle.lower_trapezius.value),
    FindingCode.mt_underactive: (FindingKind.underactive, Muscle.middle_trapezius.value),
    FindingCode.sa_underactive: (FindingKind.underactive, Muscle.serratus_anterior.value),
    FindingCode.ut_dominant: (FindingKind.dominant, Muscle.upper_trapezius.value),
    FindingCode.scm_dominant: (FindingKind.dominant, Muscle.sternocleidomastoid.value),
    FindingCode.lt_onset_delayed: (FindingKind.motor_control, Muscle.lower_trapezius.value),
    FindingCode.sa_onset_delayed: (FindingKind.motor_control, Muscle.serratus_anterior.value),
    FindingCode.dnf_endurance_low: (FindingKind.endurance, Muscle.deep_neck_flexors.value),
    FindingCode.dnf_control_low: (FindingKind.motor_control, Muscle.deep_neck_flexors.value),
    FindingCode.forward_head: (FindingKind.posture, "head"),
    FindingCode.thoracic_rotation_limited: (FindingKind.mobility, "thoracic spine"),
    FindingCode.shoulder_flexion_limited: (FindingKind.mobility, "shoulder"),
    FindingCode.shoulder_rotation_limited: (FindingKind.mobility, "shoulder"),
    FindingCode.scapular_dyskinesis: (FindingKind.motor_control, "scapula"),
    FindingCode.scapular_endurance_low: (FindingKind.endurance, "scapula"),
    FindingCode.strength_asymmetry: (FindingKind.strength, "scapula"),
    FindingCode.ckc_stability_low: (FindingKind.motor_control, "upper limb"),
    FindingCode.pain: (FindingKind.pain, "neck"),
    FindingCode.disability: (FindingKind.disability, "neck"),
}

# What a clinician would have measured for each finding. Virtual clients carry these as
# their assessment figures so that reasons built from a profile read like real ones: no
# simulation wording may reach a reason text a clinician reads (the report is labelled).
_EVIDENCE: dict[FindingCode, str] = {
    FindingCode.lt_underactive: "UT/LT 3.1",
    FindingCode.mt_underactive: "UT/MT 2.4",
    FindingCode.sa_underactive: "UT/SA 1.4",
    FindingCode.ut_dominant: "UT/LT 3.1",
    FindingCode.scm_dominant: "SCM palpable at 24 mmHg on the CCFT",
    FindingCode.lt_onset_delayed: "LT onset 45 ms after deltoid",
    FindingCode.sa_onset_delayed: "SA onset 40 ms after deltoid",
    FindingCode.dnf_endurance_low: "DNF endurance 12 s",  # below both sex cut-offs (15.7 / 18.8 s)
    FindingCode.dnf_control_low: "CCF 22 mmHg",
    FindingCode.forward_head: "craniovertebral angle 44 deg",
    FindingCode.thoracic_rotation_limited: "thoracic rotation 28 deg",
    FindingCode.shoulder_flexion_limited: "shoulder flexion 150 deg",
    FindingCode.shoulder_rotation_limited: "shoulder internal rotation 45 deg",
    FindingCode.scapular_dyskinesis: "scapular dyskinesis test rated obvious",
    FindingCode.scapular_endurance_low: "prone T hold 22 s",
    FindingCode.strength_asymmetry: "lower trapezius HHD 18 % below the other side",
    FindingCode.ckc_stability_low: "CKCUEST 14 touches",
    FindingCode.pain: "NPRS 6/10",
    FindingCode.disability: "NDI 30 %",
}
_SOURCE = "assessment entered for a virtual client"


def make_profile(
    findings: Mapping[FindingCode, Severity],
    *,
    irritability: Irritability | None = Irritability.low,
    pain_now: float | None = None,
    day: dt.date = dt.date(2025, 1, 1),
    intake: Intake | None = None,
) -> DeficitProfile:
    """A profile with the given findings, priorities in the given order. An explicit
    `irritability` is taken as the clinician's setting; None derives it from `pain_now`
    and the intake's pain behaviour, as an assessment does."""
    out = []
    for code, sev in findings.items():
        kind, link = _KIND_LINK[code]
        out.append(
            Finding(
                code=code,
                kind=kind,
                link=link,
                severity=sev,
                statement=f"{code.value.replace('_', ' ')}",
                evidence=_EVIDENCE[code],
                source=_SOURCE,
            )
        )
    level, why = derive_irritability(
        battery().irritability, pain_now=pain_now, intake=intake, clinician=irritability
    )
    return DeficitProfile(
        assessment_date=day,
        findings=out,
        priorities=[c.value for c in findings],
        irritability=level,
        irritability_reason=why,
        pain_now=pain_now,
    )


_CODES: list[FindingCode] = [
    c for c in FindingCode if c not in (FindingCode.pain, FindingCode.disability)
]
_HOME_KIT = [
    Equipment.none,
    Equipment.mat,
    Equipment.wall,
    Equipment.chair,
    Equipment.band,
    Equipment.towel,
]


def random_profile(rng: np.random.Generator, *, pain_now: float, day: dt.date) -> DeficitProfile:
    """2-5 random findings with random severities (SIMULATION)."""
    k = int(rng.integers(2, 6))
    picks = rng.choice(len(_CODES), size=k, replace=False)
    sev = list(Severity)
    findings: dict[FindingCode, Severity] = {
        _CODES[int(i)]: sev[int(rng.integers(0, 3))] for i in picks
    }
    irr = list(Irritability)[int(rng.choice(3, p=[0.6, 0.3, 0.1]))]
    return make_profile(findings, irritability=irr, pain_now=round(pain_now, 1), day=day)


def random_intake(rng: np.random.Generator, *, day: dt.date, pain_now: float) -> Intake:
    """Home-kit intake with optional gym items, 20-45 min, 2-4 sessions a week (SIMULATION)."""
    equipment = list(_HOME_KIT)
    for extra in (
        Equipment.dumbbell,
        Equipment.bench,
        Equipment.swiss_ball,
        Equipment.pressure_biofeedback,
        Equipment.foam_roller,
        Equipment.kettlebell,
    ):
        if rng.random() < 0.4:
            equipment.append(extra)
    return Intake(
        date=day,
        pain_now=round(pain_now, 1),
        work_posture=list(WorkPosture)[int(rng.integers(0, len(WorkPosture)))],
        equipment=equipment,
        minutes_per_session=int(rng.choice([20, 30, 45])),
        sessions_per_week=int(rng.integers(2, 5)),
        hypertension=bool(rng.random() < 0.1),
        dislikes=["no_floor_work"] if rng.random() < 0.05 else [],
    )
