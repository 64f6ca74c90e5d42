"""Questionnaires on the client's phone: assigned, answered, scored, judged against MCID.

Scoring reuses the assessment rules (NDI pro-rating, PSFS mean) and the change thresholds of
tests.yaml; the fear-of-movement score carries its own threshold in questionnaires.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from pydantic import Field, ValidationError

from upperback.assessment.instruments import ndi_percent, psfs_mean
from upperback.errors import Conflict, InvalidInput, NotFound
from upperback.knowledge.loader import data_path, describe_validation_error, read_yaml
from upperback.knowledge.tests_catalog import ChangeThreshold, battery
from upperback.model.common import Frozen
from upperback.model.outcome import OutcomePoint
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.store.client_side import AssignmentRec, ClientSide
from upperback.store.records import Records
from upperback.store.writes import Writer

SCHEDULE_DAYS_BEFORE = 7
"""Scheduled questionnaires open a week before each reassessment week [design]."""
SCHEDULED = ("nprs", "ndi", "fear")


class Item(Frozen):
    text: str = Field(min_length=2)
    options: list[str] = Field(min_length=2, max_length=11)


class Instrument(Frozen):
    id: str = Field(pattern=r"^[a-z]+$")
    title: str
    intro: str
    test_id: str | None = None
    items: list[Item]
    score_range: tuple[float, float] | None = None
    higher_is_better: bool = False
    change: ChangeThreshold | None = None


class QuestionnaireSet(Frozen):
    instruments: list[Instrument] = Field(min_length=1)


@cache
def instruments() -> dict[str, Instrument]:
    raw = read_yaml(data_path("questionnaires.yaml"))
    try:
        qs = QuestionnaireSet.model_validate(raw)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, "questionnaires.yaml")) from None
    return {i.id: i for i in qs.instruments}


def instrument(name: str) -> Instrument:
    found = instruments().get(name)
    if found is None:
        raise InvalidInput(f"instrument: '{name}' is not one of {', '.join(instruments())}")
    return found


def threshold(inst: Instrument) -> tuple[ChangeThreshold | None, bool]:
    """The applied change threshold and the better direction (True = higher is better)."""
    if inst.test_id is not None:
        spec = battery().get(inst.test_id)
        return spec.applied_change(), spec.higher_is_better
    return inst.change, inst.higher_is_better


def score(inst: Instrument, answers: list[float], activities: list[str]) -> float:
    """The instrument's score from the answers (option positions or 0-10 ratings)."""
    if inst.id == "psfs":
        if len(answers) != len(activities) or not activities:
            raise InvalidInput("answers: rate each activity from 0 to 10")
        rules = battery().get("psfs").items
        assert rules is not None
        return psfs_mean(answers, "1", rules, "psfs")[0]
    if len(answers) != len(inst.items):
        raise InvalidInput(f"answers: answer all {len(inst.items)} questions")
    for n, (a, item) in enumerate(zip(answers, inst.items, strict=True), start=1):
        if not (0 <= a < len(item.options)) or a != int(a):
            raise InvalidInput(f"question {n}: choose one of the answers")
    if inst.id == "ndi":
        rules = battery().get("ndi").items
        assert rules is not None
        return ndi_percent(answers, rules, "ndi")[0]
    if inst.id == "fear":
        return float(sum(answers) + len(answers))  # options 0-3 -> 1-4 points each
    return float(answers[0])


@dataclass(frozen=True)
class Assignment:
    id: int
    instrument: str
    title: str
    due: dt.date
    origin: str
    activities: list[str]
    completed: bool


@dataclass(frozen=True)
class Result:
    """A scored response with its change from the first one and whether that change matters."""

    instrument: str
    title: str
    date: dt.date
    score: float
    baseline: float | None
    change: float | None
    threshold: float | None
    threshold_kind: str | None
    meaningful: bool | None
    improved: bool | None
    source: str


def _assignment(a: AssignmentRec) -> Assignment:
    return Assignment(
        a.id,
        a.instrument,
        instrument(a.instrument).title,
        a.due,
        a.origin,
        a.activities,
        a.completed,
    )


