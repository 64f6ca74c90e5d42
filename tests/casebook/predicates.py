"""Expectations a physiotherapist holds a case to, as named predicates over a Case."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

from casebook import Case
from upperback.feedback.context import PROGRESS_ACTIONS
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading.dose import load_sizes, seconds_needed
from upperback.loading.eligibility import conditions, is_contraindicated
from upperback.loading.load import load_index
from upperback.loading.phases import phase_weeks
from upperback.model.adaptation import Action
from upperback.model.common import Equipment, Muscle
from upperback.model.intake import HOUSEHOLD, Urgency
from upperback.model.program import Program

LIB = exercise_library()
RULES = loading_rules()


def _prog(c: Case) -> Program:
    assert c.program is not None, "no program (screening referred)"
    return c.program


def _ids(p: Program) -> set[str]:
    return {q.exercise_id for s in p.sessions for q in s.prescriptions}


def _phase(week: int):  # type: ignore[no-untyped-def]
    return next(ph for ph, ws in phase_weeks(RULES, 12) if week in ws)


def screening_clear(c: Case) -> bool:
    return not c.screening.blocks_program


def _refers(c: Case, u: Urgency) -> bool:
    return c.screening.outcome == "refer" and c.screening.urgency == u and c.program is None


PREDICATES: dict[str, Callable[[Case], bool]] = {
    "screening_clear": screening_clear,
    "screening_refers_routine": lambda c: _refers(c, Urgency.routine),
    "screening_refers_urgent": lambda c: _refers(c, Urgency.urgent),
    "screening_refers_emergency": lambda c: _refers(c, Urgency.emergency),
    "screening_blocked_until_clearance": lambda c: (
        c.program is None and bool(c.screening.not_asked)
    ),
}


def predicate(fn: Callable[[Case], bool]) -> Callable[[Case], bool]:
    PREDICATES[fn.__name__] = fn
    return fn


@predicate
def safe_selection(c: Case) -> bool:
    active = conditions(c.profile, c.intake)
    return not any(is_contraindicated(LIB.by_id[i], active, RULES) for i in _ids(_prog(c)))


@predicate
def top_priority_every_session(c: Case) -> bool:
    first = next(iter(c.profile.findings), None)
    rule = RULES.rule_for(str(first.code)) if first is not None else None
    if rule is None or rule.slots == 0:
        return True
    return all(
        any(q.rationale.startswith(rule.label) for q in s.prescriptions) for s in _prog(c).sessions
    )


@predicate
def rungs_in_phase_range(c: Case) -> bool:
    return all(
        LIB.by_id[q.exercise_id].level <= _phase(s.week).level_range[1]
        and LIB.by_id[q.exercise_id].loading_types[0] in _phase(s.week).loading_types
        for s in _prog(c).sessions
        for q in s.prescriptions
    )


@predicate
def ladder_continues(c: Case) -> bool:
    top: dict[tuple[str, int], int] = {}
    for s in _prog(c).sessions:
        ph = RULES.phases.index(_phase(s.week))
        for q in s.prescriptions:
            key = (q.rationale.split(":")[0], ph)
            top[key] = max(top.get(key, 0), LIB.by_id[q.exercise_id].level)
    return all(
        lv >= top[(slot, ph - 1)] - 1 for (slot, ph), lv in top.items() if (slot, ph - 1) in top
    )


@predicate
def loads_real(c: Case) -> bool:
    return all(
        q.load_kg in load_sizes(LIB.by_id[q.exercise_id], RULES)
        for s in _prog(c).sessions
        for q in s.prescriptions
        if q.load_kg is not None
    )


@predicate
def honest_minutes(c: Case) -> bool:
    for s in _prog(c).sessions:
        secs = sum(
            seconds_needed(LIB.by_id[q.exercise_id], q.sets, q.rest_s, RULES)
            for q in s.prescriptions
        )
        if s.minutes != max(1, math.ceil(secs / 60)):
            return False
    return True


@predicate
def within_budget(c: Case) -> bool:
    return all(s.minutes <= c.intake.minutes_per_session for s in _prog(c).sessions)


@predicate
def rationale_scheduled(c: Case) -> bool:
    p = _prog(c)
    for (_, ws), line in zip(phase_weeks(RULES, 12), p.rationale[1:], strict=False):
        listed = set(line.split("Exercises: ")[1].split(". Source")[0].split(", "))
        if listed != {q.exercise_id for s in p.sessions if s.week in ws for q in s.prescriptions}:
            return False
    return True


@predicate
def reassessments_dated(c: Case) -> bool:
    return [r.week for r in _prog(c).reassessments] == [4, 8, 12]


@predicate
def no_shrugs(c: Case) -> bool:
    return all(Muscle.upper_trapezius not in LIB.by_id[i].targets for i in _ids(_prog(c)))


@predicate
def serratus_every_phase(c: Case) -> bool:
    p = _prog(c)
    return all(
        any(
            Muscle.serratus_anterior in LIB.by_id[q.exercise_id].targets
            for s in p.sessions
            if s.week in ws
            for q in s.prescriptions
        )
        for _, ws in phase_weeks(RULES, 12)
    )


@predicate
def graded_exposure(c: Case) -> bool:
    return any(line.startswith("Graded exposure") for line in _prog(c).rationale)


def _flat(c: Case) -> list:  # type: ignore[type-arg]
    return [a for batch in c.adaptations for a in batch]


@predicate
def progresses_after_easy_logs(c: Case) -> bool:
    return any(a.action in PROGRESS_ACTIONS for a in _flat(c))


@predicate
def motor_control_progresses_by_rung_or_reps(c: Case) -> bool:
    acts = [a for a in _flat(c) if a.action in PROGRESS_ACTIONS]
    return bool(acts) and not any(a.action == Action.reduce for a in _flat(c))


@predicate
def no_progress_after_flare(c: Case) -> bool:
    return not any(a.action in PROGRESS_ACTIONS for a in c.adaptations[0])


@predicate
def regression_never_raises(c: Case) -> bool:
    before, after = _prog(c), c.lived
    assert after is not None
    for old, new in zip(before.sessions, after.sessions, strict=False):
        olds = {q.exercise_id: q for q in old.prescriptions}
        for q in new.prescriptions:
            o = olds.get(q.exercise_id)
            if o is not None and q.sets > o.sets:
                return False
    return True


@predicate
def clinician_alert_after_repeated_flares(c: Case) -> bool:
    return any(a.action == Action.clinician_alert for a in c.adaptations[-1])


@predicate
def no_regression_for_usual_pain(c: Case) -> bool:
    return not any(a.action in (Action.regress, Action.clinician_alert) for a in _flat(c))


@predicate
def no_cut_for_rise_below_mdc(c: Case) -> bool:
    return not any(a.rule_id == "pain.morning_not_settled" for a in _flat(c))


@predicate
def only_household_equipment(c: Case) -> bool:
    return all(set(LIB.by_id[i].equipment) <= HOUSEHOLD for i in _ids(_prog(c)))


@predicate
def ccf_protocol_dose(c: Case) -> bool:
    ccf = [
        q
        for s in _prog(c).sessions
        for q in s.prescriptions
        if LIB.by_id[q.exercise_id].dosage[_phase(s.week).goal].protocol
    ]
    return bool(ccf) and all((q.sets, q.hold_s) == (10, 10) for q in ccf)


@predicate
def no_pressure_cuff_drills(c: Case) -> bool:
    return all(Equipment.pressure_biofeedback not in LIB.by_id[i].equipment for i in _ids(_prog(c)))


@predicate
def no_partner_drills(c: Case) -> bool:
    return all(Equipment.partner not in LIB.by_id[i].equipment for i in _ids(_prog(c)))


@predicate
def breathing_cue_for_hypertension(c: Case) -> bool:
    return all("Valsalva" in q.breathing_cue for s in _prog(c).sessions for q in s.prescriptions)


@predicate
def kettlebell_starts_at_a_real_size(c: Case) -> bool:
    kb = [
        q
        for s in _prog(c).sessions
        for q in s.prescriptions
        if Equipment.kettlebell in LIB.by_id[q.exercise_id].equipment and q.load_kg
    ]
    return all(q.load_kg in RULES.starting_load.kg_sizes[Equipment.kettlebell] for q in kb)


@predicate
def no_floor_work(c: Case) -> bool:
    return all("no_floor_work" not in LIB.by_id[i].contraindications for i in _ids(_prog(c)))


@predicate
def lower_effort_targets(c: Case) -> bool:
    return any("High irritability" in line for line in _prog(c).rationale)


@predicate
def integration_late(c: Case) -> bool:
    p = _prog(c)
    last = phase_weeks(RULES, 12)[-1][1]
    return any(
        q.rationale.startswith(
            next(r.label for r in RULES.integration if r.posture == c.intake.work_posture)
        )
        for s in p.sessions
        if s.week in last
        for q in s.prescriptions
    )


def _phase_of(week: int) -> int:
    return next(i for i, (_, ws) in enumerate(phase_weeks(RULES, 12)) if week in ws)


def _first_load(c: Case) -> dict[tuple[str, int], float]:
    """(exercise, phase) -> load (kg or level) of its first build-week dose in that phase."""
    out: dict[tuple[str, int], float] = {}
    for s in _prog(c).sessions:
        if s.kind.value != "build":
            continue
        for q in s.prescriptions:
            value = q.load_kg if q.load_kg is not None else q.level
            if value is not None and LIB.by_id[q.exercise_id].load_mode.value in ("kg", "band"):
                out.setdefault((q.exercise_id, _phase_of(s.week)), value)
    return out


@predicate
def loads_rise_across_phases(c: Case) -> bool:
    """A kg or band exercise that continues into the next phase starts it heavier (one
    equipment step), unless it already sits at the top size."""
    first = _first_load(c)
    for (ex_id, ph), value in first.items():
        before = first.get((ex_id, ph - 1))
        if before is None:
            continue
        top = RULES.starting_load.max_level.get(LIB.by_id[ex_id].load_mode, 99)
        sizes = load_sizes(LIB.by_id[ex_id], RULES)
        at_top = before >= (sizes[-1] if sizes else top)
        if value <= before and not at_top:
            return False
    return True


def _top_rule(c: Case):  # type: ignore[no-untyped-def]
    first = next(iter(c.profile.findings), None)
    rule = RULES.rule_for(str(first.code)) if first is not None else None
    return None if rule is None or rule.slots == 0 else rule


@predicate
def top_priority_every_phase(c: Case) -> bool:
    """The top-priority deficit is answered in every phase by an exercise whose primary
    target is the deficit's muscle (a plank listing LT second does not count)."""
    rule = _top_rule(c)
    if rule is None:
        return True
    for _, ws in phase_weeks(RULES, 12):
        if not any(
            q.rationale.startswith(rule.label)
            and (not rule.targets or LIB.by_id[q.exercise_id].targets[0] in rule.targets)
            for s in _prog(c).sessions
            if s.week in ws
            for q in s.prescriptions
        ):
            return False
    return True


