"""SIMULATION - one virtual client living through a program, adaptive or fixed.

State: pain (0-10), capacity (tolerable dose relative to the program's first session) and
attendance. Each attended session yields a session log the engine can read. All numbers
are model assumptions listed in population.PARAMETER_SOURCES.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from upperback.errors import SafetyBlock
from upperback.feedback import adapt
from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import LoadingRules
from upperback.loading import load_index
from upperback.model.adaptation import Action, Adaptation
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program, SessionPlan
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.population import VirtualClient

EMG_TARGETS = frozenset({"lower_trapezius", "middle_trapezius", "serratus_anterior"})


@dataclass
class Outcome:
    pain_start: float
    pain_end: float
    planned: int
    completed: int
    flares: int
    stopped: bool
    rules: Counter[str] = field(default_factory=Counter)
    alerts: int = 0  # clinician alerts raised (red-flag stops counted apart)


def _clip(value: float, lo: float, hi: float) -> float:
    return float(min(hi, max(lo, value)))


def session_dose(plan: SessionPlan, lib: ExerciseLibrary, rules: LoadingRules) -> float:
    return sum(load_index(p, lib.by_id[p.exercise_id].load_mode, rules) for p in plan.prescriptions)


def _log(
    rng: np.random.Generator,
    c: VirtualClient,
    plan: SessionPlan,
    day: dt.date,
    x: float,
    pain: float,
    flare: bool,
    red_flag: bool,
    lib: ExerciseLibrary,
) -> SessionLogIn:
    sets: list[SetLog] = []
    for p in plan.prescriptions:
        targets = {t.value for t in lib.by_id[p.exercise_id].targets}
        for j in range(p.sets):
            rpe = _clip(p.rpe_target + 7.5 * (x - 1.0) + rng.normal(0, 0.8), 1, 10)
            reps = None
            if p.hold_s is None:
                done = p.reps or 1
                if x > 1.0:
                    done = max(1, int(done / x))
                elif x < 0.7 and rng.random() < 0.5:
                    done += 2
                reps = done
            sets.append(
                SetLog.model_construct(
                    exercise_id=p.exercise_id,
                    set_index=j + 1,
                    reps=reps,
                    hold_s=float(p.hold_s) if p.hold_s is not None else None,
                    load_kg=p.load_kg,
                    level=p.level,
                    rir=None,
                    rpe=rpe,
                    pain_during=_clip(
                        0.5 * pain
                        + 4 * c.sensitivity * max(0.0, x - 0.9)
                        + (3.5 if flare else 0)
                        + rng.normal(0, 0.7),
                        0,
                        10,
                    ),
                    emg_ratio=_clip(
                        rng.normal(0.45 + c.ut_offset + 0.4 * max(0.0, x - 0.8), 0.12), 0.05, 5
                    )
                    if c.has_emg and targets & EMG_TARGETS
                    else None,
                    technique_lost=bool(rng.random() < 0.03 + 0.5 * max(0.0, x - 1.0)),
                )
            )
    fatigue = _clip(3 + 4 * (x - 0.8) + rng.normal(0, 1.5), 0, 10)
    before = _clip(round(pain + rng.normal(0, 0.3)), 0, 10)
    morning = _clip(
        round(
            pain
            + (1.5 if flare else 0)
            + 2 * c.sensitivity * max(0.0, x - 1.0)
            + rng.normal(0, 0.3)
        ),
        0,
        10,
    )
    return SessionLogIn.model_construct(
        date=day,
        week=plan.week,
        index=plan.index,
        sets=sets,
        completed=True,
        pain_before=round(before, 1),
        pain_next_morning=round(morning, 1),
        fatigue=round(fatigue, 1),
        readiness=round(_clip(10 - fatigue + rng.normal(0, 1), 0, 10), 1),
        awareness=[],
        new_symptoms=["dizziness"] if red_flag else [],
        notes="",
        emg=None,
    )


def live(
    c: VirtualClient,
    program: Program,
    profile: DeficitProfile,
    *,
    adaptive: bool,
    seed: int,
    lib: ExerciseLibrary,
    rules: LoadingRules,
) -> Outcome:
    """Run one client through the program; `adaptive` feeds every log to the engine."""
    rng = np.random.default_rng([seed, c.client_id, 7])
    planned = {s.key: session_dose(s, lib, rules) or 1.0 for s in program.sessions}
    pain = c.baseline_pain
    elapsed = 0
    out = Outcome(
        pain_start=pain,
        pain_end=pain,
        planned=len(program.sessions),
        completed=0,
        flares=0,
        stopped=False,
    )
    logs: list[SessionLogIn] = []
    raised: list[Adaptation] = []
    penalty_until = 0
    pos = 0
    while pos < len(program.sessions) and not program.stopped_reason:
        plan = program.sessions[pos]
        pos += 1
        week = plan.week
        attend_p = c.adherence * (1 - c.decline * (week - 1) / max(program.weeks - 1, 1))
        if week <= penalty_until:
            attend_p *= 0.7
        if c.gap_week is not None and c.gap_week <= week < c.gap_week + 2:
            attend_p = 0.0
        elapsed += 1
        if rng.random() >= attend_p:
            pain += 0.02 * (c.baseline_pain - pain)
            continue
        # Capacity relative to the plan: the plan assumes typical training; clients who train
        # less than planned fall behind it, responsive clients run ahead.
        done_share = (out.completed + 1) / elapsed
        capacity = c.capacity * (0.75 + 0.25 * done_share) * (1 + 0.1 * (c.responsiveness - 1))
        x = session_dose(plan, lib, rules) / planned[plan.key] / capacity
        flare = rng.random() < 0.01 + 0.6 * c.sensitivity * max(0.0, x - 1.1)
        red_flag = rng.random() < 0.0005
        day = program.session_date(plan.week, plan.index)
        out.completed += 1
        stimulus = _clip((x - 0.4) / 0.4, 0.0, 1.0)
        pain *= 1 - 0.035 * c.responsiveness * stimulus
        pain += 0.4 * c.sensitivity * max(0.0, x - 1.15)
        if flare:
            out.flares += 1
            pain = min(10.0, pain + 0.3)
            penalty_until = week + 1
        if red_flag:
            out.stopped = True
            if adaptive:
                out.rules["symptoms.red_flag_stop"] += 1
            break
        if adaptive:
            log = _log(rng, c, plan, day, x, pain, flare, red_flag, lib)
            try:
                result = adapt(
                    program,
                    log,
                    history=logs,
                    profile=profile,
                    library=lib,
                    rules=rules,
                    earlier_alerts=raised,
                )
            except SafetyBlock:
                break
            program = result.program
            out.rules.update(a.rule_id for a in result.adaptations)
            new = [a for a in result.adaptations if a.action == Action.clinician_alert]
            out.alerts += len(new)
            raised += new
            logs.append(log)
    out.pain_end = _clip(pain, 0, 10)
    return out
