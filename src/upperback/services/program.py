"""Use cases of intentional loading: plan, read the current program, next session, why, overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from upperback.errors import InvalidInput, NotFound, SafetyBlock
from upperback.feedback import apply_overrides, next_session, replan
from upperback.knowledge.loader import exercise_library
from upperback.loading import generate_program
from upperback.model.adaptation import Action, Adaptation, Override
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program, SessionPlan
from upperback.model.session import SessionLog
from upperback.preface.gate import program_allowed
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.mapping import (
    adaptation_from_row,
    adaptation_to_row,
    load_session_logs,
    override_from_row,
    program_from_row,
    program_to_row,
)
from upperback.store.tables import AdaptationRow, OverrideRow, ProgramRow, SessionLogRow


def current_program_row(session: Session, client_id: int) -> ProgramRow | None:
    return session.scalars(
        select(ProgramRow)
        .where(ProgramRow.client_id == client_id)
        .order_by(ProgramRow.version.desc())
        .limit(1)  # older versions carry whole documents: never load them here
    ).first()


def overrides_in(session: Session, client_id: int) -> list[Override]:
    rows = session.scalars(
        select(OverrideRow).where(OverrideRow.client_id == client_id).order_by(OverrideRow.id)
    )
    return [override_from_row(r) for r in rows]


def logs_in(session: Session, client_id: int) -> list[SessionLog]:
    """Every logged session of the client, oldest first."""
    return load_session_logs(session, SessionLogRow.client_id == client_id)


def plan_logs(session: Session, client_id: int, program: Program) -> list[SessionLog]:
    """Sessions logged against this plan: a new plan starts over at week 1 on its start date,
    so logs of an earlier plan (dated before it) do not count as done."""
    return load_session_logs(
        session,
        (SessionLogRow.client_id == client_id) & (SessionLogRow.date >= program.start_date),
    )


def check_allowed(session: Session, client_id: int) -> None:
    from upperback.services.preface import open_referral

    screening, clearance = open_referral(session, client_id)
    allowed, why = program_allowed(screening, clearance)
    if not allowed:
        raise SafetyBlock(why)


def plan_program(
    db: Database, actor: Actor, client_id: int, *, start_date: dt.date, seed: int = 0
) -> Program:
    """Generate the 12-week program from the latest profile and intake (blocked by open red flags)."""
    from upperback.services.assessment import latest_profile_in
    from upperback.services.preface import latest_intake

    require_clinician(actor, "plan a program")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        check_allowed(s, client_id)
        intake = latest_intake(s, client_id)
        if intake is None:
            raise InvalidInput("no intake recorded for this client: run `upperback intake` first")
        profile = latest_profile_in(s, client_id)
        if profile is None:
            raise InvalidInput(
                "no assessment recorded for this client: run `upperback assess` first"
            )
        if start_date < intake.date:
            raise InvalidInput(f"start: {start_date} is before the intake date {intake.date}")
        last = s.scalar(
            select(func.max(SessionLogRow.date)).where(SessionLogRow.client_id == client_id)
        )
        if last is not None and start_date < last:
            raise InvalidInput(
                f"start: a new plan cannot start before the last logged session ({last})"
            )
        previous = current_program_row(s, client_id)
        version = previous.version + 1 if previous else 1
        program = apply_overrides(
            generate_program(profile, intake, start_date=start_date, seed=seed, version=version),
            overrides_in(s, client_id),
        )
        s.add(program_to_row(client_id, program))
        audit(s, actor, "program.plan", client_id)
        uow.commit()
        return program


def replan_after_assessment(
    session: Session, client_id: int, profile: DeficitProfile
) -> list[Adaptation]:
    """Reassessment closes the loop: re-plan the weeks not yet trained from the new profile."""
    from upperback.services.preface import latest_intake, open_referral

    row = current_program_row(session, client_id)
    intake = latest_intake(session, client_id)
    if row is None or intake is None:
        return []
    screening, clearance = open_referral(session, client_id)
    if not program_allowed(screening, clearance)[0]:
        return []  # nothing is re-planned while a referral is open
    program = program_from_row(row)
    logs = plan_logs(session, client_id, program)
    upcoming = next_session(program, logs)
    if upcoming is None:
        return []
    new_program, adaptations = replan(
        program,
        profile,
        intake,
        from_week=upcoming.week,
        seed=program.seed,
        overrides=overrides_in(session, client_id),
    )
    if not adaptations:
        return []
    session.add(program_to_row(client_id, new_program))
    for a in adaptations:
        session.add(adaptation_to_row(client_id, new_program.version, None, a))
    return adaptations


def current_program(db: Database, actor: Actor, client_id: int) -> Program:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        row = current_program_row(uow.session, client_id)
        if row is None:
            raise NotFound("no program yet for this client: run `upperback plan` first")
        return program_from_row(row)


@dataclass(frozen=True)
class NextView:
    program: Program
    session: SessionPlan | None
    suspended_reason: str | None


def next_view(db: Database, actor: Actor, client_id: int) -> NextView:
    """The next session with its cues, or why there is none (suspended, finished)."""
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = current_program_row(s, client_id)
        if row is None:
            raise NotFound("no program yet for this client: run `upperback plan` first")
        program = program_from_row(row)
        from upperback.services.preface import open_referral

        screening, clearance = open_referral(s, client_id)
        allowed, why = program_allowed(screening, clearance)
        if not allowed:
            return NextView(program, None, why)
        return NextView(program, next_session(program, plan_logs(s, client_id, program)), None)


@dataclass(frozen=True)
class VersionedAdaptation:
    program_version: int
    adaptation: Adaptation


def adaptations_by_version(
    db: Database, actor: Actor, client_id: int, *, version: int | None = None
) -> list[VersionedAdaptation]:
    """Adaptations with the program version each produced, oldest first (one version if given)."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        q = select(AdaptationRow).where(AdaptationRow.client_id == client_id)
        if version is not None:
            q = q.where(AdaptationRow.program_version == version)
        rows = uow.session.scalars(q.order_by(AdaptationRow.id))
        return [VersionedAdaptation(r.program_version, adaptation_from_row(r)) for r in rows]


