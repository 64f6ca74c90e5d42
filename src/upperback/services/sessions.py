"""Use case of adaptive feedback: log a session, adapt what comes next, store why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from upperback.errors import Conflict, InvalidInput, NotFound, SafetyBlock
from upperback.feedback import adapt, next_session
from upperback.knowledge.loader import exercise_library
from upperback.model.adaptation import Action, Adaptation
from upperback.model.intake import ScreeningResult
from upperback.model.program import SessionPlan
from upperback.model.session import SessionLog, SessionLogIn
from upperback.outcomes.points import emg_summary_points, log_points
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.store.guards import referral_gate, require_program
from upperback.store.records import Records
from upperback.store.writes import Writer


@dataclass(frozen=True)
class LogOutcome:
    log_id: int
    adaptations: list[Adaptation]
    next_session: SessionPlan | None
    referral: ScreeningResult | None
    program_version: int


def _validate_against_program(log: SessionLogIn, planned: SessionPlan | None) -> None:
    """Every logged set names a known exercise prescribed in that very session: a log for
    anything else would let the engine adapt an exercise the client was never given."""
    library = exercise_library()
    for i, s in enumerate(log.sets):
        if s.exercise_id not in library.by_id:
            raise InvalidInput(f"sets[{i}].exercise_id: unknown exercise id {s.exercise_id!r}")
    if planned is None:
        raise InvalidInput(f"week/index: the program has no session {log.week}.{log.index}")
    prescribed = {p.exercise_id for p in planned.prescriptions}
    for i, s in enumerate(log.sets):
        if s.exercise_id not in prescribed:
            name = library.by_id[s.exercise_id].name
            raise InvalidInput(
                f"sets[{i}].exercise_id: {name} ({s.exercise_id}) is not prescribed in session "
                f"{log.week}.{log.index}"
            )


def log_session(db: Database, actor: Actor, client_id: int, log: SessionLogIn) -> LogOutcome:
    """Store a logged session, run the adaptive engine and store the new version with reasons."""
    with db.uow(write=True) as uow:
        s = uow.session
        records, writer = Records(s), Writer(s)
        writer.lock_client(client_id)  # first: loads the row client_for checks (one query)
        client_for(s, actor, client_id)
        program = require_program(records, client_id)
        blocked = referral_gate(records, client_id)
        if blocked is not None:
            raise SafetyBlock(f"program suspended: {blocked}")
        if log.date < program.start_date:
            raise InvalidInput(
                f"date: {log.date} is before the program starts ({program.start_date})"
            )
        _validate_against_program(log, program.session(log.week, log.index))
        dup = records.log_row(client_id, log.week, log.index, since=program.start_date)
        if dup is not None:
            raise Conflict(
                f"week/index: session {log.week}.{log.index} was already logged (log {dup.id})"
            )
        history = records.plan_logs(client_id, program)
        earlier_alerts = [
            v.adaptation
            for v in records.adaptations(client_id, action=Action.clinician_alert.value)
            if v.adaptation.action == Action.clinician_alert
        ]
        result = adapt(
            program,
            log,
            history=history,
            overrides=records.overrides(client_id),
            profile=records.latest_profile(client_id),
            earlier_alerts=earlier_alerts,
        )
        log_id = writer.add_log(client_id, program.version, log, plan_start=program.start_date)
        # A new version is stored only when something changed (as a patch against this one:
        # the change, not a copy); the reasons go with it.
        new_program = program
        if result.adaptations or result.stopped:
            new_program = result.program.model_copy(update={"version": program.version + 1})
            writer.add_program(client_id, new_program, previous=program)
        writer.add_adaptations(client_id, new_program.version, log_id, result.adaptations)
        if result.referral is not None:
            writer.add_referral(client_id, log.date, result.referral, f"session_log:{log_id}")
        writer.add_outcomes(client_id, log_points(log), origin="log")
        audit(s, actor, "session.log", client_id)
        upcoming = None if result.stopped else next_session(new_program, [*history, log])
        uow.commit()
        return LogOutcome(
            log_id, list(result.adaptations), upcoming, result.referral, new_program.version
        )


def attach_emg(
    db: Database, actor: Actor, client_id: int, week: int, index: int, summary: dict[str, Any]
) -> int:
    """Store a live sEMG session summary with the client's logged session (week.index)."""
    with db.uow(write=True) as uow:
        s = uow.session
        writer = Writer(s)
        client_for(s, actor, client_id)
        row = Records(s).log_row(client_id, week, index)
        if row is None:
            raise NotFound(
                f"session {week}.{index} is not logged yet for client {client_id}: log it first"
            )
        writer.set_log_emg(row, summary)
        # a re-attached summary replaces the earlier one's outcome points
        writer.replace_outcomes(
            client_id, row.date, emg_summary_points(row.date, summary), origin="emg"
        )
        audit(s, actor, "session.emg", client_id)
        uow.commit()
        return row.id


def list_logs(db: Database, actor: Actor, client_id: int) -> list[SessionLog]:
    """A client's logged sessions, oldest first (NotFound if the actor may not see them)."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return Records(uow.session).logs(client_id)
