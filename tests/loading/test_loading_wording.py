"""Clinician wording of reasons (physio review 2, item 12): a slot kept for general
resilience says what was not tested, and a pressure-cuff drill says its stage is set by
criterion rather than printing one mmHg figure that looks frozen for twelve weeks."""

from __future__ import annotations

import datetime as dt

from upperback.loading import generate_program
from upperback.model.common import Equipment
from upperback.model.intake import Intake
from upperback.model.profile import FindingCode as F
from upperback.model.profile import Severity
from upperback.sim.profiles import make_profile

START = dt.date(2025, 1, 6)


def _reasons(findings: dict[F, Severity], equipment: list[Equipment]) -> set[str]:
    intake = Intake.model_validate({"date": dt.date(2025, 1, 1), "equipment": equipment})
    p = generate_program(make_profile(findings), intake, start_date=START, seed=1)
    return {q.rationale.split(":")[0] for s in p.sessions for q in s.prescriptions}


def test_general_resilience_slot_says_what_was_not_tested() -> None:
    reasons = _reasons({}, list(Equipment))
    assert "general resilience - scapular endurance (not tested)" in reasons
    assert not any("not measured" in r for r in reasons)


def test_pressure_cuff_stage_is_set_by_criterion() -> None:
    kit = [Equipment.none, Equipment.mat, Equipment.wall, Equipment.pressure_biofeedback]
    reasons = _reasons({F.dnf_control_low: Severity.severe}, kit)
    cuff = [r for r in reasons if r.startswith("craniocervical flexion control low")]
    assert cuff and all("stage set by criterion (starts at 22 mmHg)" in r for r in cuff)


def test_neck_flexor_endurance_has_a_retest_target() -> None:
    intake = Intake.model_validate({"date": dt.date(2025, 1, 1), "equipment": [Equipment.mat]})
    p = generate_program(
        make_profile({F.dnf_endurance_low: Severity.moderate}), intake, start_date=START, seed=1
    )
    line = next(r for r in p.rationale if r.startswith("Retest deep neck flexor endurance low"))
    assert "18.8 s" in line and "15.7 s" in line and "Domenech 2011" in line