def adaptations_for(db: Database, actor: Actor, client_id: int) -> list[Adaptation]:
    return [v.adaptation for v in adaptations_by_version(db, actor, client_id)]


def add_override(db: Database, actor: Actor, client_id: int, override: Override) -> Program:
    """Store a clinician override and apply it to the current program as a new version."""
    clinician_id = require_clinician(actor, "override a prescription")
    exercise_library().get(override.exercise_id)
    if override.field.value == "replace_with":
        exercise_library().get(override.value)
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = current_program_row(s, client_id)
        if row is None:
            raise NotFound("no program yet for this client: run `upperback plan` first")
        s.add(
            OverrideRow(
                client_id=client_id,
                clinician_id=clinician_id,
                exercise_id=override.exercise_id,
                field=override.field.value,
                value=override.value,
                reason=override.reason,
                date=override.date,
            )
        )
        if override.field.value == "replace_with":
            _check_replacement_allowed(s, client_id, override.value)
        program = program_from_row(row)
        upcoming = next_session(program, plan_logs(s, client_id, program))
        new = apply_overrides(program, [override]).model_copy(
            update={"version": program.version + 1}
        )
        s.add(program_to_row(client_id, new))
        s.add(
            adaptation_to_row(
                client_id,
                new.version,
                None,
                Adaptation(
                    rule_id="override.clinician",
                    action=Action.override,
                    exercise_id=override.exercise_id,
                    reason=f"clinician override: {override.reason}",
                    before="",
                    after=f"{override.field.value} = {override.value}".strip(),
                    date=override.date,
                    from_week=upcoming.week if upcoming else program.weeks,
                    from_index=upcoming.index if upcoming else 1,
                    source="clinician decision",
                ),
            )
        )
        audit(s, actor, "override.add", client_id)
        uow.commit()
        return new


def _check_replacement_allowed(session: Session, client_id: int, exercise_id: str) -> None:
    """A replacement must not be contraindicated by the latest profile and intake."""
    from upperback.loading.eligibility import CONTRAINDICATION, conditions, exclusion_reason
    from upperback.services.assessment import latest_profile_in
    from upperback.services.preface import latest_intake

    profile = latest_profile_in(session, client_id)
    if profile is None:
        return
    from upperback.knowledge.loading_rules import loading_rules

    reason = exclusion_reason(
        exercise_library().get(exercise_id),
        conditions(profile, latest_intake(session, client_id)),
        equipment=set(),
        dislikes=(),
        rules=loading_rules(),
    )
    if reason is not None and reason.startswith(CONTRAINDICATION):
        raise SafetyBlock(f"value: {exercise_id} is contraindicated for this client ({reason})")