@predicate
def endurance_two_sets(c: Case) -> bool:
    """Endurance-phase build weeks dose >= 2 sets (protocol doses stay at protocol)."""
    endurance = next(ws for ph, ws in phase_weeks(RULES, 12) if ph.goal.value == "endurance")
    for s in _prog(c).sessions:
        if s.week not in endurance or s.kind.value != "build":
            continue
        for q in s.prescriptions:
            d = LIB.by_id[q.exercise_id].dosage[_phase(s.week).goal]
            if not d.protocol and q.sets < min(2, d.sets[1]):
                return False
    return True


def _plyometric(ex_id: str) -> bool:
    return LIB.by_id[ex_id].loading_types[0].value == "plyometric"


@predicate
def speed_rung_late_only(c: Case) -> bool:
    """Overhead athlete: a speed (plyometric) rung in the last phase, never earlier."""
    last = phase_weeks(RULES, 12)[-1][1]
    weeks = {
        s.week for s in _prog(c).sessions for q in s.prescriptions if _plyometric(q.exercise_id)
    }
    return bool(weeks) and weeks <= set(last)


@predicate
def lower_trapezius_late(c: Case) -> bool:
    """Lower-trapezius work (primary target) stays in weeks 9-12."""
    last = phase_weeks(RULES, 12)[-1][1]
    return any(
        LIB.by_id[q.exercise_id].targets[0] == Muscle.lower_trapezius
        for s in _prog(c).sessions
        if s.week in last
        for q in s.prescriptions
    )


