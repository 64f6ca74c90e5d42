"""Program generator: deficit profile + intake constraints -> phased, dosed, explained program.

Pure and deterministic: the same profile, intake, seed, library and rules give the same
program; the seed only breaks ties between equally good exercises.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from upperback.errors import SafetyBlock
from upperback.knowledge.loader import ExerciseLibrary, exercise_library
from upperback.knowledge.loading_rules import LoadingRules, PhaseDef, loading_rules
from upperback.knowledge.schema import Exercise, LoadMode
from upperback.loading.dose import (
    DoseContext,
    first_sets,
    honest_minutes,
    prescribe,
    seconds_needed,
    snap_start,
    starting_load,
    step_start,
)
from upperback.loading.eligibility import conditions, split_library
from upperback.loading.load import enforce_weekly_cap
from upperback.loading.phases import deload_weeks, model_phases, phase_weeks
from upperback.loading.select import Pick, build_slots, ordered_findings, pick_for_phase
from upperback.model.intake import Clearance, Intake, ScreeningResult
from upperback.model.profile import DeficitProfile, FindingCode, Irritability
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
        seconds_needed(ex, first_sets(ex, phase, rules), ex.dosage[phase.goal].rest_s, rules)
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
    # Core: the top priority, the first pick of every other deficit, the late speed rung,
    # the warm-up, then the first pick of each other slot (a second exercise for the same
    # deficit waits until every deficit has its first).
    firsts: list[Pick] = []
    seen: set[str] = set()
    for p in picks:
        if p.slot.key not in seen:
            seen.add(p.slot.key)
            firsts.append(p)
    every = [p for p in picks if p.slot.every_session]
    deficits = [p for p in firsts if p.slot.finding is not None]
    ordered = [top] if top is not None else []
    for p in deficits + every + firsts:
        if p not in ordered:
            ordered.append(p)
    core = ordered[: 1 + rules.session.core_slots + len(every)]
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
    graded: list[str],
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
        taught = ", ".join(f"week {e.week} {e.id}" for e in ge.education if e.week <= weeks)
        lines.append(
            f"Graded exposure ({'; '.join(graded)}): RPE {ge.rpe_delta:+g}, planned growth "
            f"x{ge.step_factor:g} on a fixed schedule, progression only after "
            f"{ge.good_sessions_to_progress} good sessions in a row, paced quotas (time-, not "
            f"pain-contingent), education {taught} ({ge.source} [{ge.evidence.value}])"
        )
    return lines


def graded_exposure_reasons(intake: Intake, rules: LoadingRules) -> list[str]:
    """Why graded exposure applies: the yellow flags and fear-avoidance scores that call for it."""
    ge = rules.graded_exposure
    why = [f.replace("_", " ") for f in ge.yellow_flags if intake.yellow_flags.get(f)]
    if intake.tsk11 is not None and intake.tsk11 >= ge.tsk11_at_least:
        why.append(f"TSK-11 {intake.tsk11} (>= {ge.tsk11_at_least})")
    if intake.fabq_pa is not None and intake.fabq_pa >= ge.fabq_pa_at_least:
        why.append(f"FABQ-PA {intake.fabq_pa} (>= {ge.fabq_pa_at_least})")
    return why


def needs_graded_exposure(intake: Intake, rules: LoadingRules) -> bool:
    """Yellow flags or an elevated fear-avoidance score call for graded exposure."""
    return bool(graded_exposure_reasons(intake, rules))


Start = tuple[float | None, int | None]


def ladder_above(ex_id: str, library: ExerciseLibrary) -> set[str]:
    """Every rung reachable from `ex_id` by its progressions (the ladder above it)."""
    seen: set[str] = set()
    todo = [ex_id]
    while todo:
        for nxt in library.by_id[todo.pop()].progressions:
            if nxt not in seen and nxt in library.by_id:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def assessed_starts(
    profile: DeficitProfile, library: ExerciseLibrary, rules: LoadingRules
) -> dict[str, float]:
    """Starting levels the assessment measured: the craniocervical flexion test's stage
    (e.g. 'CCF 24 mmHg') starts every pressure-cuff drill at that stage (Jull 2008 [K])."""
    out: dict[str, float] = {}
    for f in profile.findings:
        if f.code != FindingCode.dnf_control_low:
            continue
        m = re.search(r"(\d+(?:\.\d+)?)\s*mmHg", f.evidence)  # the score comes first
        if m is None:
            continue
        pp = rules.phase_progression
        reached = int(float(m.group(1)))
        level = 1 + (reached - pp.pressure_first_mmhg) // pp.pressure_step_mmhg
        for ex in library:
            if ex.load_mode == LoadMode.pressure:
                out[ex.id] = float(max(1, level))
    return out


def criterion_gated(
    pool: Sequence[Exercise], entered: Mapping[str, float], rules: LoadingRules
) -> list[Exercise]:
    """The pool without pressure-cuff stages the client has not reached: a later stage
    (26-30 mmHg) comes only from the logs (all 10 x 10-s holds done at the level before it),
    never from the calendar; or from the assessment when the test reached it (Jull 2008 [K])."""
    pp = rules.phase_progression
    out = []
    for ex in pool:
        stages = ex.pressure_stages
        level = entered.get(ex.id)
        if stages is None:
            out.append(ex)
            continue
        mmhg = pp.mmhg(int(level)) if level is not None else pp.pressure_first_mmhg
        if mmhg < stages[0] or mmhg > stages[1]:
            continue  # a stage not reached yet, or one the client is already past
        out.append(ex)
    return out


class LoadPlan:
    """The load each exercise starts a phase at, carried across phases.

    Order of precedence: what an earlier phase planned to reach for this exercise or a
    lower rung of its ladder in the same load mode; a clinician's or the assessment's
    entry; the rules' starting load. Each phase plans to end `load_steps_per_phase`
    equipment steps above its start (double progression [design]).
    """

    def __init__(
        self, library: ExerciseLibrary, rules: LoadingRules, entered: Mapping[str, float]
    ) -> None:
        self.library = library
        self.rules = rules
        self.entered = dict(entered)
        self.reached: dict[str, Start] = {}
        self.band_by_slot: dict[str, int] = {}

    def start(self, ex: Exercise, slot: str) -> Start:
        if ex.id in self.reached:
            return self.reached[ex.id]
        if ex.load_mode == LoadMode.band and slot in self.band_by_slot:
            # another band drill for the same deficit: the colour the client has reached
            return None, self.band_by_slot[slot]
        for prev_id, load in self.reached.items():
            prev = self.library.by_id[prev_id]
            same_kit = ex.load_mode != LoadMode.kg or bool(set(prev.equipment) & set(ex.equipment))
            if (
                prev.load_mode == ex.load_mode
                and same_kit
                and ex.id in ladder_above(prev_id, self.library)
            ):
                return load
        if ex.id in self.entered:
            return snap_start(ex, self.entered[ex.id], self.rules)
        return starting_load(ex, self.rules)

    def plan_phase(self, starts: Mapping[str, Start], slots: Mapping[str, str]) -> None:
        """Record what each exercise of the phase plans to reach by the phase's end."""
        steps = self.rules.phase_progression.load_steps_per_phase
        for ex_id, start in starts.items():
            ex = self.library.by_id[ex_id]
            reach = step_start(ex, start, steps, self.rules)
            self.reached[ex_id] = reach
            if ex.load_mode == LoadMode.band and reach[1] is not None:
                key = slots[ex_id]
                self.band_by_slot[key] = max(self.band_by_slot.get(key, 1), reach[1])


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
    start_loads: Mapping[str, float] | None = None,
    reached_loads: Mapping[str, float] | None = None,
    reached_by_week: int = 1,
) -> Program:
    """A `weeks`-long program answering the profile within the intake's constraints.

    `start_loads` maps exercise ids to a clinician-entered (or, on a re-plan, logged) load
    in kg or a band / pressure level; it wins over the assessment and the rules' default.
    `reached_loads` are loads the client actually reached (logs) by `reached_by_week`: the
    phase holding that week starts each of those exercises there, not at the original plan.
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
    entered = {**assessed_starts(profile, lib, rules), **(start_loads or {})}
    eligible = criterion_gated(eligible, entered, rules)
    rng = random.Random(seed)
    tiebreak = {ex.id: rng.random() for ex in eligible}
    slots = build_slots(profile, intake, rules)
    deloads = deload_weeks(rules, weeks)
    active = conditions(profile, intake)
    graded_why = graded_exposure_reasons(intake, rules)
    graded = bool(graded_why)
    sessions: list[SessionPlan] = []
    scheduled_by_phase: list[list[str]] = []
    reached: dict[str, int] = {}
    held: dict[str, Exercise] = {}
    loads = LoadPlan(lib, rules, entered)
    education = {e.week: e.id for e in rules.graded_exposure.education} if graded else {}
    for phase, ws in phase_weeks(rules, weeks):
        if reached_loads and ws[-1] >= reached_by_week:
            loads.reached.update(
                {
                    k: snap_start(lib.by_id[k], v, rules)
                    for k, v in reached_loads.items()
                    if k in lib.by_id
                }
            )
            reached_loads = None
        picks = pick_for_phase(slots, phase, eligible, tiebreak, reached, held)
        layout = layout_sessions(picks, phase, intake, rules)
        starts: dict[str, Start] = {}
        slot_of: dict[str, str] = {}
        for pick in picks:
            for ex in (pick.primary, pick.alternate):
                if ex is not None:
                    starts[ex.id] = loads.start(ex, pick.slot.key)
                    slot_of[ex.id] = pick.slot.key
        loads.plan_phase(starts, slot_of)
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
                    dose = ctx if ex.id not in starts else replace(ctx, start=starts[ex.id])
                    p = prescribe(ex, dose, rules, _rationale(pick, ex, phase))
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
                        education=[education[week]] if i == 1 and week in education else [],
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
        rationale=_program_rationale(
            profile, rules, weeks, deloads, scheduled_by_phase, graded_why
        ),
        excluded=excluded,
        reassessments=reassessments(start_date, weeks, intake.sessions_per_week, deloads, rules),
        graded_exposure=graded,
    )
