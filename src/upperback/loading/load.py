"""Volume-load index of a prescription and the weekly-increase cap.

The index makes doses of one exercise comparable from week to week: sets x time under
tension (reps x tempo seconds, or hold seconds) x intensity (kg relative to the starting
load, or 1 + factor x (level - 1) for bands, pressure stages and bodyweight levels).

The cap (loading_rules.yaml `weekly_cap`, 10 % [design, U]) bounds week-over-week growth of
each exercise's session dose: no exposure in a week may exceed the heaviest exposure of the
same exercise in the most recent earlier build week by more than 10 %, or by one unit of work
(one repetition, or one second of each hold) where 10 % is less than that, so that tiny doses
can still grow. Comparing session doses (not weekly sums) keeps a one-session reduction or an
exercise swapped into more sessions from cascading into later weeks.

The cap bounds growth inside a phase. The first week of a phase starts a new block after a
lighter week, at the low end of the new goal's range and one equipment step up (block
periodisation with a deload before each block [design]); the reference resets there, so the
planned phase change in sets, tempo and load is not cut back to last week's dose.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from upperback.knowledge.loading_rules import LoadingRules
from upperback.knowledge.schema import LoadMode
from upperback.model.program import Prescription, SessionPlan, WeekKind

_EPS = 1e-9
_KEEP_SETS_FRACTION = 0.8  # trim reps/hold by up to 20 % before dropping a set [design]


@lru_cache(maxsize=256)
def tempo_seconds(tempo: str, explosive_s: float) -> float:
    """Seconds per repetition from a 4-part tempo ('3-1-1-0'; X = explosive)."""
    total = 0.0
    for part in tempo.split("-"):
        total += explosive_s if part.upper() == "X" else float(part)
    return max(total, explosive_s)


def intensity(p: Prescription, mode: LoadMode, rules: LoadingRules) -> float:
    """Intensity factor: 1.0 at the starting load of the exercise's load mode."""
    if mode == LoadMode.kg:
        start = rules.starting_load.kg
        return (
            (p.load_kg / start) if (p.load_kg is not None and start > 0 and p.load_kg > 0) else 1.0
        )
    factor = rules.weekly_cap.level_factor.get(mode, 0.0)
    return 1.0 + factor * max((p.level or 1) - 1, 0)


def units_per_set(p: Prescription, rules: LoadingRules) -> float:
    """Time under tension of one set in seconds."""
    if p.hold_s is not None:
        return float(p.hold_s) * (p.reps or 1)
    return (p.reps or 1) * tempo_seconds(p.tempo, rules.weekly_cap.explosive_s)


def load_index(p: Prescription, mode: LoadMode, rules: LoadingRules) -> float:
    """Volume-load index of one prescription in one session (sets x units x intensity).

    Computed each time: a few multiplications, cheaper than a cache that would have to key
    on object identity.
    """
    return p.sets * units_per_set(p, rules) * intensity(p, mode, rules)


def unit_index(p: Prescription, mode: LoadMode, rules: LoadingRules) -> float:
    """Index of one unit of work (one repetition, or one second of each hold) in one set."""
    unit = (
        float(p.reps or 1)
        if p.hold_s is not None
        else tempo_seconds(p.tempo, rules.weekly_cap.explosive_s)
    )
    return unit * intensity(p, mode, rules)


def allowed_load(ref: float, grace: float, rules: LoadingRules) -> float:
    """Highest weekly load allowed after a reference week of `ref`."""
    return max(ref * (1.0 + rules.weekly_cap.max_increase), ref + grace)


ModeOf = Callable[[str], LoadMode]


def block_starts(sessions: Sequence[SessionPlan]) -> set[int]:
    """Weeks that start a new block: the first build week after a lighter week (phases end
    with their lighter week, so this is where the cap's reference resets). Read from the
    sessions themselves, so a stopped or re-planned program gives the same answer."""
    kinds = {s.week: s.kind for s in sessions}
    weeks = sorted(kinds)
    return {
        w
        for prev, w in itertools.pairwise(weeks)
        if kinds[prev] == WeekKind.deload and kinds[w] == WeekKind.build
    }


def weekly_peaks(
    sessions: Sequence[SessionPlan], mode_of: ModeOf, rules: LoadingRules
) -> dict[str, dict[int, float]]:
    """Heaviest exposure (load index) by exercise then week."""
    peaks: dict[str, dict[int, float]] = {}
    for s in sessions:
        for p in s.prescriptions:
            weeks = peaks.setdefault(p.exercise_id, {})
            weeks[s.week] = max(
                weeks.get(s.week, 0.0), load_index(p, mode_of(p.exercise_id), rules)
            )
    return peaks


