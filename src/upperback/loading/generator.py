"""Program generator: deficit profile + intake constraints -> phased, dosed, explained program.

Pure and deterministic: the same profile, intake, seed, library and rules give the same
program; the seed only breaks ties between equally good exercises.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence

from upperback.errors import SafetyBlock
from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.loading_rules import LoadingRules, PhaseDef, loading_rules
from upperback.knowledge.schema import Exercise, LoadMode
from upperback.loading.dose import DoseContext, prescribe, seconds_needed
from upperback.loading.eligibility import conditions, split_library
from upperback.loading.load import enforce_weekly_cap
from upperback.loading.phases import deload_weeks, model_phases, phase_weeks
from upperback.loading.select import Pick, build_slots, ordered_findings, pick_for_phase
from upperback.model.adaptation import Override
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.model.profile import DeficitProfile, Irritability
from upperback.model.program import Program, SessionPlan, WeekKind

_MODES: dict[int, tuple[ExerciseLibrary, dict[str, LoadMode]]] = {}


def modes_of(library: ExerciseLibrary) -> Callable[[str], LoadMode]:
    """Fast exercise id -> load mode lookup, built once per library object."""
    hit = _MODES.get(id(library))
    if hit is None or hit[0] is not library:
        hit = (library, {ex.id: ex.load_mode for ex in library})
        _MODES[id(library)] = hit
    return hit[1].__getitem__


def mode_lookup(library: ExerciseLibrary, exercise_id: str) -> LoadMode:
    return modes_of(library)(exercise_id)


def _pick_seconds(pick: Pick, phase: PhaseDef, rules: LoadingRules) -> float:
    options = [pick.primary] + ([pick.alternate] if pick.alternate is not None else [])
    return max(
        seconds_needed(ex, ex.dosage[phase.goal].sets[0], ex.dosage[phase.goal].rest_s, rules)
        for ex in options
    )


def layout_sessions(
    picks: Sequence[Pick], phase: PhaseDef, intake: Intake, rules: LoadingRules
) -> list[list[Pick]]:
    """Which picks go into each session of the week, within the minutes allowed.

    The warm-up and the highest-priority slots go into every session; the rest rotate so
    that each appears across the week.
    """
    budget = intake.minutes_per_session * 60.0
    core = list(picks[: 1 + rules.session.core_slots])
    rest = list(picks[1 + rules.session.core_slots :])
    layout: list[list[Pick]] = []
    for i in range(intake.sessions_per_week):
        chosen: list[Pick] = []
        used = 0.0
        rotated = rest[i % len(rest) :] + rest[: i % len(rest)] if rest else []
        for pick in core + rotated:
            need = _pick_seconds(pick, phase, rules)
            if len(chosen) < rules.session.max_exercises and used + need <= budget:
                chosen.append(pick)
                used += need
        if not chosen and picks:
            chosen.append(picks[0])
        order = {id(p): n for n, p in enumerate(picks)}
        layout.append(sorted(chosen, key=lambda p: order[id(p)]))
    return layout


def _rationale(pick: Pick, ex: Exercise, phase: PhaseDef) -> str:
    cls = f", ratio class {ex.ratio_class.value}" if ex.ratio_class is not None else ""
    variant = " (alternating variant for variability)" if ex is pick.alternate else ""
    return (
        f"{pick.slot.reason()}: {ex.name}{cls}, {ex.source} [{ex.evidence.value}]{variant}; "
        f"{phase.name.lower()} (selection: {pick.slot.source} [{pick.slot.evidence}])"
    )


def _program_rationale(
    profile: DeficitProfile,
    rules: LoadingRules,
    weeks: int,
    deloads: set[int],
    picks_by_phase: list[list[Pick]],
) -> list[str]:
    lines: list[str] = []
    findings = ordered_findings(profile)
    if findings:
        ranked = list(dict.fromkeys(f.statement for f in findings))
        lines.append("Priorities, most important first: " + "; ".join(ranked))
    else:
        lines.append("No specific deficit found: general upper-back resilience slots used.")
    for (ph, ws), picks in zip(phase_weeks(rules, weeks), picks_by_phase, strict=True):
        chosen = ", ".join(dict.fromkeys(p.primary.id for p in picks))
        lines.append(
            f"Weeks {ws[0]}-{ws[-1]}: {ph.name} ({ph.goal.value}): {ph.emphasis}. "
            f"Exercises: {chosen}. Source: {ph.source} [{ph.evidence.value}]"
        )
    if deloads:
        lines.append(
            f"Lighter weeks {', '.join(str(w) for w in sorted(deloads))} with reassessment: "
            f"{rules.deload.sets_delta} set, RPE {rules.deload.rpe_delta:+}, same exercises "
            f"({rules.deload.source} [{rules.deload.evidence.value}])"
        )
    lines.append(
        f"Sessions undulate ({', '.join(p.label for p in rules.session.day_patterns)}); weekly growth per "
        f"exercise capped at {rules.weekly_cap.max_increase:.0%} ({rules.weekly_cap.source} "
        f"[{rules.weekly_cap.evidence.value}])"
    )
    if profile.irritability == Irritability.high:
        lines.append(
            f"High irritability: RPE targets {rules.high_irritability_rpe_delta:+} throughout."
        )
    return lines


def generate_program(
    profile: DeficitProfile,
    intake: Intake,
    *,
    start_date: dt.date,
    seed: int,
    library: ExerciseLibrary | None = None,
    overrides: Sequence[Override] = (),
    weeks: int = 12,
    version: int = 1,
    screening: ScreeningResult | None = None,
    clearance: Clearance | None = None,
    rules: LoadingRules | None = None,
) -> Program:
    """A `weeks`-long program answering the profile within the intake's constraints.

    Raises SafetyBlock when `screening` refers the client and no `clearance` is given.
    """
    if screening is not None and screening.blocks_program and clearance is None:
        flags = ", ".join(h.flag_id for h in screening.hits) or "red flag"
        raise SafetyBlock(
            f"screening: referral open ({flags}); record a clearance before planning a program"
        )
    lib = library if library is not None else exercise_library()
    rules = rules if rules is not None else loading_rules()
    eligible, excluded = split_library(lib, profile, intake, rules)
    rng = random.Random(seed)
    tiebreak = {ex.id: rng.random() for ex in eligible}
    slots = build_slots(profile, intake, rules)
    deloads = deload_weeks(rules, weeks)
    active = conditions(profile, intake)
    sessions: list[SessionPlan] = []
    picks_by_phase: list[list[Pick]] = []
    for phase, ws in phase_weeks(rules, weeks):
        picks = pick_for_phase(slots, phase, eligible, tiebreak)
        picks_by_phase.append(picks)
        layout = layout_sessions(picks, phase, intake, rules)
        build_index = -1
        for week in ws:
            deload = week in deloads
            if not deload:
                build_index += 1
            for i, chosen in enumerate(layout, start=1):
                pattern = rules.session.day_patterns[(i - 1) % len(rules.session.day_patterns)]
                ctx = DoseContext(
                    phase=phase,
                    pattern=pattern,
                    build_index=max(build_index, 0),
                    deload=deload,
                    high_irritability="high_irritability" in active,
                    hypertension="hypertension" in active,
                )
                prescriptions = []
                seconds = 0.0
                for pick in chosen:
                    ex = pick.exercise_for(week, rules.session.variant_alternation)
                    p = prescribe(ex, ctx, rules, _rationale(pick, ex, phase))
                    prescriptions.append(p)
                    seconds += seconds_needed(ex, p.sets, p.rest_s, rules)
                sessions.append(
                    SessionPlan(
                        week=week,
                        index=i,
                        kind=WeekKind.deload if deload else WeekKind.build,
                        focus=f"{phase.name} ({pattern.label})"
                        + (" - lighter week, reassess" if deload else ""),
                        minutes=max(1, min(intake.minutes_per_session, math.ceil(seconds / 60.0))),
                        prescriptions=prescriptions,
                    )
                )
    sessions, _ = enforce_weekly_cap(sessions, modes_of(lib), rules)
    program = Program(
        version=version,
        start_date=start_date,
        seed=seed,
        weeks=weeks,
        sessions_per_week=intake.sessions_per_week,
        phases=model_phases(rules, weeks),
        sessions=sessions,
        rationale=_program_rationale(profile, rules, weeks, deloads, picks_by_phase),
        excluded=excluded,
    )
    if overrides:
        from upperback.feedback.overrides import apply_overrides

        program = apply_overrides(program, overrides, library=lib)
    return program
