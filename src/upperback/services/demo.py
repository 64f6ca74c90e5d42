"""A realistic demo journey: one virtual desk worker through intake, assessment, 12 weeks, outcomes.

The logged sessions are SIMULATED by a small performance model (seeded); nothing here is
clinical evidence. It exercises the real services end to end on a real database.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from upperback.model.assessment import AssessmentIn, TestResult
from upperback.model.client import Client, ClientIn
from upperback.model.common import Equipment, Goal, Sex, Side, WorkPosture
from upperback.model.intake import Intake
from upperback.model.program import SessionPlan
from upperback.model.session import SessionLogIn, SetLog
from upperback.services import assessment, clients, preface, program, sessions
from upperback.services.access import Actor
from upperback.services.database import Database
from upperback.services.progress import Progress, progress

DEMO_CLINICIAN = "Demo Clinician"
DEMO_CLIENT = "Alex Demo (simulated)"


@dataclass
class DemoReport:
    client: Client
    actor: Actor
    logged: int = 0
    missed: int = 0
    adaptations: int = 0
    reassessments: int = 0
    progress: Progress | None = None
    rules: dict[str, int] = field(default_factory=dict)


def demo_intake(day: dt.date) -> Intake:
    return Intake(
        date=day,
        complaint="Aching between the shoulder blades and neck tension by mid-afternoon at the desk.",
        history="Two years of recurrent neck and upper-back pain; no trauma; desk job.",
        pain_duration_weeks=104,
        pain_now=5,
        occupation="software developer",
        work_posture=WorkPosture.desk,
        sitting_hours_per_day=9,
        screen_hours_per_day=10,
        sports=["recreational cycling"],
        goals=[Goal.endurance, Goal.motor_control],
        equipment=[
            Equipment.none,
            Equipment.mat,
            Equipment.wall,
            Equipment.band,
            Equipment.dumbbell,
            Equipment.bench,
            Equipment.pressure_biofeedback,
            Equipment.foam_roller,
            Equipment.chair,
            Equipment.towel,
        ],
        minutes_per_session=30,
        sessions_per_week=3,
        yellow_flags={"fear_of_movement": True},
    )


def demo_assessment(day: dt.date, gain: float) -> AssessmentIn:
    """Battery values; `gain` in [0, 1] moves them from baseline toward typical norms.

    The trajectory is SCRIPTED for the demo, not an outcome of the engine: it shows how
    reassessment, change thresholds and re-planning behave, and claims nothing clinical.
    """

    def mix(start: float, end: float) -> float:
        return round(start + (end - start) * gain, 1)

    def side(test: str, value: float, unit: str) -> list[TestResult]:
        return [
            TestResult(test_id=test, value=value, unit=unit, side=s)
            for s in (Side.left, Side.right)
        ]

    ndi_items: list[float | None] = [
        round(mix(v, max(0, v - 1))) for v in (2, 1, 2, 2, 2, 1, 2, 1, 1, 2)
    ]
    return AssessmentIn(
        date=day,
        tester="Demo Clinician",
        results=[
            TestResult(test_id="nprs", value=mix(5, 2), unit="points"),
            TestResult(test_id="ndi", items=ndi_items),
            TestResult(test_id="psfs", items=[mix(4, 7), mix(5, 8), mix(3, 7)], version="1"),
            TestResult(test_id="dnf_endurance", value=mix(12, 30), unit="s"),
            TestResult(test_id="ccft", value=mix(22, 26), unit="mmHg"),
            TestResult(test_id="cva", value=mix(45, 48), unit="deg"),
            *side("shoulder_flexion", mix(160, 172), "deg"),
            *side("shoulder_er", mix(80, 88), "deg"),
            *side("thoracic_rotation", mix(32, 44), "deg"),
            TestResult(
                test_id="scapular_dyskinesis",
                rating="subtle" if gain < 0.5 else "normal",
                side=Side.right,
            ),
            TestResult(test_id="prone_y_hold", value=mix(20, 45), unit="s", side=Side.right),
            TestResult(test_id="prone_y_hold", value=mix(28, 47), unit="s", side=Side.left),
            TestResult(
                test_id="emg_ratio_ut_lt", value=mix(3.1, 1.4), unit="ratio", condition="elevation"
            ),
            TestResult(
                test_id="emg_ratio_ut_sa", value=mix(1.3, 0.7), unit="ratio", condition="elevation"
            ),
            TestResult(test_id="emg_onset_delay_lt", value=mix(0.09, 0.03), unit="s"),
        ],
    )


def perform(plan: SessionPlan, day: dt.date, week: int, rng: random.Random) -> SessionLogIn:
    """Simulated performance: effort near target, pain easing over weeks, the odd flare."""
    base_pain = max(0.0, 4.0 - 0.25 * week)
    flare = rng.random() < 0.05
    sets: list[SetLog] = []
    for p in plan.prescriptions:
        for i in range(1, p.sets + 1):
            rpe = min(
                10.0, max(3.0, round(p.rpe_target + rng.uniform(-2.0, 1.0) + 0.3 * (i - 1), 1))
            )
            pain = min(
                10.0, max(0.0, round(base_pain + rng.uniform(-1, 1) + (3 if flare else 0), 0))
            )
            ratio = (
                round(max(0.4, 2.6 - 0.12 * week + rng.uniform(-0.3, 0.3)), 2)
                if "lower_trapezius" in p.rationale.lower()
                else None
            )
            sets.append(
                SetLog(
                    exercise_id=p.exercise_id,
                    set_index=i,
                    reps=p.reps,
                    hold_s=float(p.hold_s) if p.hold_s is not None else None,
                    load_kg=p.load_kg,
                    level=p.level,
                    rpe=rpe,
                    pain_during=pain,
                    emg_ratio=ratio,
                )
            )
    morning = min(
        10.0, max(0.0, round(base_pain - 1 + (2 if flare else 0) + rng.uniform(-1, 1), 0))
    )
    return SessionLogIn(
        date=day,
        week=plan.week,
        index=plan.index,
        sets=sets,
        pain_next_morning=morning,
        fatigue=round(rng.uniform(2, 6), 0),
        readiness=round(rng.uniform(5, 9), 0),
        awareness=["shoulders relaxed away from ears"] if rng.random() < 0.5 else [],
        notes="simulated demo session",
    )


def run_demo(
    db: Database,
    *,
    start: dt.date,
    seed: int = 7,
    weeks: int = 12,
    on_step: Callable[[str], None] | None = None,
) -> DemoReport:
    """Create the demo client and run the whole method through the real services."""
    rng = random.Random(seed)
    step = on_step or (lambda _msg: None)
    actor = clients.ensure_clinician(db, DEMO_CLINICIAN)
    client = clients.add_client(
        db,
        actor,
        ClientIn(name=DEMO_CLIENT, sex=Sex.female, birth_year=1988, body_mass_kg=64),
        today=start,
    )
    report = DemoReport(client=client, actor=actor)
    intake_day = start - dt.timedelta(days=3)
    preface.record_intake(db, actor, client.id, demo_intake(intake_day))
    assessment.record_assessment(db, actor, client.id, demo_assessment(intake_day, 0.0))
    program.plan_program(db, actor, client.id, start_date=start, seed=seed)
    step("planned")
    for week in range(1, weeks + 1):
        prog = program.current_program(db, actor, client.id)
        for _ in range(prog.sessions_per_week):
            view = program.next_view(db, actor, client.id)
            plan = view.session
            if plan is None:
                break
            day = prog.session_date(plan.week, plan.index)
            if rng.random() < 0.12:  # simulated missed session: it is logged as not done
                log = SessionLogIn(
                    date=day,
                    week=plan.week,
                    index=plan.index,
                    completed=False,
                    notes="missed (simulated)",
                )
                report.missed += 1
            else:
                log = perform(plan, day, plan.week, rng)
            out = sessions.log_session(db, actor, client.id, log)
            report.logged += 1
            report.adaptations += len(out.adaptations)
            for a in out.adaptations:
                report.rules[a.rule_id] = report.rules.get(a.rule_id, 0) + 1
            step(f"week {plan.week} session {plan.index}")
        if week in (4, 8, 12) and week <= weeks:
            day = prog.start_date + dt.timedelta(days=week * 7 - 1)
            assessment.record_assessment(db, actor, client.id, demo_assessment(day, week / 12))
            report.reassessments += 1
    end = start + dt.timedelta(days=weeks * 7)
    report.progress = progress(db, actor, client.id, today=end)
    return report
