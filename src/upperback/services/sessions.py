"""Use case of adaptive feedback: log a session, adapt what comes next, store why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from upperback.errors import Conflict, InvalidInput, NotFound, SafetyBlock
from upperback.feedback import adapt, next_session
from upperback.knowledge.loader import exercise_library
from upperback.model.adaptation import Adaptation
from upperback.model.intake import ScreeningResult
from upperback.model.program import SessionPlan
from upperback.model.session import SessionLog, SessionLogIn
from upperback.services.access import Actor, audit, client_for
from upperback.services.assessment import latest_profile_in
from upperback.services.database import Database
from upperback.services.preface import store_referral
from upperback.services.program import (
    check_allowed,
    current_program_row,
    logs_in,
    overrides_in,
    plan_logs,
)
from upperback.store.mapping import (
    adaptation_to_row,
    program_from_row,
    program_to_row,
    session_log_to_row,
    set_rows,
)
from upperback.store.tables import OutcomeRow, SessionLogRow, SetLogRow


@dataclass(frozen=True)
class LogOutcome:
    log_id: int
    adaptations: list[Adaptation]
    next_session: SessionPlan | None
    referral: ScreeningResult | None
    program_version: int


def _validate_against_program(log: SessionLogIn, planned: SessionPlan | None) -> None:
    library = exercise_library()
    for i, s in enumerate(log.sets):
        if s.exercise_id not in library.by_id:
            raise InvalidInput(f"sets[{i}].exercise_id: unknown exercise id {s.exercise_id!r}")
    if planned is None:
        raise InvalidInput(f"week/index: the program has no session {log.week}.{log.index}")


def log_session(db: Database, actor: Actor, client_id: int, log: SessionLogIn) -> LogOutcome:
    """Store a logged session, run the adaptive engine and store the new version with reasons."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = current_program_row(s, client_id)
        if row is None:
            raise NotFound("no program yet for this client: run `upperback plan` first")
        try:
            check_allowed(s, client_id)
        except SafetyBlock as exc:
            raise SafetyBlock(f"program suspended: {exc.message}") from None
        program = program_from_row(row)
        if log.date < program.start_date:
            raise InvalidInput(
                f"date: {log.date} is before the program starts ({program.start_date})"
            )
        _validate_against_program(log, program.session(log.week, log.index))
        dup = s.scalars(
            select(SessionLogRow).where(
                SessionLogRow.client_id == client_id,
                SessionLogRow.week == log.week,
                SessionLogRow.index == log.index,
                SessionLogRow.date >= program.start_date,
            )
        ).first()
        if dup is not None:
            raise Conflict(
                f"week/index: session {log.week}.{log.index} was already logged (log {dup.id})"
            )
        history = plan_logs(s, client_id, program)
        result = adapt(
            program,
            log,
            history=history,
            overrides=overrides_in(s, client_id),
            profile=latest_profile_in(s, client_id),
        )
        log_row = session_log_to_row(client_id, program.version, log)
        s.add(log_row)
        s.flush()
        if log.sets:
            s.execute(insert(SetLogRow), set_rows(log_row.id, log))
        # A new version is stored only when something changed; the reasons go with it.
        new_program = program
        if result.adaptations or result.stopped:
            new_program = result.program.model_copy(update={"version": program.version + 1})
            s.add(program_to_row(client_id, new_program))
        for a in result.adaptations:
            s.add(adaptation_to_row(client_id, new_program.version, log_row.id, a))
        if result.referral is not None:
            store_referral(
                s, client_id, log.date, result.referral, source=f"session_log:{log_row.id}"
            )
        _record_outcomes(s, client_id, log)
        audit(s, actor, "session.log", client_id)
        upcoming = None if result.stopped else next_session(new_program, [*history, log])
        uow.commit()
        return LogOutcome(
            log_row.id, list(result.adaptations), upcoming, result.referral, new_program.version
        )


def _record_outcomes(session: Session, client_id: int, log: SessionLogIn) -> None:
    if log.sets:
        session.add(
            OutcomeRow(
                client_id=client_id,
                measure="pain_during_max",
                date=log.date,
                value=log.max_pain_during(),
                unit="0-10",
                origin="log",
            )
        )
    if log.pain_next_morning is not None:
        session.add(
            OutcomeRow(
                client_id=client_id,
                measure="pain_next_morning",
                date=log.date,
                value=log.pain_next_morning,
                unit="0-10",
                origin="log",
            )
        )
    ratios = [st.emg_ratio for st in log.sets if st.emg_ratio is not None]
    if ratios:
        session.add(
            OutcomeRow(
                client_id=client_id,
                measure="emg_ut_ratio_sets",
                date=log.date,
                value=sum(ratios) / len(ratios),
                unit="ratio",
                origin="log",
            )
        )


def attach_emg(
    db: Database, actor: Actor, client_id: int, week: int, index: int, summary: dict[str, Any]
) -> int:
    """Store a live sEMG session summary with the client's logged session (week.index)."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.scalars(
            select(SessionLogRow).where(
                SessionLogRow.client_id == client_id,
                SessionLogRow.week == week,
                SessionLogRow.index == index,
            )
        ).first()
        if row is None:
            raise NotFound(
                f"session {week}.{index} is not logged yet for client {client_id}: log it first"
            )
        row.emg = summary
        s.execute(  # a re-attached summary replaces the earlier one's outcome points
            delete(OutcomeRow).where(
                OutcomeRow.client_id == client_id,
                OutcomeRow.date == row.date,
                OutcomeRow.origin == "emg",
            )
        )
        for name, value in summary.get("mean_ratios", {}).items():
            if isinstance(value, int | float):
                s.add(
                    OutcomeRow(
                        client_id=client_id,
                        measure=f"emg_live_{name}",
                        date=row.date,
                        value=float(value),
                        unit="ratio",
                        origin="emg",
                    )
                )
        audit(s, actor, "session.emg", client_id)
        uow.commit()
        return row.id


def list_logs(db: Database, actor: Actor, client_id: int) -> list[SessionLog]:
    """A client's logged sessions, oldest first (NotFound if the actor may not see them)."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return logs_in(uow.session, client_id)
