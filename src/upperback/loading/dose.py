"""Dosage of one exercise in one session: sets, reps or hold, load, tempo, rest, effort, cues.

Doses start at the low end of the library's range for the phase goal (ACSM 2009 novice
start, endurance before bulk) and grow by the planned weekly step up to the range top;
undulation and deloads never take a dose below the range (in-range doses [design]);
deload weeks drop a set and raise RIR (Rogerson 2024 [V]). Protocol doses (Jull
craniocervical flexion 10 x 10 s) are never changed in volume. Loads start at, and step
through, sizes real equipment has (loading_rules.yaml `starting_load.kg_sizes`); a phase
starts an exercise where the previous phase planned to end (`phase_progression`), and
pressure-cuff stages are never moved here (they advance by logged criterion only).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from upperback.errors import InvalidInput
from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import DayPattern, LoadingRules, PhaseDef
from upperback.knowledge.schema import Exercise, LoadingType, LoadMode
from upperback.model.common import Equipment
from upperback.model.program import Prescription, SessionPlan


@dataclass(frozen=True)
class DoseContext:
    phase: PhaseDef
    pattern: DayPattern
    build_index: int  # 0 for the first build week of the phase
    deload: bool
    high_irritability: bool
    hypertension: bool
    graded_exposure: bool = False
    start: tuple[float | None, int | None] | None = None  # load carried from an earlier phase
    carried_rpe: float | None = None  # target effort of the same bodyweight drill last phase


def loaded_item(ex: Exercise, rules: LoadingRules) -> Equipment | None:
    """The piece of equipment that carries an exercise's kg load, if the rules know it."""
    return next((e for e in ex.equipment if e in rules.starting_load.kg_sizes), None)


def load_sizes(ex: Exercise, rules: LoadingRules) -> list[float]:
    """Loads the exercise's equipment comes in (empty when unknown)."""
    item = loaded_item(ex, rules)
    return list(rules.starting_load.kg_sizes[item]) if item is not None else []


def starting_load(ex: Exercise, rules: LoadingRules) -> tuple[float | None, int | None]:
    """(load_kg, level) at which an exercise starts, from the `starting_load` rule."""
    sl = rules.starting_load
    if ex.load_mode == LoadMode.kg:
        item = loaded_item(ex, rules)
        return (sl.kg_by_equipment.get(item, sl.kg) if item is not None else sl.kg), None
    if ex.load_mode == LoadMode.band:
        return None, sl.band_level
    if ex.load_mode == LoadMode.pressure:
        return None, sl.pressure_level
    return None, None


def step_start(
    ex: Exercise, start: tuple[float | None, int | None], steps: int, rules: LoadingRules
) -> tuple[float | None, int | None]:
    """`start` raised by `steps` real equipment steps: the next dumbbell (or kettlebell,
    plate) size, or the next band colour. Bodyweight work progresses by rung, and pressure
    levels by criterion (logged holds), so neither steps here."""
    kg, level = start
    if ex.load_mode == LoadMode.kg and kg is not None:
        sizes = load_sizes(ex, rules)
        for _ in range(steps):
            kg = next((s for s in sizes if s > kg + 1e-9), kg)
        return kg, level
    if ex.load_mode == LoadMode.band and level is not None:
        top = rules.starting_load.max_level.get(LoadMode.band, 6)
        return kg, min(top, level + steps)
    return start


def snap_start(ex: Exercise, value: float, rules: LoadingRules) -> tuple[float | None, int | None]:
    """A clinician- or assessment-entered start as a load the client can set up: the
    nearest equipment size at or below it (kg), or a whole level inside the mode's range."""
    if ex.load_mode == LoadMode.kg:
        sizes = load_sizes(ex, rules)
        if not sizes:
            return max(rules.starting_load.kg_rounding, value), None
        fits = [s for s in sizes if s <= value + 1e-9]
        return (fits[-1] if fits else sizes[0]), None
    if ex.load_mode in (LoadMode.band, LoadMode.pressure):
        top = rules.starting_load.max_level.get(ex.load_mode, 5)
        return None, max(1, min(top, int(value)))
    return starting_load(ex, rules)


