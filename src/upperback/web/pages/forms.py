"""Turn plain HTML form fields into the domain's documents (validation stays in the models).

Every error a user can cause here is a `FieldError`: the name of the form field it belongs
to and one line in a clinician's words ("Set 2 of Prone Y: pain must be 0-10"). Pages keep
what was typed in a `FormState` and show the message beside that field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from upperback.assessment.scoring import score_assessment
from upperback.errors import InvalidInput, UpperbackError
from upperback.knowledge.tests_catalog import battery
from upperback.model import intake as intake_model
from upperback.model.assessment import AssessmentIn, TestResult
from upperback.model.client import Client
from upperback.model.common import Side
from upperback.model.intake import Intake
from upperback.model.profile import Irritability
from upperback.model.program import SessionPlan
from upperback.model.session import SessionLogIn, SetLog

Form = Mapping[str, Any]
MAX_VALUES = 4000  # fields echoed back to a page (bounded: a form has a few hundred)


class FieldError(InvalidInput):
    """A form value the page shows beside its field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass
class FormState:
    """What the user typed (kept on any error) and the messages by field name."""

    values: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    submitted: bool = False

    @classmethod
    def of(cls, form: Form) -> FormState:
        values: dict[str, list[str]] = {}
        items = form.multi_items() if hasattr(form, "multi_items") else form.items()
        for k, v in list(items)[:MAX_VALUES]:
            if isinstance(v, str):
                values.setdefault(str(k), []).append(v)
        return cls(values=values, submitted=True)

    def v(self, name: str, default: object = "") -> str:
        """The typed value of a field, or the default on a fresh form."""
        got = self.values.get(name)
        if got is not None:
            return got[0]
        if self.submitted and name not in self.values and default in (True, "on"):
            return ""
        return "" if default is None else str(default)

    def has(self, name: str, value: str = "on", default: bool = False) -> bool:
        """Checkbox / radio / option state: what was sent, or the default on a fresh form."""
        if not self.submitted:
            return default
        return value in self.values.get(name, [])

    def err(self, name: str) -> str:
        return self.errors.get(name, "")

    def fail(self, exc: UpperbackError, default_field: str = "_form") -> str:
        """Record an error at its field; returns the message."""
        name = exc.field if isinstance(exc, FieldError) else default_field
        self.errors[name] = exc.message
        return exc.message


def text(form: Form, name: str, default: str = "") -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else default


def number(form: Form, name: str, label: str | None = None) -> float | None:
    raw = text(form, name)
    if raw == "":
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise FieldError(name, f"{label or name}: {raw!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FieldError(name, f"{label or name}: {raw!r} is not a number")
    return value


def day(form: Form, name: str, default: dt.date, label: str = "Date") -> dt.date:
    raw = text(form, name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FieldError(name, f"{label}: {raw!r} is not a date (YYYY-MM-DD)") from None


def checked(form: Form, name: str) -> bool:
    return text(form, name) in {"on", "1", "true", "yes"}


def items_list(form: Form, name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if getlist else [form.get(name)]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()][:100]


def _bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    info = model.model_fields.get(name)
    lo = hi = None
    for m in info.metadata if info is not None else ():
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else lo
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else hi
    return lo, hi


def plain(err: dict[str, Any], model: type[BaseModel], name: str) -> str:
    """A pydantic error as a clinician reads it: "must be 0-10", "is required"."""
    kind = str(err.get("type", ""))
    lo, hi = _bounds(model, name)
    if kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        if lo is not None and hi is not None:
            return f"must be {lo:g}-{hi:g}"
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), "")
        return f"must be {'at most' if 'less' in kind else 'at least'} {bound}"
    if kind in ("int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_parsing", "decimal_parsing"):
        return "must be a number"
    if kind == "missing":
        return "is required"
    if kind == "enum":
        return f"must be one of {err.get('ctx', {}).get('expected', 'the listed options')}"
    if kind in ("string_too_short",):
        return "is required" if err.get("input") == "" else "is too short"
    if kind == "string_too_long":
        return f"is too long (at most {err.get('ctx', {}).get('max_length')} characters)"
    return str(err.get("msg", "is not valid")).removeprefix("Value error, ")


# ---- intake ---------------------------------------------------------------------------

INTAKE_LABELS = {
    "date": "Date",
    "complaint": "Main complaint",
    "history": "History",
    "pain_duration_weeks": "Pain for (weeks)",
    "pain_now": "Pain now",
    "occupation": "Occupation",
    "work_posture": "Work posture",
    "sitting_hours_per_day": "Sitting hours per day",
    "screen_hours_per_day": "Screen hours per day",
    "sports": "Sports",
    "goals": "Goals",
    "equipment": "Equipment",
    "minutes_per_session": "Minutes per session",
    "sessions_per_week": "Sessions per week",
    "notes": "Notes",
}
INTAKE_INTEGERS = ("minutes_per_session", "sessions_per_week")
ANSWERS = ("yes", "no", "not_asked")


