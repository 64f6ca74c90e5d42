"""Clinician overrides: applied to every session on or after the override's date, never undone."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from upperback.errors import InvalidInput, SafetyBlock
from upperback.feedback.ops import swap
from upperback.knowledge.loader import ExerciseLibrary, describe_validation_error, exercise_library
from upperback.knowledge.loading_rules import LoadingRules, loading_rules
from upperback.model.adaptation import Action, Adaptation, Override, OverrideField
from upperback.model.common import Goal
from upperback.model.program import Prescription, Program, SessionPlan

_NUMERIC = frozenset(
    {
        OverrideField.sets,
        OverrideField.reps,
        OverrideField.hold_s,
        OverrideField.level,
        OverrideField.load_kg,
    }
)


def _value(o: Override) -> int | float:
    try:
        return float(o.value) if o.field == OverrideField.load_kg else int(o.value)
    except ValueError:
        raise InvalidInput(
            f"override value: {o.field.value} needs a number, got {o.value!r}"
        ) from None


def _set_field(p: Prescription, o: Override) -> Prescription:
    data = p.model_dump()
    data[o.field.value] = _value(o)
    try:
        return Prescription.model_validate(data)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, f"override of {o.exercise_id}")) from None


def _check_replacement(program: Program, o: Override, library: ExerciseLibrary) -> None:
    library.get(o.value)
    for e in program.excluded:
        if e.exercise_id == o.value and e.is_safety_block:
            raise SafetyBlock(f"override value: {o.value} is excluded for this client ({e.reason})")


def apply_overrides(
    program: Program,
    overrides: Sequence[Override],
    *,
    library: ExerciseLibrary | None = None,
    rules: LoadingRules | None = None,
) -> Program:
    """The program with each override applied to sessions planned on or after its date."""
    if not overrides:
        return program
    lib = library if library is not None else exercise_library()
    rules = rules if rules is not None else loading_rules()
    sessions = list(program.sessions)
    for o in overrides:
        if o.field == OverrideField.replace_with:
            _check_replacement(program, o, lib)
        for i, plan in enumerate(sessions):
            if program.session_date(plan.week, plan.index) < o.date:
                continue
            sessions[i] = _apply_one(plan, o, program, lib, rules)
    return program.model_copy(update={"sessions": sessions})


def reapply_field_overrides(
    program: Program, sessions: list[SessionPlan], overrides: Sequence[Override], first: int
) -> list[SessionPlan]:
    """Re-impose set/reps/hold/load/level overrides on sessions from position `first`.

    Needed when an engine swap brings an overridden exercise into a later session.
    """
    fields = [o for o in overrides if o.field in _NUMERIC]
    if not fields:
        return sessions
    out = list(sessions)
    for i in range(first, len(out)):
        plan = out[i]
        if program.session_date(plan.week, plan.index) < min(o.date for o in fields):
            continue
        for o in fields:
            if program.session_date(plan.week, plan.index) >= o.date and any(
                p.exercise_id == o.exercise_id and getattr(p, o.field.value) != _value(o)
                for p in plan.prescriptions
            ):
                plan = plan.model_copy(
                    update={
                        "prescriptions": [
                            _set_field(p, o) if p.exercise_id == o.exercise_id else p
                            for p in plan.prescriptions
                        ]
                    }
                )
        out[i] = plan
    return out


def _apply_one(
    plan: SessionPlan, o: Override, program: Program, lib: ExerciseLibrary, rules: LoadingRules
) -> SessionPlan:
    if o.field == OverrideField.freeze or all(
        p.exercise_id != o.exercise_id for p in plan.prescriptions
    ):
        return plan
    out: list[Prescription] = []
    for p in plan.prescriptions:
        if p.exercise_id != o.exercise_id:
            out.append(p)
        elif o.field == OverrideField.exclude:
            continue
        elif o.field == OverrideField.replace_with:
            if any(q.exercise_id == o.value for q in plan.prescriptions):
                continue
            phase = program.phase_of(plan.week)
            goal = phase.goal if phase is not None else Goal.endurance
            out.append(swap(p, lib.get(o.value), goal, rules, f"clinician override: {o.reason}"))
        else:
            out.append(_set_field(p, o))
    return plan.model_copy(update={"prescriptions": out})


def override_adaptations(program: Program, overrides: Sequence[Override]) -> list[Adaptation]:
    """One `override.clinician` adaptation per override, for the record shown to the client."""
    out: list[Adaptation] = []
    for o in overrides:
        first = next(
            (s for s in program.sessions if program.session_date(s.week, s.index) >= o.date),
            program.sessions[-1] if program.sessions else None,
        )
        out.append(
            Adaptation(
                rule_id="override.clinician",
                action=Action.override,
                exercise_id=o.exercise_id,
                reason=f"clinician override: {o.reason}",
                after=f"{o.field.value} = {o.value}".strip(" ="),
                date=o.date,
                from_week=first.week if first else 1,
                from_index=first.index if first else 1,
                source="clinician decision",
            )
        )
    return out