def load_text(p: Prescription, ex: Exercise | None, rules: LoadingRules) -> str:
    """What the load of a dose is, for clinicians, in the unit its equipment uses:
    ' @ 2 kg', ' @ band level 2 (1 = lightest)', ', each hold at the 24 mmHg mark',
    ' @ lever level 2'; empty when unloaded."""
    mode = ex.load_mode if ex is not None else None
    if p.load_kg is not None:
        return f" @ {p.load_kg:g} kg"
    if p.level is None:
        return ""
    if mode == LoadMode.pressure:
        return f", each hold at the {rules.phase_progression.mmhg(p.level)} mmHg mark"
    if mode == LoadMode.band:
        return f" @ band level {p.level} (1 = lightest)"
    return f" @ lever level {p.level}"


MAX_ENTERED_STARTS = 40


def entered_starts(
    raw: Mapping[str, float], library: ExerciseLibrary, rules: LoadingRules
) -> dict[str, float]:
    """A clinician's starting loads checked against the library: a known exercise with an
    external load (dumbbell-type kg, band or pressure-cuff level) and a value its equipment
    has; the first problem raises one line naming the entry."""
    if len(raw) > MAX_ENTERED_STARTS:
        raise InvalidInput(f"start_loads: at most {MAX_ENTERED_STARTS} entries ({len(raw)} given)")
    out: dict[str, float] = {}
    for ex_id, value in raw.items():
        where = f"start_loads.{ex_id}"
        ex = library.by_id.get(ex_id)
        if ex is None:
            raise InvalidInput(f"{where}: no exercise with this id in the library")
        if ex.load_mode not in (LoadMode.kg, LoadMode.band, LoadMode.pressure):
            raise InvalidInput(f"{where}: {ex.name} has no external load to start at")
        if not math.isfinite(value) or value <= 0:
            raise InvalidInput(f"{where}: {value:g} must be a positive number")
        if ex.load_mode == LoadMode.kg:
            sizes = load_sizes(ex, rules)
            if sizes and not any(abs(value - size) < 1e-9 for size in sizes):
                listed = ", ".join(f"{size:g}" for size in sizes)
                raise InvalidInput(f"{where}: {value:g} kg is not a size it comes in ({listed} kg)")
        else:
            top = rules.starting_load.max_level.get(ex.load_mode, 5)
            if value != int(value) or not 1 <= value <= top:
                raise InvalidInput(f"{where}: {value:g} is not a level from 1 to {top}")
        out[ex_id] = float(value)
    return out


GAUGE_CUE = "Nod gently until the gauge shows {mmhg}, then keep it there for each hold"


def gauge_cue(level: int, rules: LoadingRules) -> str:
    """The pressure-cuff target in plain words (the number the client reads on the gauge)."""
    return GAUGE_CUE.format(mmhg=rules.phase_progression.mmhg(level))


def first_sets(ex: Exercise, phase: PhaseDef, rules: LoadingRules) -> int:
    """Sets in a build week: the range low, at least the goal's floor (endurance >= 2)."""
    d = ex.dosage[phase.goal]
    if d.protocol:
        return d.sets[0]
    floor = rules.phase_progression.min_sets.get(phase.goal, 1)
    return max(d.sets[0], min(floor, d.sets[1]))


def series_sets(
    ex: Exercise, phase: PhaseDef, rules: LoadingRules, build_index: int, graded: bool = False
) -> int:
    """Sets in a build week: a hold series of fixed-length holds (e.g. 5-10 x 10 s, each hold
    a set) rises by one hold a week inside its range [design]; other work keeps its sets."""
    d = ex.dosage[phase.goal]
    sets = first_sets(ex, phase, rules)
    if d.hold_s is not None and d.hold_s[0] == d.hold_s[1] and not d.protocol:
        step = rules.graded_exposure.min_weekly_step if graded else rules.session.min_weekly_step
        sets = min(d.sets[1], sets + step * build_index)
    return sets