def _tri_state() -> bool:
    """True once the intake model records yes / no / not_asked (not just booleans)."""
    return "Answer" in vars(intake_model) and "not_asked" in {
        str(getattr(a, "value", a)) for a in vars(intake_model)["Answer"]
    }


def flag_answers(
    form: Form, ids: list[str], prefix: str, *, keep_not_asked: bool = False
) -> dict[str, Any]:
    """Yes / no / not asked radio answers by item id.

    An explicit "not asked" is kept (as "not_asked") when the model records it, so the
    screening can say what was not examined; a missing answer leaves the item out.
    """
    out: dict[str, Any] = {}
    for i in ids:
        raw = text(form, f"{prefix}:{i}")
        if raw in ("yes", "on"):
            out[i] = True
        elif raw == "no":
            out[i] = False
        elif raw == "not_asked":
            if keep_not_asked:
                out[i] = "not_asked"
        elif raw:
            raise FieldError(f"{prefix}:{i}", f"{i}: answer yes, no or not asked")
    return out


OPTIONAL_INTAKE = {
    "days_since_trauma": ("Days since the injury", "int"),
    "trauma_mechanism": ("Mechanism of injury", "choice"),
    "overhead_demand": ("Overhead demand of sport or work", "choice"),
    "performance_goal": ("Performance goal", "text"),
    "tsk11": ("TSK-11 total (11-44)", "int"),
    "fabq_pa": ("FABQ physical activity (0-24)", "int"),
    "no_equipment": ("No equipment at home", "check"),
    "rest_or_night_pain": ("Pain at rest or at night", "choice"),
    "settle_minutes": ("Minutes symptoms take to settle after aggravation", "int"),
}
"""Intake fields shown only when the intake model has them (added with the IFOMPT intake)."""


def optional_intake_fields() -> list[tuple[str, str, str, list[str]]]:
    """(name, label, kind, choices) of the optional fields the current model knows."""
    out = []
    for name, (label, kind) in OPTIONAL_INTAKE.items():
        info = Intake.model_fields.get(name)
        if info is None:
            continue
        ann = info.annotation
        choices = [str(m.value) for m in ann] if kind == "choice" and isinstance(ann, type) else []
        out.append((name, label, kind, choices))
    return out


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
        "sports": [s.strip() for s in text(form, "sports").split(",") if s.strip()][:20],
        "red_flags": flag_answers(form, red_ids, "rf", keep_not_asked=_tri_state()),
        "yellow_flags": {k: v for k, v in flag_answers(form, yellow_ids, "yf").items() if v},
        "hypertension": checked(form, "hypertension"),
        "notes": text(form, "notes"),
    }
    for name, label, kind, _choices in optional_intake_fields():
        if kind == "check":
            doc[name] = checked(form, name)
        elif kind == "int":
            value = number(form, name, label)
            if value is not None:
                if value != int(value):
                    raise FieldError(name, f"{label}: must be a whole number")
                doc[name] = int(value)
        elif text(form, name):
            doc[name] = text(form, name)
        INTAKE_LABELS.setdefault(name, label)
    for name in (
        "pain_duration_weeks",
        "pain_now",
        "sitting_hours_per_day",
        "screen_hours_per_day",
        *INTAKE_INTEGERS,
    ):
        value = number(form, name, INTAKE_LABELS[name])
        if value is None:
            continue
        if name in INTAKE_INTEGERS and value != int(value):
            raise FieldError(name, f"{INTAKE_LABELS[name]}: must be a whole number")
        doc[name] = int(value) if name in INTAKE_INTEGERS else value
    try:
        return Intake.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err.get("loc") else "_form"
        label = INTAKE_LABELS.get(name, name.replace("_", " "))
        raise FieldError(name, f"{label}: {plain(dict(err), Intake, name)}") from None


# ---- assessment -----------------------------------------------------------------------


def _strip_where(message: str) -> str:
    """'results[0] cva: value: 120 is outside 0-90' -> '120 is outside 0-90'."""
    parts = message.split(": ")
    return ": ".join(parts[2:]) if len(parts) > 2 else parts[-1]


def _result_field(test_id: str, side: str, r: TestResult) -> str:
    if r.items is not None:
        return f"items:{test_id}"
    if r.rating is not None:
        return f"rating:{test_id}:{side}"
    return f"val:{test_id}:{side}"


