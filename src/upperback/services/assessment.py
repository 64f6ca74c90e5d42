"""Use cases of assessment: score a battery, derive the deficit profile, re-plan on reassessment."""

from __future__ import annotations

from dataclasses import dataclass

from upperback.assessment.profile import build_profile
from upperback.assessment.scoring import score_assessment
from upperback.errors import NotFound
from upperback.feedback import next_session, replan
from upperback.model.adaptation import Adaptation
from upperback.model.assessment import AssessmentIn, ScoredAssessment
from upperback.model.common import Sex
from upperback.model.profile import DeficitProfile
from upperback.outcomes.points import assessment_points
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.guards import referral_gate
from upperback.store.mapping import client_from_row
from upperback.store.records import Records
from upperback.store.writes import Writer

NO_ASSESSMENT = "no assessment recorded for this client: run `upperback assess` first"


@dataclass(frozen=True)
class AssessmentOutcome:
    assessment_id: int
    scored: ScoredAssessment
    profile: DeficitProfile
    replanned: list[Adaptation]


def record_assessment(
    db: Database, actor: Actor, client_id: int, doc: AssessmentIn
) -> AssessmentOutcome:
    """Score, compare with norms and the previous results, build the profile, store all once."""
    require_clinician(actor, "record an assessment")
    with db.uow(write=True) as uow:
        s = uow.session
        records, writer = Records(s), Writer(s)
        client = client_from_row(client_for(s, actor, client_id))
        scored = score_assessment(
            doc,
            sex=client.sex,
            age=client.age_on(doc.date),
            body_mass_kg=client.body_mass_kg,
            previous=records.previous_results(client_id),
        )
        profile = build_profile(
            scored,
            sex=client.sex,
            intake=records.latest_intake(client_id),
            irritability=doc.irritability,
        )
        assessment_id = writer.add_assessment(client_id, doc, scored, profile)
        writer.add_outcomes(client_id, assessment_points(scored), origin="assessment")
        replanned = _replan(records, writer, client_id, profile)
        audit(s, actor, "assessment.record", client_id)
        uow.commit()
        return AssessmentOutcome(
            assessment_id=assessment_id, scored=scored, profile=profile, replanned=replanned
        )


def _replan(
    records: Records, writer: Writer, client_id: int, profile: DeficitProfile
) -> list[Adaptation]:
    """Reassessment closes the loop: re-plan the weeks not yet trained from the new profile
    (nothing is re-planned while a referral is open)."""
    program = records.current_program(client_id)
    intake = records.latest_intake(client_id)
    if program is None or intake is None or referral_gate(records, client_id) is not None:
        return []
    logs = records.plan_logs(client_id, program)
    upcoming = next_session(program, logs)
    if upcoming is None:
        return []
    new_program, adaptations = replan(
        program,
        profile,
        intake,
        from_week=upcoming.week,
        seed=program.seed,
        overrides=records.overrides(client_id),
        logs=logs,
    )
    if not adaptations:
        return []
    writer.add_program(client_id, new_program, previous=program)
    writer.add_adaptations(client_id, new_program.version, None, adaptations)
    return adaptations


def latest_profile(db: Database, actor: Actor, client_id: int) -> DeficitProfile:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        profile = Records(uow.session).latest_profile(client_id)
        if profile is None:
            raise NotFound(NO_ASSESSMENT)
        return profile


def assessment_history(db: Database, actor: Actor, client_id: int) -> list[ScoredAssessment]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return Records(uow.session).assessments(client_id)


def client_sex(db: Database, actor: Actor, client_id: int) -> Sex:
    with db.uow() as uow:
        return client_from_row(client_for(uow.session, actor, client_id)).sex
