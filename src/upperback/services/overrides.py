"""Program editing by picking: swap candidates with the engine's reasons, edits, revocation.

Every edit is an `Override` stored with the clinician and the reason (through
`program.add_override`, which validates it against the prescription bounds and the
client's contraindications). Revoking marks the override withdrawn (who, when, why) and
re-plans the weeks not yet trained without it, so the engine's choice comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from upperback.errors import InvalidInput, NotFound, SafetyBlock
from upperback.feedback import next_session, replan
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.knowledge.schema import Exercise
from upperback.loading.eligibility import conditions, exclusion_reason
from upperback.model.adaptation import Action, Adaptation
from upperback.model.program import Program
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.guards import referral_gate
from upperback.store.mapping import override_from_row
from upperback.store.records import Records
from upperback.store.tables import ClinicianRow, OverrideRow
from upperback.store.writes import Writer

MAX_CANDIDATES = 60
FIELD_WORDS = {
    "sets": "sets",
    "reps": "repetitions",
    "hold_s": "hold (s)",
    "load_kg": "load (kg)",
    "level": "band / instability level",
    "exclude": "removed",
    "replace_with": "swapped for",
    "freeze": "no automatic changes",
}


@dataclass(frozen=True)
class OverrideView:
    """An override as the program page shows it at its exercise."""

    id: int
    exercise_id: str
    field: str
    value: str
    reason: str
    date: dt.date
    by: str
    revoked_at: dt.datetime | None
    revoked_by: str | None
    revoke_reason: str | None

    @property
    def what(self) -> str:
        words = FIELD_WORDS.get(self.field, self.field)
        if self.field == "replace_with":
            try:
                return f"{words} {exercise_library().get(self.value).name}"
            except Exception:  # an exercise since removed from the library
                return f"{words} {self.value}"
        if self.field in ("exclude", "freeze"):
            return words
        return f"{words} = {self.value}"


@dataclass(frozen=True)
class Candidate:
    """A library exercise offered as a swap, with whether and why the engine would pick it."""

    exercise: Exercise
    allowed: bool
    reason: str
    shared_targets: list[str]
    safety_block: bool = False


def list_overrides(db: Database, actor: Actor, client_id: int) -> list[OverrideView]:
    """Every override of the client, active and revoked, newest first."""
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        names = {r[0]: r[1] for r in s.execute(select(ClinicianRow.id, ClinicianRow.name)).all()}
        rows = s.scalars(
            select(OverrideRow)
            .where(OverrideRow.client_id == client_id)
            .order_by(OverrideRow.id.desc())
            .limit(500)
        )
        return [
            OverrideView(
                id=r.id,
                exercise_id=r.exercise_id,
                field=r.field,
                value=r.value,
                reason=r.reason,
                date=r.date,
                by=names.get(r.clinician_id, "?"),
                revoked_at=r.revoked_at,
                revoked_by=names.get(r.revoked_by) if r.revoked_by is not None else None,
                revoke_reason=r.revoke_reason,
            )
            for r in rows
        ]


def swap_candidates(
    db: Database,
    actor: Actor,
    client_id: int,
    exercise_id: str,
    *,
    target: str = "",
    equipment: str = "",
    level: int | None = None,
    only_allowed: bool = False,
) -> list[Candidate]:
    """Library exercises that could replace `exercise_id`, filtered, each with the engine's view.

    Allowed means the engine's eligibility check (contraindications from the latest
    profile and intake, the client's equipment, dislikes) passes; the reason says why or
    why not. Exercises sharing a target muscle come first, then closer levels.
    """
    require_clinician(actor, "edit a program")
    lib = exercise_library()
    current = lib.get(exercise_id)
    rules = loading_rules()
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        records = Records(s)
        profile = records.latest_profile(client_id)
        intake = records.latest_intake(client_id)
        audit(s, actor, "program.swap_candidates", client_id)
        uow.commit()
    active = conditions(profile, intake) if profile is not None else set()
    owned = set(intake.equipment) if intake is not None else set()
    dislikes = intake.dislikes if intake is not None else []
    out: list[Candidate] = []
    for ex in lib:
        if ex.id == exercise_id:
            continue
        if target and target not in {m.value for m in ex.targets}:
            continue
        if equipment and equipment not in {e.value for e in ex.equipment}:
            continue
        if level is not None and ex.level != level:
            continue
        why = exclusion_reason(ex, active, owned, dislikes, rules)
        shared = sorted({m.value for m in ex.targets} & {m.value for m in current.targets})
        if why is None:
            parts = ["eligible for this client"]
            parts.append(f"shares target {', '.join(shared)}" if shared else "works other muscles")
            if ex.ratio_class is not None:
                parts.append(f"ratio class {ex.ratio_class.value}")
            parts.append(f"level {ex.level} (current {current.level})")
            reason = "; ".join(parts)
        else:
            reason = why.reason
        if only_allowed and why is not None:
            continue
        out.append(
            Candidate(ex, why is None, reason, shared, why is not None and why.is_safety_block)
        )
    out.sort(
        key=lambda c: (
            not c.allowed,
            not c.shared_targets,
            abs(c.exercise.level - current.level),
            c.exercise.name,
        )
    )
    return out[:MAX_CANDIDATES]


def check_pick(db: Database, actor: Actor, client_id: int, exercise_id: str, pick: str) -> None:
    """Refuse a swap the engine would block for safety (contraindication) before storing it."""
    for c in swap_candidates(db, actor, client_id, exercise_id):
        if c.exercise.id == pick:
            if c.safety_block:
                raise SafetyBlock(
                    f"swap: {c.exercise.name} is not allowed for this client ({c.reason})"
                )
            return
    exercise_library().get(pick)


def revoke_override(
    db: Database, actor: Actor, client_id: int, override_id: int, reason: str, *, today: dt.date
) -> Program:
    """Withdraw an override and re-plan the untrained weeks without it (new program version)."""
    clinician_id = require_clinician(actor, "revoke an override")
    reason = reason.strip()
    if len(reason) < 3:
        raise InvalidInput("reason: say in a few words why the override is withdrawn")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.get(OverrideRow, override_id)
        if row is None or row.client_id != client_id:
            raise NotFound(f"override {override_id} not found")
        if row.revoked_at is not None:
            raise InvalidInput(
                f"override {override_id} was already revoked on {row.revoked_at:%Y-%m-%d}"
            )
        records = Records(s)
        program = records.current_program(client_id)
        profile = records.latest_profile(client_id)
        intake = records.latest_intake(client_id)
        if program is None or profile is None or intake is None:
            raise NotFound("no program yet for this client")
        why = referral_gate(records, client_id)
        if why is not None:
            raise SafetyBlock(why)
        revoked = override_from_row(row)
        row.revoked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        row.revoked_by = clinician_id
        row.revoke_reason = reason
        s.flush()
        upcoming = next_session(program, records.plan_logs(client_id, program))
        from_week = upcoming.week if upcoming is not None else program.weeks
        new, _changes = replan(
            program,
            profile,
            intake,
            from_week=from_week,
            seed=program.seed,
            overrides=records.overrides(client_id),
        )
        writer = Writer(s)
        writer.add_program(client_id, new)
        writer.add_adaptations(
            client_id,
            new.version,
            None,
            [
                Adaptation(
                    rule_id="override.revoked",
                    action=Action.override,
                    exercise_id=revoked.exercise_id,
                    reason=f"override withdrawn: {reason}",
                    before=f"{revoked.field.value} = {revoked.value}".strip(" ="),
                    after="engine's prescription",
                    date=today,
                    from_week=from_week,
                    from_index=upcoming.index if upcoming is not None else 1,
                    source="clinician decision",
                ),
            ],
        )
        audit(s, actor, "override.revoke", client_id)
        uow.commit()
        return new
