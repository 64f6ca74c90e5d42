"""Use cases of assessment: score a battery, derive the deficit profile, re-plan on reassessment."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from upperback.assessment.profile import build_profile
from upperback.assessment.scoring import score_assessment
from upperback.errors import NotFound
from upperback.model.adaptation import Adaptation
from upperback.model.assessment import AssessmentIn, ScoredAssessment, ScoredResult
from upperback.model.common import Sex
from upperback.model.profile import DeficitProfile
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import client_from_row, scored_from_row
from upperback.store.tables import AssessmentRow, OutcomeRow, TestResultRow


@dataclass(frozen=True)
class AssessmentOutcome:
    assessment_id: int
    scored: ScoredAssessment
    profile: DeficitProfile
    replanned: list[Adaptation]


def previous_results(session: Session, client_id: int) -> list[ScoredResult]:
    rows = session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.client_id == client_id)
        .order_by(AssessmentRow.date, AssessmentRow.id)
    )
    return [r for row in rows for r in scored_from_row(row).results]


def record_assessment(
    db: Database, actor: Actor, client_id: int, doc: AssessmentIn
) -> AssessmentOutcome:
    """Score, compare with norms and the previous results, build the profile, store all once."""
    from upperback.services.program import replan_after_assessment

    require_clinician(actor, "record an assessment")
    with db.uow(write=True) as uow:
        s = uow.session
        client = client_from_row(client_for(s, actor, client_id))
        scored = score_assessment(
            doc,
            sex=client.sex,
            age=client.age_on(doc.date),
            body_mass_kg=client.body_mass_kg,
            previous=previous_results(s, client_id),
        )
        profile = build_profile(scored, sex=client.sex)
        row = AssessmentRow(
            client_id=client_id,
            date=doc.date,
            tester=doc.tester,
            document=doc.model_dump(mode="json"),
            profile=profile.model_dump(mode="json"),
        )
        for r in scored.results:
            row.results.append(
                TestResultRow(
                    test_id=r.test_id,
                    name=r.name,
                    score=r.score,
                    unit=r.unit,
                    side=r.side.value if r.side else None,
                    condition=r.condition,
                    band=r.band,
                    date=r.date,
                    tester=doc.tester,
                    scored=r.model_dump(mode="json"),
                )
            )
            measure = (
                r.test_id
                + (f"_{r.side.value}" if r.side else "")
                + (f"@{r.condition}" if r.condition else "")
            )
            s.add(
                OutcomeRow(
                    client_id=client_id,
                    measure=measure,
                    date=r.date,
                    value=r.score,
                    unit=r.unit,
                    origin="assessment",
                )
            )
        s.add(row)
        s.flush()
        replanned = replan_after_assessment(s, client_id, profile)
        audit(s, actor, "assessment.record", client_id)
        uow.commit()
        return AssessmentOutcome(
            assessment_id=row.id, scored=scored, profile=profile, replanned=replanned
        )


def latest_profile_in(session: Session, client_id: int) -> DeficitProfile | None:
    row = session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.client_id == client_id)
        .order_by(AssessmentRow.date.desc(), AssessmentRow.id.desc())
    ).first()
    if row is None or row.profile is None:
        return None
    return DeficitProfile.model_validate(row.profile)


def latest_profile(db: Database, actor: Actor, client_id: int) -> DeficitProfile:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        profile = latest_profile_in(uow.session, client_id)
        if profile is None:
            raise NotFound("no assessment recorded for this client: run `upperback assess` first")
        return profile


def assessment_history(db: Database, actor: Actor, client_id: int) -> list[ScoredAssessment]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        rows = uow.session.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.client_id == client_id)
            .order_by(AssessmentRow.date, AssessmentRow.id)
        )
        return [scored_from_row(r) for r in rows]


def client_sex(db: Database, actor: Actor, client_id: int) -> Sex:
    with db.uow() as uow:
        return client_from_row(client_for(uow.session, actor, client_id)).sex