@predicate
def ccf_stage_by_criterion(c: Case) -> bool:
    """The pressure-cuff stage never climbs by calendar in the plan; each logged session
    with all 10 holds done raises it one stage (2 mmHg) for the sessions that follow."""

    def levels(p: Program) -> list[int]:
        return [
            q.level or 0
            for s in p.sessions
            for q in s.prescriptions
            if LIB.by_id[q.exercise_id].load_mode.value == "pressure"
        ]

    planned = levels(_prog(c))
    if not planned or len(set(planned)) != 1:
        return False
    if c.lived is None:
        return True
    last = c.lived.sessions[-1]
    after = [
        q.level or 0
        for q in last.prescriptions
        if LIB.by_id[q.exercise_id].load_mode.value == "pressure"
    ]
    # every logged session completed all 10 holds: one stage (2 mmHg) per session
    return bool(after) and all(lv == planned[0] + len(c.adaptations) for lv in after)


@predicate
def graded_exposure_scheduled(c: Case) -> bool:
    """Fear avoidance: education in the sessions, a pacing cue, the reason for the clinician."""
    p = _prog(c)
    taught = [e for s in p.sessions for e in s.education]
    paced = any(
        RULES.graded_exposure.pacing_cue in q.coaching_cues
        for s in p.sessions
        for q in s.prescriptions
    )
    why = any(line.startswith("Graded exposure (") for line in p.rationale)
    return p.graded_exposure and bool(taught) and paced and why


