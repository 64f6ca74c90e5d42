"""Load the casebook (cases.yaml), build each client's screening, program and lived logs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from upperback.feedback import adapt
from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.model.adaptation import Adaptation
from upperback.model.intake import Intake, ScreeningResult
from upperback.model.profile import DeficitProfile, FindingCode, Irritability, Severity
from upperback.model.program import Program
from upperback.model.session import SessionLogIn, SetLog
from upperback.preface.screening import screen_intake
from upperback.sim.profiles import make_profile

CASES = Path(__file__).with_name("cases.yaml")
START = dt.date(2025, 1, 6)


@dataclass
class Case:
    name: str
    age: int
    intake: Intake
    profile: DeficitProfile
    screening: ScreeningResult
    logs: str
    expect: list[str]
    program: Program | None = None
    lived: Program | None = None
    adaptations: list[list[Adaptation]] = field(default_factory=list)
    log_docs: list[SessionLogIn] = field(default_factory=list)


def load_cases() -> list[Case]:
    from upperback.loading import generate_program

    doc = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    defaults = doc["defaults"]
    out = []
    for c in doc["cases"]:
        fields: dict[str, Any] = {**defaults["intake"], **c.get("intake", {})}
        intake = Intake.model_validate(fields)
        profile = make_profile(
            {FindingCode(k): Severity(v) for k, v in c.get("findings", {}).items()},
            irritability=Irritability(c.get("irritability", "low")),
            pain_now=c.get("pain_now"),
        )
        screening = screen_intake(intake, age=c["age"])
        case = Case(
            name=c["name"],
            age=c["age"],
            intake=intake,
            profile=profile,
            screening=screening,
            logs=c.get("logs", "none"),
            expect=[*defaults["common_expect"], *c["expect"]]
            if not screening.blocks_program
            else list(c["expect"]),
        )
        if not screening.blocks_program:
            case.program = generate_program(
                profile, intake, start_date=START, seed=7, screening=screening
            )
            live(case)
        out.append(case)
    return out


EASY_MARGIN = loading_rules().effort.progress_margin


def _log(program: Program, week: int, index: int, kind: str, before: float) -> SessionLogIn:
    plan = program.session(week, index)
    assert plan is not None
    sets = []
    for p in plan.prescriptions:
        for j in range(p.sets):
            pain = {"flare": 8.0, "repeated_flares": 8.0, "usual_high_pain": 8.0}.get(kind, 1.0)
            easy_rir = kind in ("easy", "easy_rir")
            sets.append(
                SetLog(
                    exercise_id=p.exercise_id,
                    set_index=j + 1,
                    reps=p.reps,
                    hold_s=p.hold_s,
                    load_kg=p.load_kg,
                    level=p.level,
                    # easy against the target: RPE = 10 - RIR at least the margin below it
                    rir=10.0 - p.rpe_target + EASY_MARGIN if easy_rir else None,
                    rpe=None if easy_rir else p.rpe_target,
                    pain_during=pain if kind != "usual_high_pain" else 7.0,
                )
            )
    morning = before + (1 if kind == "morning_plus_one" else 0)
    return SessionLogIn(
        date=program.session_date(week, index),
        week=week,
        index=index,
        sets=sets,
        pain_before=before,
        pain_next_morning=morning,
        readiness=6,
        fatigue=3,
    )


def live(case: Case) -> None:
    """Three logged sessions of the case's kind (the first week)."""
    if case.logs == "none" or case.program is None:
        return
    program, history = case.program, []
    lib = exercise_library()
    before = 8.0 if case.logs == "usual_high_pain" else 1.0
    kinds = {
        "repeated_flares": ["repeated_flares"] * 3,
        "flare": ["flare", "neutral", "neutral"],
    }.get(case.logs, [case.logs] * 3)
    for i, kind in enumerate(kinds, start=1):
        log = _log(program, 1, i, kind, before)
        result = adapt(program, log, history=history, profile=case.profile, library=lib)
        case.adaptations.append(result.adaptations)
        case.log_docs.append(log)
        history.append(log)
        case.program_before = program  # type: ignore[attr-defined]
        program = result.program
    case.lived = program


def twin_without_fear(case: Case) -> Case:
    """The same client, intake and logs with no yellow flags and no fear-avoidance scores."""
    from upperback.loading import generate_program

    intake = case.intake.model_copy(update={"yellow_flags": {}, "tsk11": None, "fabq_pa": None})
    twin = Case(
        name=case.name + " (no fear)",
        age=case.age,
        intake=intake,
        profile=case.profile,
        screening=case.screening,
        logs=case.logs,
        expect=[],
    )
    twin.program = generate_program(
        case.profile, intake, start_date=START, seed=7, screening=case.screening
    )
    live(twin)
    return twin
