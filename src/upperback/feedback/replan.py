"""Re-plan after reassessment: weeks already trained stay, the rest answer the new profile."""

from __future__ import annotations

from collections.abc import Sequence

from upperback.errors import InvalidInput, SafetyBlock
from upperback.feedback.overrides import apply_overrides
from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.loading_rules import LoadingRules, loading_rules
from upperback.loading.dose import honest_minutes, starting_load
from upperback.loading.generator import generate_program, modes_of
from upperback.loading.load import enforce_weekly_cap
from upperback.model.adaptation import Action, Adaptation, Override
from upperback.model.intake import Intake
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program
from upperback.model.session import SessionLogIn


def reached_loads(
    program: Program,
    from_week: int,
    logs: Sequence[SessionLogIn] = (),
    library: ExerciseLibrary | None = None,
    rules: LoadingRules | None = None,
) -> dict[str, float]:
    """Load (kg) or level each exercise had reached before `from_week`: the heaviest load
    logged in a completed set, else a load the engine raised from the logs (kept sessions
    above the starting load). Exercises with neither keep the generator's planned steps."""
    lib = library if library is not None else exercise_library()
    rules = rules if rules is not None else loading_rules()
    out: dict[str, float] = {}
    for s in program.sessions:
        if s.week >= from_week:
            continue
        for p in s.prescriptions:
            value = p.load_kg if p.load_kg is not None else p.level
            ex = lib.by_id.get(p.exercise_id)
            if value is None or ex is None:
                continue
            kg, level = starting_load(ex, rules)
            default = kg if kg is not None else level
            if default is None or value > default:  # the engine raised it from the logs
                out[p.exercise_id] = float(value)
    logged: dict[str, float] = {}
    for log in logs:
        if log.week >= from_week:
            continue
        for st in log.sets:
            value = st.load_kg if st.load_kg is not None else st.level
            done = (st.reps or 0) > 0 or (st.hold_s or 0) > 0
            if value is not None and done:
                logged[st.exercise_id] = max(logged.get(st.exercise_id, 0.0), float(value))
    return {**out, **logged}


def replan(
    program: Program,
    profile: DeficitProfile,
    intake: Intake,
    *,
    from_week: int,
    seed: int,
    overrides: Sequence[Override] = (),
    library: ExerciseLibrary | None = None,
    rules: LoadingRules | None = None,
    logs: Sequence[SessionLogIn] = (),
) -> tuple[Program, list[Adaptation]]:
    """Next version with weeks >= from_week regenerated from the reassessed profile.

    Loads restart where the client got to (`reached_loads`: the logs, else the kept plan
    the logs shaped), not at the original start."""
    if program.stopped_reason:
        raise SafetyBlock(f"program stopped: {program.stopped_reason}")
    if not 1 <= from_week <= program.weeks:
        raise InvalidInput(f"from_week: {from_week} is outside weeks 1-{program.weeks}")
    lib = library if library is not None else exercise_library()
    rules = rules if rules is not None else loading_rules()
    fresh = apply_overrides(
        generate_program(
            profile,
            intake,
            start_date=program.start_date,
            seed=seed,
            library=lib,
            weeks=program.weeks,
            version=program.version + 1,
            rules=rules,
            reached_loads=reached_loads(program, from_week, logs, lib, rules),
            reached_by_week=from_week,
        ),
        overrides,
        library=lib,
    )
    kept = [s for s in program.sessions if s.week < from_week]
    sessions = kept + [s for s in fresh.sessions if s.week >= from_week]
    sessions, _ = enforce_weekly_cap(sessions, modes_of(lib), rules, first_mutable=len(kept))
    sessions = honest_minutes(sessions, lib.by_id, rules, first=len(kept))
    new = fresh.model_copy(update={"sessions": sessions, "version": program.version + 1})
    old_ids = {
        p.exercise_id for s in program.sessions if s.week >= from_week for p in s.prescriptions
    }
    new_ids = {p.exercise_id for s in sessions if s.week >= from_week for p in s.prescriptions}
    first = next((s for s in sessions if s.week >= from_week), None)
    added, dropped = sorted(new_ids - old_ids), sorted(old_ids - new_ids)
    answers = (
        f"priorities {', '.join(profile.priorities)}"
        if profile.priorities
        else "no deficit to prioritise (general resilience work)"
    )
    reason = (
        f"reassessment on {profile.assessment_date}: weeks {from_week}-{program.weeks} "
        f"re-planned to answer {answers}"
    )
    adaptation = Adaptation(
        rule_id="reassessment.replan",
        action=Action.replan,
        reason=reason,
        before="; ".join(dropped) or "nothing dropped",
        after="; ".join(added) or "same exercises",
        date=profile.assessment_date,
        from_week=first.week if first else from_week,
        from_index=first.index if first else 1,
        source="reassessment closes the loop (lighter weeks 4/8/12 with reassessment) [design]",
    )
    return new, [adaptation]