def cap_violations(
    sessions: Sequence[SessionPlan],
    mode_of: ModeOf,
    rules: LoadingRules,
    *,
    skip: Collection[str] = (),
    tolerance: float = 1e-6,
) -> list[tuple[str, int, float]]:
    """(exercise, week, increase) wherever an exposure grew past the weekly cap."""
    kinds = {s.week: s.kind for s in sessions}
    peaks = weekly_peaks(sessions, mode_of, rules)
    by_week: dict[int, list[Prescription]] = {}
    for s in sessions:
        by_week.setdefault(s.week, []).extend(s.prescriptions)
    out: list[tuple[str, int, float]] = []
    ref: dict[str, float] = {}
    resets = block_starts(sessions)
    for w in sorted(by_week):
        if w in resets:
            ref.clear()
        for p in by_week[w]:
            ex = p.exercise_id
            if ex in skip or ex not in ref:
                continue
            mode = mode_of(ex)
            load = load_index(p, mode, rules)
            if load > allowed_load(ref[ex], unit_index(p, mode, rules), rules) + tolerance:
                out.append((ex, w, load / ref[ex] - 1 if ref[ex] else float("inf")))
        if kinds[w] == WeekKind.build:
            for ex in {p.exercise_id for p in by_week[w]}:
                ref[ex] = peaks[ex][w]
    return out


@dataclass(frozen=True)
class CapCut:
    """One reduction the cap forced: which exercise, which week, index before and after."""

    exercise_id: str
    week: int
    before: float
    after: float


def shrink(p: Prescription, factor: float, mode: LoadMode, rules: LoadingRules) -> Prescription:
    """The same prescription with its index cut to at most `factor` of what it was.

    A trim of up to 20 % of the repetitions (or hold seconds) keeps the sets; beyond that
    the cap acts on sets: repetitions stay at the planned dose, which is inside the
    exercise's range, while a set can go; only when one set of the planned dose is already
    too much are repetitions (or seconds) cut further [design].
    """
    if factor >= 1.0:
        return p
    inten = intensity(p, mode, rules)
    target = p.sets * units_per_set(p, rules) * inten * factor
    step = tempo_seconds(p.tempo, rules.weekly_cap.explosive_s) if p.hold_s is None else 1.0
    base = p.hold_s if p.hold_s is not None else (p.reps or 1)
    reps_mult = (p.reps or 1) if p.hold_s is not None else 1
    field = "hold_s" if p.hold_s is not None else "reps"
    units = math.floor(target / (p.sets * inten * step * reps_mult) + _EPS)
    if units >= math.ceil(base * _KEEP_SETS_FRACTION):  # a small trim keeps the sets
        cand = p.revised(**{field: min(units, base)})
        if load_index(cand, mode, rules) <= target + _EPS:
            return cand
    for sets in range(p.sets, 0, -1):
        units = math.floor(target / (sets * inten * step * reps_mult) + _EPS)
        if units >= base:
            cand = p.revised(**{"sets": sets, field: base})
            if load_index(cand, mode, rules) <= target + _EPS:
                return cand
    units = math.floor(target / (inten * step * reps_mult) + _EPS)
    return p.revised(**{"sets": 1, field: max(1, min(units, base))})


def enforce_weekly_cap(
    sessions: list[SessionPlan],
    mode_of: ModeOf,
    rules: LoadingRules,
    *,
    first_mutable: int = 0,
    skip: Collection[str] = (),
) -> tuple[list[SessionPlan], list[CapCut]]:
    """Cut sessions at positions >= first_mutable so that no exercise's dose grows past the cap.

    Earlier sessions are history and stay as they are; exercises in `skip` (clinician
    overrides, frozen) are never touched.
    """
    out = list(sessions)
    ratio = 1.0 + rules.weekly_cap.max_increase
    cuts: dict[tuple[str, int], CapCut] = {}
    ref: dict[str, float] = {}
    week_positions: dict[int, list[int]] = {}
    for pos, s in enumerate(out):
        week_positions.setdefault(s.week, []).append(pos)
    resets = block_starts(out)
    for week in sorted(week_positions):
        if week in resets:
            ref.clear()
        peak: dict[str, float] = {}
        for pos in week_positions[week]:
            plan = out[pos]
            changed: list[Prescription] | None = None
            for j, p in enumerate(plan.prescriptions):
                ex = p.exercise_id
                mode = mode_of(ex)
                load = load_index(p, mode, rules)
                limit = ref.get(ex)
                if (
                    limit is not None
                    and pos >= first_mutable
                    and load > limit * ratio + 1e-6
                    and ex not in skip
                ):
                    allowed = allowed_load(limit, unit_index(p, mode, rules), rules)
                    if load > allowed + 1e-6:
                        q = shrink(p, allowed / load, mode, rules)
                        changed = changed if changed is not None else list(plan.prescriptions)
                        changed[j] = q
                        new_load = load_index(q, mode, rules)
                        old = cuts.get((ex, week))
                        cuts[(ex, week)] = CapCut(
                            ex, week, max(load, old.before if old else 0.0), new_load
                        )
                        load = new_load
                if load > peak.get(ex, 0.0):
                    peak[ex] = load
            if changed is not None:
                out[pos] = plan.model_copy(update={"prescriptions": changed})
        if out[week_positions[week][0]].kind == WeekKind.build:
            ref.update(peak)
    return out, list(cuts.values())
