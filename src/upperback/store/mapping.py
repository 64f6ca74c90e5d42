"""Translate between ORM rows and domain models (kept apart so the domain never sees SQL)."""

from __future__ import annotations

from upperback.model.adaptation import Adaptation, Override
from upperback.model.assessment import ScoredAssessment, ScoredResult
from upperback.model.client import Client
from upperback.model.program import Exclusion, Phase, Prescription, Program, SessionPlan
from upperback.model.session import SessionLog, SessionLogIn, SetLog
from upperback.store.tables import (
    AdaptationRow,
    AssessmentRow,
    ClientRow,
    OverrideRow,
    PrescriptionRow,
    ProgramRow,
    ProgramSessionRow,
    SessionLogRow,
    SetLogRow,
)


def client_from_row(row: ClientRow) -> Client:
    return Client.model_validate(
        {
            "id": row.id,
            "clinician_id": row.clinician_id,
            "name": row.name,
            "sex": row.sex,
            "birth_year": row.birth_year,
            "body_mass_kg": row.body_mass_kg,
            "email": row.email,
            "created": row.created,
        }
    )


def program_to_row(client_id: int, program: Program) -> ProgramRow:
    row = ProgramRow(
        client_id=client_id,
        version=program.version,
        start_date=program.start_date,
        seed=program.seed,
        weeks=program.weeks,
        sessions_per_week=program.sessions_per_week,
        phases=[p.model_dump(mode="json") for p in program.phases],
        rationale=list(program.rationale),
        excluded=[e.model_dump(mode="json") for e in program.excluded],
        stopped_reason=program.stopped_reason,
    )
    for s in program.sessions:
        srow = ProgramSessionRow(
            week=s.week, index=s.index, kind=s.kind.value, focus=s.focus, minutes=s.minutes
        )
        for pos, p in enumerate(s.prescriptions):
            srow.prescriptions.append(PrescriptionRow(position=pos, **p.model_dump(mode="json")))
        row.sessions.append(srow)
    return row


def program_from_row(row: ProgramRow) -> Program:
    sessions = [
        SessionPlan(
            week=s.week,
            index=s.index,
            kind=s.kind,
            focus=s.focus,
            minutes=s.minutes,
            prescriptions=[
                Prescription(
                    exercise_id=p.exercise_id,
                    name=p.name,
                    sets=p.sets,
                    reps=p.reps,
                    hold_s=p.hold_s,
                    load_kg=p.load_kg,
                    level=p.level,
                    tempo=p.tempo,
                    rest_s=p.rest_s,
                    rpe_target=p.rpe_target,
                    breathing_cue=p.breathing_cue,
                    coaching_cues=list(p.coaching_cues),
                    rationale=p.rationale,
                    per_side=p.per_side,
                )
                for p in s.prescriptions
            ],
        )
        for s in row.sessions
    ]
    return Program(
        version=row.version,
        start_date=row.start_date,
        seed=row.seed,
        weeks=row.weeks,
        sessions_per_week=row.sessions_per_week,
        phases=[Phase.model_validate(p) for p in row.phases],
        sessions=sessions,
        rationale=list(row.rationale),
        excluded=[Exclusion.model_validate(e) for e in row.excluded],
        stopped_reason=row.stopped_reason,
    )


def session_log_to_row(client_id: int, program_version: int, log: SessionLogIn) -> SessionLogRow:
    fields = log.model_dump(exclude={"sets", "id"})
    row = SessionLogRow(client_id=client_id, program_version=program_version, **fields)
    row.sets.extend(SetLogRow(**s.model_dump()) for s in log.sets)
    return row


def session_log_from_row(row: SessionLogRow) -> SessionLog:
    """Columns share the model's field names, so attributes validate straight across."""
    sets = [SetLog.model_validate(s, from_attributes=True) for s in row.sets]
    fields = {name: getattr(row, name) for name in SessionLog.model_fields if name != "sets"}
    return SessionLog.model_validate({**fields, "sets": sets})


def adaptation_to_row(
    client_id: int, version: int, log_id: int | None, a: Adaptation
) -> AdaptationRow:
    return AdaptationRow(
        client_id=client_id,
        session_log_id=log_id,
        program_version=version,
        rule_id=a.rule_id,
        action=a.action.value,
        exercise_id=a.exercise_id,
        reason=a.reason,
        before=a.before,
        after=a.after,
        date=a.date,
        from_week=a.from_week,
        from_index=a.from_index,
        source=a.source,
    )


def adaptation_from_row(row: AdaptationRow) -> Adaptation:
    return Adaptation.model_validate(
        {
            "rule_id": row.rule_id,
            "action": row.action,
            "exercise_id": row.exercise_id,
            "reason": row.reason,
            "before": row.before,
            "after": row.after,
            "date": row.date,
            "from_week": row.from_week,
            "from_index": row.from_index,
            "source": row.source,
        }
    )


def override_from_row(row: OverrideRow) -> Override:
    return Override.model_validate(
        {
            "exercise_id": row.exercise_id,
            "field": row.field,
            "value": row.value,
            "reason": row.reason,
            "date": row.date,
        }
    )


def scored_from_row(row: AssessmentRow) -> ScoredAssessment:
    return ScoredAssessment(
        date=row.date,
        tester=row.tester,
        results=[ScoredResult.model_validate(r.scored) for r in row.results],
    )
