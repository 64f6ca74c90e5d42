"""Use cases of intentional loading: plan, read the current program, next session, why, overrides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from upperback.errors import InvalidInput, SafetyBlock
from upperback.feedback import apply_overrides, next_session
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading import generate_program
from upperback.loading.dose import entered_starts
from upperback.loading.eligibility import conditions, exclusion_reason
from upperback.model.adaptation import Action, Adaptation, Override
from upperback.model.program import Program, SessionPlan
from upperback.preface.precautions import client_notes, precaution_lines
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.guards import referral_gate, require_program
from upperback.store.records import Records, ScreeningView, VersionedAdaptation
from upperback.store.writes import Writer

__all__ = [
    "NextView",
    "ProgramView",
    "VersionedAdaptation",
    "adaptations_by_version",
    "adaptations_for",
    "add_override",
    "current_program",
    "next_view",
    "plan_program",
    "program_view",
]


def plan_program(
    db: Database,
    actor: Actor,
    client_id: int,
    *,
    start_date: dt.date,
    seed: int = 0,
    start_loads: Mapping[str, float] | None = None,
) -> Program:
    """Generate the 12-week program from the latest profile and intake (blocked by open red
    flags). `start_loads` are the clinician's starting loads (exercise id -> kg or level);
    they win over the assessment's and the rules' starting loads."""
    require_clinician(actor, "plan a program")
    starts = entered_starts(start_loads or {}, exercise_library(), loading_rules())
    with db.uow(write=True) as uow:
        s = uow.session
        records = Records(s)
        client_for(s, actor, client_id)
        blocked = referral_gate(records, client_id)
        if blocked is not None:
            raise SafetyBlock(blocked)
        intake = records.latest_intake(client_id)
        if intake is None:
            raise InvalidInput("no intake recorded for this client: run `upperback intake` first")
        profile = records.latest_profile(client_id)
        if profile is None:
            raise InvalidInput(
                "no assessment recorded for this client: run `upperback assess` first"
            )
        if start_date < intake.date:
            raise InvalidInput(f"start: {start_date} is before the intake date {intake.date}")
        last = records.last_log_date(client_id)
        if last is not None and start_date < last:
            raise InvalidInput(
                f"start: a new plan cannot start before the last logged session ({last})"
            )
        previous = records.current_program(client_id)
        version = previous.version + 1 if previous else 1
        program = apply_overrides(
            generate_program(
                profile,
                intake,
                start_date=start_date,
                seed=seed,
                version=version,
                start_loads=starts,
            ),
            records.overrides(client_id),
        )
        Writer(s).add_program(client_id, program)
        audit(s, actor, "program.plan", client_id)
        uow.commit()
        return program


def current_program(db: Database, actor: Actor, client_id: int) -> Program:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return require_program(Records(uow.session), client_id)


@dataclass(frozen=True)
class NextView:
    program: Program
    session: SessionPlan | None
    suspended_reason: str | None
    latest_adaptations: list[Adaptation]
    precautions: list[str] = field(default_factory=list)
    """Clinician lines 'label: action' from the screening's precautions (red-flag data)."""
    client_notes: list[str] = field(default_factory=list)
    """The client's plain safety notes for the same precautions (no ids)."""

    @property
    def precautions_text(self) -> str | None:
        """'Precautions: ...' for clinician views, or None."""
        return "Precautions: " + "; ".join(self.precautions) if self.precautions else None

    @property
    def program_version(self) -> int:
        return self.program.version

    @property
    def session_date(self) -> dt.date | None:
        s = self.session
        return self.program.session_date(s.week, s.index) if s is not None else None


def next_view(db: Database, actor: Actor, client_id: int, *, audit_read: bool = False) -> NextView:
    """The next session with its cues, or why there is none (suspended, finished), with the
    changes that produced the current version (one unit of work).

    `audit_read`: the read's audit entry goes into this same transaction (the web layer's
    GET of a phone's next session, the hottest read), instead of a second transaction of
    its own after the response (web.guard): one commit per read instead of two."""
    with db.uow(write=audit_read) as uow:
        s = uow.session
        records = Records(s)
        client_for(s, actor, client_id)
        view = _next_in(records, client_id, require_program(records, client_id))
        if audit_read:
            audit(s, actor, "read", client_id)
            uow.commit()
        return view


def _next_in(records: Records, client_id: int, program: Program) -> NextView:
    latest = [v.adaptation for v in records.adaptations(client_id, version=program.version)]
    screening = records.screening(client_id).screening
    notes = {"precautions": precaution_lines(screening), "client_notes": client_notes(screening)}
    why = referral_gate(records, client_id)
    if why is not None:
        return NextView(program, None, why, latest, **notes)
    upcoming = next_session(program, records.plan_logs(client_id, program))
    return NextView(program, upcoming, None, latest, **notes)


@dataclass(frozen=True)
class ProgramView:
    """What the program page shows: the plan (if any), what comes next, the screening."""

    program: Program | None
    next: NextView | None
    screening: ScreeningView


def program_view(db: Database, actor: Actor, client_id: int) -> ProgramView:
    """Program, next session and screening status in one unit of work."""
    with db.uow() as uow:
        records = Records(uow.session)
        client_for(uow.session, actor, client_id)
        program = records.current_program(client_id)
        nxt = _next_in(records, client_id, program) if program is not None else None
        return ProgramView(program, nxt, records.screening(client_id))


def adaptations_by_version(
    db: Database, actor: Actor, client_id: int, *, version: int | None = None
) -> list[VersionedAdaptation]:
    """Adaptations with the program version each produced, oldest first (one version if given)."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return Records(uow.session).adaptations(client_id, version=version)


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
        records, writer = Records(s), Writer(s)
        client_for(s, actor, client_id)
        program = require_program(records, client_id)
        writer.add_override(client_id, clinician_id, override)
        if override.field.value == "replace_with":
            _check_replacement_allowed(records, client_id, override.value)
        upcoming = next_session(program, records.plan_logs(client_id, program))
        new = apply_overrides(program, [override]).model_copy(
            update={"version": program.version + 1}
        )
        writer.add_program(client_id, new, previous=program)
        writer.add_adaptations(
            client_id,
            new.version,
            None,
            [
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
                )
            ],
        )
        audit(s, actor, "override.add", client_id)
        uow.commit()
        return new


def _check_replacement_allowed(records: Records, client_id: int, exercise_id: str) -> None:
    """A replacement must not be contraindicated by the latest profile and intake."""
    profile = records.latest_profile(client_id)
    if profile is None:
        return
    reason = exclusion_reason(
        exercise_library().get(exercise_id),
        conditions(profile, records.latest_intake(client_id)),
        equipment=set(),
        dislikes=(),
        rules=loading_rules(),
    )
    if reason is not None and reason.is_safety_block:
        raise SafetyBlock(
            f"value: {exercise_id} is contraindicated for this client ({reason.reason})"
        )
