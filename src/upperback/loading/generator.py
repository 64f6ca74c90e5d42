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
from upperback.loading.dose import DoseContext, honest_minutes, prescribe, seconds_needed
from upperback.loading.eligibility import conditions, split_library
from upperback.loading.load import enforce_weekly_cap
from upperback.loading.phases import deload_weeks, model_phases, phase_weeks
from upperback.loading.select import Pick, build_slots, ordered_findings, pick_for_phase
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.model.profile import DeficitProfile, Irritability
from upperback.model.program import Program, Reassessment, SessionPlan, WeekKind


def modes_of(library: ExerciseLibrary) -> Callable[[str], LoadMode]:
    """Exercise id -> load mode lookup (the library keeps its own id index)."""
    by_id = library.by_id
    return lambda exercise_id: by_id[exercise_id].load_mode


def mode_lookup(library: ExerciseLibrary, exercise_id: str) -> LoadMode:
    return library.by_id[exercise_id].load_mode


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

    The top-priority slot goes first into every session (an invariant: the most important
    deficit is answered in every session of every phase), then the warm-up and the other
    core slots; the rest rotate so that each appears across the week.
    """
    budget = intake.minutes_per_session * 60.0
    order = {id(p): n for n, p in enumerate(picks)}
    top = next((p for p in picks if p.slot.finding is not None), None)
    core = list(picks[: 1 + rules.session.core_slots])
    if top is not None:
        core = [top] + [p for p in core if p is not top]
    rest = [p for p in picks if p not in core]
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
            chosen.append(top if top is not None else picks[0])
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
    scheduled_by_phase: list[list[str]],
    graded: bool,
) -> list[str]:
    lines: list[str] = []
    findings = ordered_findings(profile)
    if findings:
        ranked = list(dict.fromkeys(f.statement for f in findings))
        lines.append("Priorities, most important first: " + "; ".join(ranked))
    else:
        lines.append("No specific deficit found: general upper-back resilience slots used.")
    for (ph, ws), scheduled in zip(phase_weeks(rules, weeks), scheduled_by_phase, strict=True):
        chosen = ", ".join(scheduled)
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
    if graded:
        ge = rules.graded_exposure
        lines.append(
            f"Graded exposure (fear of movement or catastrophizing): RPE {ge.rpe_delta:+g}, "
            f"planned growth x{ge.step_factor:g}, pacing and education first "
            f"({ge.source} [{ge.evidence.value}])"
        )
    return lines


def needs_graded_exposure(intake: Intake, rules: LoadingRules) -> bool:
    """Yellow flags or an elevated fear-avoidance score call for graded exposure."""
    ge = rules.graded_exposure
    if any(intake.yellow_flags.get(f) for f in ge.yellow_flags):
        return True
    if intake.tsk11 is not None and intake.tsk11 >= ge.tsk11_at_least:
        return True
    return intake.fabq_pa is not None and intake.fabq_pa >= ge.fabq_pa_at_least


def reassessments(
    start_date: dt.date, weeks: int, sessions_per_week: int, deloads: set[int], rules: LoadingRules
) -> list[Reassessment]:
    """Dated reassessments: the first session of each lighter week, with the battery."""
    spacing = 7 / sessions_per_week
    out = []
    for week in sorted(deloads):
        day = start_date + dt.timedelta(days=(week - 1) * 7 + int((1 - 1) * spacing))
        out.append(Reassessment(week=week, date=day, battery=list(rules.reassessment.battery)))
    return out


def generate_program(
    profile: DeficitProfile,
    intake: Intake,
    *,
    start_date: dt.date,
    seed: int,
    library: ExerciseLibrary | None = None,
    weeks: int = 12,
    version: int = 1,
    screening: ScreeningResult | None = None,
    clearance: Clearance | None = None,
    rules: LoadingRules | None = None,
) -> Program:
    """A `weeks`-long program answering the profile within the intake's constraints.

    Clinician overrides are not applied here: callers compose
    `apply_overrides(generate_program(...), overrides)` (loading never imports feedback).
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
    graded = needs_graded_exposure(intake, rules)
    sessions: list[SessionPlan] = []
    scheduled_by_phase: list[list[str]] = []
    reached: dict[str, int] = {}
    for phase, ws in phase_weeks(rules, weeks):
        picks = pick_for_phase(slots, phase, eligible, tiebreak, reached)
        layout = layout_sessions(picks, phase, intake, rules)
        scheduled: dict[str, None] = {}
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
                    graded_exposure=graded,
                )
                prescriptions = []
                seconds = 0.0
                for pick in chosen:
                    ex = pick.exercise_for(week, rules.session.variant_alternation)
                    p = prescribe(ex, ctx, rules, _rationale(pick, ex, phase))
                    prescriptions.append(p)
                    scheduled[ex.id] = None
                    seconds += seconds_needed(ex, p.sets, p.rest_s, rules)
                sessions.append(
                    SessionPlan(
                        week=week,
                        index=i,
                        kind=WeekKind.deload if deload else WeekKind.build,
                        focus=f"{phase.name} ({pattern.label})"
                        + (" - lighter week, reassess" if deload else ""),
                        minutes=max(1, math.ceil(seconds / 60.0)),
                        prescriptions=prescriptions,
                    )
                )
        scheduled_by_phase.append(list(scheduled))
    sessions, _ = enforce_weekly_cap(sessions, modes_of(lib), rules)
    sessions = honest_minutes(sessions, lib.by_id, rules)
    return Program(
        version=version,
        start_date=start_date,
        seed=seed,
        weeks=weeks,
        sessions_per_week=intake.sessions_per_week,
        phases=model_phases(rules, weeks),
        sessions=sessions,
        rationale=_program_rationale(profile, rules, weeks, deloads, scheduled_by_phase, graded),
        excluded=excluded,
        reassessments=reassessments(start_date, weeks, intake.sessions_per_week, deloads, rules),
    )