@predicate
def fearful_progresses_slower(c: Case) -> bool:
    """The same client without fear-avoidance flags progresses sooner after the same logs."""
    from casebook import twin_without_fear

    twin = twin_without_fear(c)
    mine = [sum(a.action in PROGRESS_ACTIONS for a in batch) for batch in c.adaptations]
    theirs = [sum(a.action in PROGRESS_ACTIONS for a in batch) for batch in twin.adaptations]
    return bool(mine) and mine[0] == 0 and theirs[0] > 0 and sum(mine) < sum(theirs)


def _weekly_peaks(c: Case, ws: list[int]) -> dict[str, dict[int, object]]:
    """exercise -> build week -> its heaviest prescription that week (protocol doses out)."""
    goal = _phase(ws[0]).goal
    out: dict[str, dict[int, object]] = {}
    for s in _prog(c).sessions:
        if s.week not in ws or s.kind.value != "build":
            continue
        for q in s.prescriptions:
            ex = LIB.by_id[q.exercise_id]
            if ex.dosage[goal].protocol:
                continue
            weeks = out.setdefault(q.exercise_id, {})
            old = weeks.get(s.week)
            if old is None or load_index(q, ex.load_mode, RULES) > load_index(
                old,
                ex.load_mode,
                RULES,  # type: ignore[arg-type]
            ):
                weeks[s.week] = q
    return out


def _at_top(q, goal) -> bool:  # type: ignore[no-untyped-def]
    d = LIB.by_id[q.exercise_id].dosage[goal]
    reps_top = d.reps is None or q.reps >= d.reps[1]
    hold_top = d.hold_s is None or (q.hold_s >= d.hold_s[1] and q.sets >= d.sets[1])
    return reps_top and hold_top


@predicate
def rises_week_by_week(c: Case) -> bool:
    """Inside every phase, an exercise's heaviest dose rises from one build week it appears
    in to the next (+1 rep, +1 s or one more hold, or a real equipment step), unless it
    already sits at the top of its range: no phase is flat for three weeks."""
    for _, ws in phase_weeks(RULES, 12):
        goal = _phase(ws[0]).goal
        for ex_id, weeks in _weekly_peaks(c, ws).items():
            mode = LIB.by_id[ex_id].load_mode
            seq = [weeks[w] for w in sorted(weeks)]
            for a, b in itertools.pairwise(seq):
                if load_index(b, mode, RULES) <= load_index(a, mode, RULES) and not _at_top(
                    a, goal
                ):  # type: ignore[arg-type]
                    return False
    return True


@predicate
def endurance_dose_in_zone(c: Case) -> bool:
    """The endurance phase gives what its reason states (2-3 x 12-20): every repetition
    dose of strengthening work in its build weeks has at least 12 repetitions."""
    endurance = next(ws for ph, ws in phase_weeks(RULES, 12) if ph.goal.value == "endurance")
    for s in _prog(c).sessions:
        if s.week not in endurance or s.kind.value != "build":
            continue
        for q in s.prescriptions:
            first = LIB.by_id[q.exercise_id].loading_types[0].value
            if first in ("mobility", "breathing", "plyometric") or q.reps is None:
                continue
            if q.hold_s is None and q.reps < ENDURANCE_MIN_REPS:
                return False
    return True


ENDURANCE_MIN_REPS = 12  # the phase reason's endurance zone, 2-3 x 12-20 (DOMAIN 4.1)


