"""Expectations a physiotherapist holds a case to, as named predicates over a Case."""

from __future__ import annotations

import math
from collections.abc import Callable

from casebook import Case
from upperback.feedback.context import PROGRESS_ACTIONS
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading.dose import load_sizes, seconds_needed
from upperback.loading.eligibility import conditions, is_contraindicated
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