def assessment_from_form(form: Form, today: dt.date, client: Client | None = None) -> AssessmentIn:
    """Fields: val:<test>:<side>, item:<test>:<k>, act:psfs:<k>, rating:<test>:<side>, cond:<test>.

    With the client, each result is scored on its own first, so a bad value is reported at
    its own field with the test's name (nothing is stored until all of them pass).
    """
    cat = battery()
    results: list[TestResult] = []
    fields: list[tuple[str, str]] = []
    for test_id in cat.input_ids():
        spec = cat.get(test_id)
        sides: list[str] = ["L", "R"] if spec.bilateral else ["-"]
        cond = text(form, f"cond:{test_id}") or None
        if spec.items is not None:
            result = _items_result(
                form, test_id, spec.name, spec.items.max_count, spec.items.versions
            )
            if result is not None:
                results.append(result)
                fields.append((f"items:{test_id}", spec.name))
            continue
        for side in sides:
            sd = None if side == "-" else Side(side)
            label = spec.name + (f" ({side})" if sd else "")
            if spec.scoring == "rating":
                rating = text(form, f"rating:{test_id}:{side}")
                if rating:
                    results.append(TestResult(test_id=test_id, rating=rating, side=sd))
                    fields.append((f"rating:{test_id}:{side}", label))
                continue
            value = number(form, f"val:{test_id}:{side}", label)
            if value is not None:
                results.append(
                    TestResult(
                        test_id=test_id, value=value, unit=spec.unit, side=sd, condition=cond
                    )
                )
                fields.append((f"val:{test_id}:{side}", label))
    if not results:
        raise FieldError("_form", "Results: enter at least one measurement")
    date = day(form, "date", today)
    tester = text(form, "tester")
    if not tester:
        raise FieldError("tester", "Tester: is required")
    if client is not None:
        for r, (name, label) in zip(results, fields, strict=True):
            one = AssessmentIn(date=date, tester=tester, results=[r])
            try:
                score_assessment(
                    one, sex=client.sex, age=client.age_on(date), body_mass_kg=client.body_mass_kg
                )
            except InvalidInput as exc:
                if name.startswith("val:") and ": condition:" in exc.message:
                    name = f"cond:{r.test_id}"
                item = re.search(r"item (\d+)", exc.message)
                if (
                    name.startswith("items:")
                    and item
                    and any(k.startswith(f"item:{r.test_id}:") for k in form)
                ):
                    name = f"item:{r.test_id}:{item.group(1)}"
                raise FieldError(name, f"{label}: {_strip_where(exc.message)}") from None
    irritability = text(form, "irritability")
    if irritability and irritability not in {i.value for i in Irritability}:
        raise FieldError(
            "irritability", f"Irritability: {irritability[:40]!r} is not low, moderate or high"
        )
    return AssessmentIn(
        date=date,
        tester=tester,
        results=results,
        irritability=Irritability(irritability) if irritability else None,
    )


def _items_result(
    form: Form, test_id: str, name: str, max_count: int, versions: list[str]
) -> TestResult | None:
    """NDI: one answer (0-5) per item; PSFS: activity + score rows; any other: comma list."""
    if test_id == "psfs":
        scores: list[float | None] = []
        activities: list[str] = []
        for k in range(1, max_count + 1):
            act = text(form, f"act:{test_id}:{k}")[:200]
            raw = text(form, f"item:{test_id}:{k}")
            if not act and not raw:
                continue
            if not act:
                raise FieldError(f"act:{test_id}:{k}", f"{name}, activity {k}: name the activity")
            if not raw:
                raise FieldError(
                    f"item:{test_id}:{k}", f"{name}, activity {k} ({act}): give a score 0-10"
                )
            score = number(form, f"item:{test_id}:{k}", f"{name}, activity {k} ({act})")
            if score is None or not 0 <= score <= 10:
                raise FieldError(
                    f"item:{test_id}:{k}",
                    f"{name}, activity {k} ({act}): score must be 0-10, got {raw}",
                )
            scores.append(score)
            activities.append(act)
        if not scores:
            return None
        if len(scores) < 3:
            raise FieldError(
                f"act:{test_id}:{len(scores) + 1}",
                f"{name}: name 3 to 5 activities (given {len(scores)})",
            )
        version = text(form, f"version:{test_id}") or (versions[0] if versions else None)
        return TestResult(
            test_id=test_id,
            items=scores,
            version=version,
            note="activities: " + "; ".join(activities),
        )
    per_item = [text(form, f"item:{test_id}:{k}") for k in range(1, max_count + 1)]
    if any(per_item):
        items: list[float | None] = []
        for k, raw in enumerate(per_item, start=1):
            items.append(
                None if raw == "" else number(form, f"item:{test_id}:{k}", f"{name}, item {k}")
            )
        version = text(form, f"version:{test_id}") or (versions[0] if versions else None)
        return TestResult(test_id=test_id, items=items, version=version)
    raw = text(form, f"items:{test_id}")
    if not raw:
        return None
    parsed: list[float | None] = []
    for k, part in enumerate(raw.replace(";", ",").split(","), start=1):
        part = part.strip()
        try:
            parsed.append(None if part in ("", "-") else float(part))
        except ValueError:
            raise FieldError(
                f"items:{test_id}", f"{name}, trial {k}: {part!r} is not a number"
            ) from None
    version = text(form, f"version:{test_id}") or None
    return TestResult(test_id=test_id, items=parsed, version=version)