def phase_tempo(ex: Exercise, phase: PhaseDef) -> str:
    """The library tempo with the phase's eccentric seconds for dynamic work."""
    parts = ex.tempo.split("-")
    dynamic = (
        LoadingType.concentric_eccentric in ex.loading_types
        or LoadingType.eccentric_emphasis in ex.loading_types
    )
    fast = ex.loading_types[0] == LoadingType.plyometric  # speed work stays fast
    if phase.eccentric_s is None or not dynamic or fast or parts[0] in ("0", "X"):
        return ex.tempo
    parts[0] = str(max(int(parts[0]), phase.eccentric_s))
    return "-".join(parts)


def _weekly_min_step(ctx: DoseContext, rules: LoadingRules) -> int:
    if ctx.graded_exposure:
        return rules.graded_exposure.min_weekly_step
    return rules.session.min_weekly_step


def planned_units(low: int, ctx: DoseContext, rules: LoadingRules) -> int:
    """Repetitions per set (or seconds per hold) planned for this build week of the phase
    on the volume day, before the range top is applied: the percentage step, but never less
    than `min_weekly_step` units per build week (so rounding and graded exposure's halving
    never flatten a phase; a fixed, time-contingent schedule, Lindstrom 1992 [K])."""
    step = rules.session.planned_weekly_step
    if ctx.graded_exposure:
        step *= rules.graded_exposure.step_factor
    min_step = _weekly_min_step(ctx, rules)
    grown = low * (1.0 + step) ** ctx.build_index
    return max(low, math.floor(grown + 1e-9), low + min_step * ctx.build_index)


def _shape(units: int, low: int, high: int, ctx: DoseContext, rules: LoadingRules) -> int:
    """The planned units shaped by the day's pattern and a lighter week, kept in range."""
    value = math.floor(units * ctx.pattern.reps_factor + 1e-9)
    if ctx.deload:
        value = math.floor(value * rules.deload.reps_factor + 1e-9)
    else:  # a lighter day still carries the week's planned rise over the range low
        value = max(value, min(units, low + _weekly_min_step(ctx, rules) * ctx.build_index))
    return max(low, min(high, value))


def _grow(low: int, high: int, ctx: DoseContext, rules: LoadingRules) -> int:
    return _shape(planned_units(low, ctx, rules), low, high, ctx, rules)


def _double_progression(
    ex: Exercise,
    low: int,
    high: int,
    start: tuple[float | None, int | None],
    ctx: DoseContext,
    rules: LoadingRules,
) -> tuple[int, tuple[float | None, int | None]]:
    """Units and load for this week: units climb the range by the planned step; past the
    range top the load takes the next real equipment step (next dumbbell, next band colour)
    and units restart at the range low (double progression, ACSM 2009 [K]). Exercises with
    no equipment step stay at the range top. Speed work with a band keeps its repetitions
    and rises a band level per build week (speed quality before volume [design])."""
    if ex.loading_types[0] == LoadingType.plyometric and ex.load_mode == LoadMode.band:
        steps = rules.session.speed_level_step * ctx.build_index
        same_reps = replace(ctx, build_index=0)
        return _shape(low, low, high, same_reps, rules), step_start(ex, start, steps, rules)
    units = planned_units(low, ctx, rules)
    if units > high and ex.load_mode in (LoadMode.kg, LoadMode.band):
        span = high - low + 1
        steps = (units - low) // span
        stepped = step_start(ex, start, steps, rules)
        if stepped != start:
            units = low + (units - low) % span
            start = stepped
    return _shape(units, low, high, ctx, rules), start


