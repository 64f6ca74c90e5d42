"""Use cases: progress against clinically meaningful change, adherence, series for plots, and
the clinician's dashboard of flags (each one unit of work)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from upperback.knowledge.loading_rules import loading_rules
from upperback.model.adaptation import Adaptation
from upperback.model.client import Client
from upperback.model.intake import Clearance, ScreeningResult
from upperback.model.outcome import AdherenceSummary, OutcomePoint, OutcomeSummary
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program
from upperback.model.session import SessionLog
from upperback.outcomes import client_flags, program_adherence, summarize
from upperback.outcomes.flags import Flags
from upperback.services.access import Actor, client_for
from upperback.services.database import Database
from upperback.store.mapping import client_from_row
from upperback.store.records import Records


@dataclass(frozen=True)
class Progress:
    outcomes: list[OutcomeSummary]
    adherence: AdherenceSummary | None
    series: dict[str, list[OutcomePoint]]
    adaptations_count: int


def progress_in(records: Records, client_id: int, *, today: dt.date) -> Progress:
    """Progress read inside the caller's unit of work (access already checked)."""
    assessments = records.assessments(client_id)
    program = records.current_program(client_id)
    adh = None
    if program is not None:
        adh = program_adherence(program, records.plan_logs(client_id, program), today=today)
    return Progress(
        outcomes=summarize(assessments) if assessments else [],
        adherence=adh,
        series=records.outcome_series(client_id),
        adaptations_count=records.adaptation_count(client_id),
    )


def progress(db: Database, actor: Actor, client_id: int, *, today: dt.date) -> Progress:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return progress_in(Records(uow.session), client_id, today=today)


@dataclass(frozen=True)
class ClientRecord:
    """Everything a report or the progress page shows about one client."""

    client: Client
    today: dt.date
    progress: Progress
    program: Program | None
    logs: list[SessionLog]
    adaptations: list[Adaptation]
    profile: DeficitProfile | None
    screening: ScreeningResult | None
    clearance: Clearance | None


def client_record(db: Database, actor: Actor, client_id: int, *, today: dt.date) -> ClientRecord:
    """A client's whole record for a report, read in one unit of work (NotFound if not theirs)."""
    with db.uow() as uow:
        records = Records(uow.session)
        client = client_from_row(client_for(uow.session, actor, client_id))
        screening, clearance = records.open_referral(client_id)
        return ClientRecord(
            client=client,
            today=today,
            progress=progress_in(records, client_id, today=today),
            program=records.current_program(client_id),
            logs=records.logs(client_id),
            adaptations=[v.adaptation for v in records.adaptations(client_id)],
            profile=records.latest_profile(client_id),
            screening=screening,
            clearance=clearance,
        )


@dataclass(frozen=True)
class ClientFlags(Flags):
    """One dashboard row: the client and what to look at first (the outcomes' `Flags`)."""

    client: Client


def dashboard(db: Database, actor: Actor, *, today: dt.date) -> list[ClientFlags]:
    """The actor's clients with flags for open referrals, pain flares and falling adherence."""
    rules = loading_rules()
    out: list[ClientFlags] = []
    with db.uow() as uow:
        records = Records(uow.session)
        for c in records.clients(
            clinician_id=actor.clinician_id if actor.role == "clinician" else None,
            client_id=actor.client_id,
        ):
            client_for(uow.session, actor, c.id)
            screening, clearance = records.open_referral(c.id)
            program = records.current_program(c.id)
            adh = (
                program_adherence(program, records.plan_logs(c.id, program), today=today)
                if program is not None
                else None
            )
            f = client_flags(
                screening=screening,
                clearance=clearance,
                logs=records.logs(c.id),
                adherence=adh,
                profile=records.latest_profile(c.id),
                today=today,
                rules=rules,
            )
            out.append(ClientFlags(**vars(f), client=c))
    return out