@predicate
def lower_trapezius_arm_raised_late(c: Case) -> bool:
    """A lower-trapezius priority gets LT work with the arm raised (prone Y, wall slide with
    lift-off) in every week of the last phase, not only a depression drill."""
    if not any(f.code.value in ("lt_underactive", "lt_onset_delayed") for f in c.profile.findings):
        return True
    last = phase_weeks(RULES, 12)[-1][1]
    for week in last:
        if not any(
            LIB.by_id[q.exercise_id].arm_raised
            and Muscle.lower_trapezius in LIB.by_id[q.exercise_id].targets
            for s in _prog(c).sessions
            if s.week == week
            for q in s.prescriptions
        ):
            return False
    return True


@predicate
def isometric_holds_first(c: Case) -> bool:
    """Phase 1's reason says 'isometric holds first': where the top priority's ladder has an
    isometric rung the client can do, weeks 1-4 give that deficit at least one hold."""
    rule = _top_rule(c)
    if rule is None or not rule.targets:
        return True
    first_ws = phase_weeks(RULES, 12)[0][1]
    kit = set(c.intake.equipment)
    active = conditions(c.profile, c.intake)
    has_rung = any(
        ex.targets[0] in rule.targets
        and ex.loading_types[0].value == "isometric"
        and ex.level <= _phase(1).level_range[1]
        and set(ex.equipment) <= kit
        and not is_contraindicated(ex, active, RULES)
        and not ex.dosage[_phase(1).goal].protocol
        for ex in LIB
    )
    if not has_rung:
        return True
    return any(
        q.rationale.startswith(rule.label) and q.hold_s is not None
        for s in _prog(c).sessions
        if s.week in first_ws
        for q in s.prescriptions
    )


@predicate
def easier_bodyweight_not_harder(c: Case) -> bool:
    """A bodyweight drill whose first dose in a phase is smaller (sets x reps x tempo) than
    its last dose in the phase before does not get a higher effort target."""
    last: dict[tuple[str, int], tuple[float, float]] = {}
    first: dict[tuple[str, int], tuple[float, float]] = {}
    for s in _prog(c).sessions:
        if s.kind.value != "build" or s.index != 1:
            continue
        for q in s.prescriptions:
            ex = LIB.by_id[q.exercise_id]
            if ex.load_mode.value != "bodyweight" or q.reps is None or q.hold_s is not None:
                continue
            dose = (load_index(q, ex.load_mode, RULES), q.rpe_target)
            key = (q.exercise_id, _phase_of(s.week))
            first.setdefault(key, dose)
            last[key] = dose
    for (ex_id, ph), (volume, rpe) in first.items():
        before = last.get((ex_id, ph - 1))
        if before is not None and volume < before[0] and rpe > before[1]:
            return False
    return True


@predicate
def speed_band_rises_late(c: Case) -> bool:
    """The band speed rung climbs a band level each build week of the last phase."""
    last = phase_weeks(RULES, 12)[-1][1]
    levels: dict[int, int] = {}
    for s in _prog(c).sessions:
        if s.week in last and s.kind.value == "build":
            for q in s.prescriptions:
                if _plyometric(q.exercise_id) and q.level is not None:
                    levels[s.week] = max(levels.get(s.week, 0), q.level)
    seq = [levels[w] for w in sorted(levels)]
    return len(seq) >= 2 and all(b > a for a, b in itertools.pairwise(seq))


@predicate
def athlete_serratus_rung_late(c: Case) -> bool:
    """A young overhead athlete without irritability gets a full push-up plus level rung
    (level 4+) for serratus late, not only the knee push-up plus."""
    last = phase_weeks(RULES, 12)[-1][1]
    return any(
        LIB.by_id[q.exercise_id].targets[0] == Muscle.serratus_anterior
        and LIB.by_id[q.exercise_id].level >= 4
        and not _plyometric(q.exercise_id)
        for s in _prog(c).sessions
        if s.week in last
        for q in s.prescriptions
    )


@predicate
def precautions_shown(c: Case) -> bool:
    """Each screening precaution's red-flag action text is printed under Screening, with
    the client's safety note and the check-in question."""
    from render import screening_notes

    text = "\n".join(screening_notes(c))
    return (
        bool(c.screening.precautions)
        and text.startswith("Precautions: ")
        and all(h.action in text for h in c.screening.precautions)
        and "blood thinner" in text
        and "bruising or swelling" in text
    )
