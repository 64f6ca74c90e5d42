"""Turn plain HTML form fields into the domain's documents (validation stays in the models)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from upperback.errors import InvalidInput
from upperback.knowledge.tests_catalog import battery
from upperback.model.assessment import AssessmentIn, TestResult
from upperback.model.common import Side
from upperback.model.intake import Intake
from upperback.model.program import SessionPlan
from upperback.model.session import SessionLogIn, SetLog

Form = Mapping[str, Any]


def text(form: Form, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def number(form: Form, name: str) -> float | None:
    raw = text(form, name)
    if raw == "":
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        raise InvalidInput(f"{name}: {raw!r} is not a number") from None


def day(form: Form, name: str, default: dt.date) -> dt.date:
    raw = text(form, name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name}: {raw!r} is not a date (YYYY-MM-DD)") from None


def checked(form: Form, name: str) -> bool:
    return text(form, name) in {"on", "1", "true", "yes"}


def items_list(form: Form, name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if getlist else [form.get(name)]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def intake_from_form(
    form: Form, red_ids: list[str], yellow_ids: list[str], today: dt.date
) -> Intake:
    doc: dict[str, Any] = {
        "date": day(form, "date", today),
        "complaint": text(form, "complaint"),
        "history": text(form, "history"),
        "occupation": text(form, "occupation"),
        "work_posture": text(form, "work_posture") or "desk",
        "goals": items_list(form, "goals") or ["endurance"],
        "equipment": items_list(form, "equipment") or ["none"],
        "sports": [s.strip() for s in text(form, "sports").split(",") if s.strip()],
        "red_flags": {i: checked(form, f"rf:{i}") for i in red_ids if checked(form, f"rf:{i}")},
        "yellow_flags": {i: True for i in yellow_ids if checked(form, f"yf:{i}")},
        "hypertension": checked(form, "hypertension"),
        "notes": text(form, "notes"),
    }
    for name in (
        "pain_duration_weeks", "pain_now", "sitting_hours_per_day", "screen_hours_per_day",
        "minutes_per_session", "sessions_per_week",
    ):  # fmt: skip
        value = number(form, name)
        if value is not None:
            doc[name] = (
                int(value) if name in ("minutes_per_session", "sessions_per_week") else value
            )
    return Intake.model_validate(doc)


def assessment_from_form(form: Form, today: dt.date) -> AssessmentIn:
    """Fields: val:<test>:<side>, items:<test>, rating:<test>:<side>, cond:<test>, unit:<test>."""
    cat = battery()
    results: list[TestResult] = []
    for test_id in cat.input_ids():
        spec = cat.get(test_id)
        sides: list[str] = ["L", "R"] if spec.bilateral else ["-"]
        cond = text(form, f"cond:{test_id}") or None
        if spec.items is not None:
            raw = text(form, f"items:{test_id}")
            if raw:
                items: list[float | None] = []
                for k, part in enumerate(raw.replace(";", ",").split(","), start=1):
                    part = part.strip()
                    try:
                        items.append(None if part in ("", "-") else float(part))
                    except ValueError:
                        raise InvalidInput(
                            f"{test_id}: item {k} {part!r} is not a number"
                        ) from None
                version = text(form, f"version:{test_id}") or None
                results.append(TestResult(test_id=test_id, items=items, version=version))
            continue
        for side in sides:
            sd = None if side == "-" else Side(side)
            if spec.scoring == "rating":
                rating = text(form, f"rating:{test_id}:{side}")
                if rating:
                    results.append(TestResult(test_id=test_id, rating=rating, side=sd))
                continue
            value = number(form, f"val:{test_id}:{side}")
            if value is not None:
                results.append(
                    TestResult(
                        test_id=test_id, value=value, unit=spec.unit, side=sd, condition=cond
                    )
                )
    if not results:
        raise InvalidInput("results: enter at least one measurement")
    return AssessmentIn(
        date=day(form, "date", today), tester=text(form, "tester") or "clinician", results=results
    )


def log_from_form(form: Form, plan: SessionPlan, today: dt.date) -> SessionLogIn:
    """Fields per prescription position p and set k: p{p}s{k}_reps|hold|load|rpe|pain|ratio|lost."""
    if checked(form, "missed"):
        return SessionLogIn(
            date=day(form, "date", today), week=plan.week, index=plan.index, completed=False,
            notes=text(form, "notes") or "missed",
        )  # fmt: skip
    sets: list[SetLog] = []
    for p, rx in enumerate(plan.prescriptions, start=1):
        for k in range(1, rx.sets + 1):
            key = f"p{p}s{k}_"
            if checked(form, key + "skip"):
                continue
            reps = number(form, key + "reps")
            hold = number(form, key + "hold")
            if reps is None and hold is None:
                continue
            sets.append(
                SetLog(
                    exercise_id=rx.exercise_id,
                    set_index=k,
                    reps=int(reps) if reps is not None else None,
                    hold_s=hold,
                    load_kg=number(form, key + "load"),
                    level=int(lv) if (lv := number(form, key + "level")) is not None else None,
                    rpe=number(form, key + "rpe"),
                    pain_during=number(form, key + "pain") or 0.0,
                    emg_ratio=number(form, key + "ratio"),
                    technique_lost=checked(form, key + "lost"),
                )
            )
    return SessionLogIn(
        date=day(form, "date", today),
        week=plan.week,
        index=plan.index,
        sets=sets,
        pain_before=number(form, "pain_before"),
        pain_next_morning=number(form, "pain_next_morning"),
        fatigue=number(form, "fatigue"),
        readiness=number(form, "readiness"),
        new_symptoms=items_list(form, "new_symptoms"),
        notes=text(form, "notes"),
    )