def prescribe(ex: Exercise, ctx: DoseContext, rules: LoadingRules, rationale: str) -> Prescription:
    """One dosed prescription."""
    d = ex.dosage[ctx.phase.goal]
    sets = first_sets(ex, ctx.phase, rules)
    if d.protocol:
        hold = d.hold_s[0] if d.hold_s is not None else None
        reps = d.reps[0] if d.reps is not None else None
    sets = series_sets(ex, ctx.phase, rules, ctx.build_index, ctx.graded_exposure)
    if ctx.deload and not d.protocol:
        sets = max(1, sets + rules.deload.sets_delta)
    load_kg, level = ctx.start if ctx.start is not None else starting_load(ex, rules)
    if not d.protocol:
        reps = hold = None
        if d.reps is not None:
            reps, (load_kg, level) = _double_progression(
                ex, d.reps[0], d.reps[1], (load_kg, level), ctx, rules
            )
        if d.hold_s is not None:
            hold = _grow(d.hold_s[0], d.hold_s[1], ctx, rules)
    base_rpe = d.rpe
    if ctx.carried_rpe is not None and ex.load_mode == LoadMode.bodyweight:
        # a bodyweight drill carried into a phase with fewer repetitions and a shorter
        # eccentric is not harder: its effort target does not rise [design]
        base_rpe = min(base_rpe, ctx.carried_rpe)
    rpe = base_rpe + ctx.pattern.rpe_offset
    if ctx.deload:
        rpe += rules.deload.rpe_delta
    if ctx.high_irritability:
        rpe += rules.high_irritability_rpe_delta
    if ctx.graded_exposure:
        rpe += rules.graded_exposure.rpe_delta
    cues = list(ex.coaching_cues)
    if ctx.graded_exposure and rules.graded_exposure.pacing_cue and not d.protocol:
        cues = [rules.graded_exposure.pacing_cue, *cues]
    if ex.load_mode == LoadMode.pressure and level is not None:
        cues = [gauge_cue(level, rules), *cues]
    breathing = ex.breathing_cue
    if ctx.hypertension:
        breathing = f"{breathing}. {rules.hypertension_cue}"
    # Every value is bounded by the library schema and the rules, so validation is skipped
    # for speed (10,000 programs in the benchmark); tests validate generated programs.
    return Prescription.model_construct(
        exercise_id=ex.id,
        name=ex.name,
        sets=sets,
        reps=reps,
        hold_s=hold,
        load_kg=load_kg,
        level=level,
        tempo=phase_tempo(ex, ctx.phase),
        rest_s=d.rest_s,
        rpe_target=min(10.0, max(1.0, rpe)),
        breathing_cue=breathing,
        coaching_cues=cues,
        rationale=rationale,
        per_side=ex.per_side,
    )


def seconds_needed(ex: Exercise, sets: int, rest_s: int, rules: LoadingRules) -> float:
    """Estimated session time of one exercise: work, rest between sets and set-up.

    `minutes_per_set` already covers both sides of a per-side exercise, so it counts once.
    """
    work = ex.minutes_per_set * 60.0
    return sets * work + max(sets - 1, 0) * rest_s + rules.session.transition_s


def honest_minutes(
    sessions: list[SessionPlan],
    by_id: dict[str, Exercise],
    rules: LoadingRules,
    first: int = 0,
) -> list[SessionPlan]:
    """Sessions from position `first` on with minutes recomputed from what they hold.

    Never capped at the client's budget: an overrun shows.
    """
    out = list(sessions)
    for pos in range(first, len(out)):
        s = out[pos]
        seconds = sum(
            seconds_needed(by_id[p.exercise_id], p.sets, p.rest_s, rules)
            for p in s.prescriptions
            if p.exercise_id in by_id
        )
        minutes = max(1, math.ceil(seconds / 60.0))
        if minutes != s.minutes:
            out[pos] = s.model_copy(update={"minutes": minutes})
    return out