# ---- session log ----------------------------------------------------------------------

SET_WORDS = {
    "reps": ("reps", "repetitions"),
    "hold_s": ("hold", "hold (s)"),
    "load_kg": ("load", "load (kg)"),
    "level": ("level", "level"),
    "rpe": ("rpe", "effort (RPE)"),
    "pain_during": ("pain", "pain"),
    "emg_ratio": ("ratio", "sEMG ratio"),
    "set_index": ("reps", "set"),
}
LOG_LABELS = {
    "pain_before": "Pain before",
    "pain_next_morning": "Pain next morning",
    "fatigue": "Fatigue",
    "readiness": "Readiness",
    "date": "Date",
    "notes": "Notes",
}


def _set_log(p: int, k: int, rx_name: str, values: dict[str, Any]) -> SetLog:
    try:
        return SetLog.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err.get("loc") else "reps"
        suffix, words = SET_WORDS.get(name, ("reps", name.replace("_", " ")))
        if err.get("type") == "value_error":
            msg = str(err.get("msg", "")).removeprefix("Value error, ")
            raise FieldError(f"p{p}s{k}_{suffix}", f"Set {k} of {rx_name}: {msg}") from None
        raise FieldError(
            f"p{p}s{k}_{suffix}", f"Set {k} of {rx_name}: {words} {plain(dict(err), SetLog, name)}"
        ) from None


def log_from_form(form: Form, plan: SessionPlan, today: dt.date) -> SessionLogIn:
    """Fields per prescription position p and set k: p{p}s{k}_reps|hold|load|rpe|pain|ratio|lost."""
    if checked(form, "missed"):
        return SessionLogIn(
            date=day(form, "date", today),
            week=plan.week,
            index=plan.index,
            completed=False,
            notes=text(form, "notes") or "missed",
        )
    sets: list[SetLog] = []
    for p, rx in enumerate(plan.prescriptions, start=1):
        for k in range(1, rx.sets + 1):
            key = f"p{p}s{k}_"
            if checked(form, key + "skip"):
                continue

            def num(
                suffix: str, words: str, _key: str = key, _k: int = k, _n: str = rx.name
            ) -> float | None:
                return number(form, _key + suffix, f"Set {_k} of {_n}: {words}")

            reps = num("reps", "repetitions")
            hold = num("hold", "hold (s)")
            if reps is None and hold is None:
                continue
            if reps is not None and reps != int(reps):
                raise FieldError(
                    key + "reps", f"Set {k} of {rx.name}: repetitions must be a whole number"
                )
            lv = num("level", "level")
            sets.append(
                _set_log(
                    p,
                    k,
                    rx.name,
                    {
                        "exercise_id": rx.exercise_id,
                        "set_index": k,
                        "reps": int(reps) if reps is not None else None,
                        "hold_s": hold,
                        "load_kg": num("load", "load (kg)"),
                        "level": int(lv) if lv is not None else None,
                        "rpe": num("rpe", "effort (RPE)"),
                        "pain_during": num("pain", "pain") or 0.0,
                        "emg_ratio": num("ratio", "sEMG ratio"),
                        "technique_lost": checked(form, key + "lost"),
                    },
                )
            )
    doc: dict[str, Any] = {
        "date": day(form, "date", today),
        "week": plan.week,
        "index": plan.index,
        "sets": sets,
        "new_symptoms": items_list(form, "new_symptoms"),
        "notes": text(form, "notes"),
    }
    for name in ("pain_before", "pain_next_morning", "fatigue", "readiness"):
        doc[name] = number(form, name, LOG_LABELS[name])
    try:
        return SessionLogIn.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err.get("loc") else "_form"
        label = LOG_LABELS.get(name, name.replace("_", " ").capitalize())
        raise FieldError(name, f"{label}: {plain(dict(err), SessionLogIn, name)}") from None