def assign(
    db: Database,
    actor: Actor,
    client_id: int,
    name: str,
    *,
    due: dt.date,
    activities: list[str] | None = None,
) -> Assignment:
    """The clinician sends a questionnaire (PSFS with the activities chosen together)."""
    require_clinician(actor, "send questionnaires")
    instrument(name)
    acts = [a.strip()[:120] for a in (activities or []) if a.strip()]
    if name == "psfs" and not 3 <= len(acts) <= 5:
        raise InvalidInput("activities: choose 3 to 5 activities with the client")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rec = ClientSide(s).add_assignment(client_id, name, due, "clinician", acts)
        audit(s, actor, "questionnaire.assign", client_id)
        uow.commit()
        return _assignment(rec)


def schedule_before_reassessment(db: Database, actor: Actor, client_id: int, today: dt.date) -> int:
    """Open NPRS, NDI and fear-of-movement a week before each reassessment week (idempotent)."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        prog = Records(s).current_program(client_id)
        if prog is None:
            return 0
        store = ClientSide(s)
        starts = sorted(
            {
                prog.session_date(p.week, 1)
                for p in prog.sessions
                if p.kind.value == "deload" and p.index == 1
            }
        )
        made = 0
        for start in starts:
            if not today <= start <= today + dt.timedelta(days=SCHEDULE_DAYS_BEFORE):
                continue
            for name in SCHEDULED:
                if not store.has_assignment(client_id, name, start):
                    store.add_assignment(client_id, name, start, "schedule", [])
                    made += 1
        if made:
            audit(s, actor, "questionnaire.schedule", client_id)
            uow.commit()
        return made


def due_for_client(db: Database, actor: Actor, client_id: int, today: dt.date) -> list[Assignment]:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        return [_assignment(a) for a in ClientSide(uow.session).open_assignments(client_id)]


def get_assignment(db: Database, actor: Actor, client_id: int, assignment_id: int) -> Assignment:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        rec = ClientSide(uow.session).assignment(assignment_id)
        if rec is None or rec.client_id != client_id:
            raise NotFound("questionnaire: not found; go back to Today")
        return _assignment(rec)


def answer(
    db: Database,
    actor: Actor,
    client_id: int,
    assignment_id: int,
    answers: list[float],
    today: dt.date,
) -> float:
    """Score and store the answers once; the score becomes an outcome point."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        store = ClientSide(s)
        rec = store.assignment(assignment_id)
        if rec is None or rec.client_id != client_id:
            raise NotFound("questionnaire: not found; go back to Today")
        if rec.completed:
            raise Conflict("questionnaire: already answered, thank you")
        value = score(instrument(rec.instrument), answers, rec.activities)
        store.add_response(rec, today, answers, value)
        Writer(s).add_outcomes(
            client_id,
            [
                OutcomePoint(
                    measure=f"questionnaire_{rec.instrument}", date=today, value=value, unit="score"
                )
            ],
            "questionnaire",
        )
        audit(s, actor, "questionnaire.answer", client_id)
        uow.commit()
        return value


def results(db: Database, actor: Actor, client_id: int) -> list[Result]:
    """Every scored response, each compared with the client's first score on that instrument."""
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        rows = ClientSide(uow.session).responses(client_id)
    first: dict[str, float] = {}
    out: list[Result] = []
    for name, day, value in rows:
        inst = instrument(name)
        th, higher_better = threshold(inst)
        is_first = name not in first
        base = first.setdefault(name, value)
        change = None if is_first else value - base
        improved = None if change is None else (change > 0) == higher_better and change != 0
        meaningful = None if change is None or th is None else abs(change) >= th.value
        out.append(
            Result(
                name,
                inst.title,
                day,
                value,
                None if is_first else base,
                change,
                th.value if th else None,
                th.kind if th else None,
                meaningful,
                improved,
                f"{th.source} [{th.evidence.value}]" if th else "",
            )
        )
    return out
