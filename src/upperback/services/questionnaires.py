"""Questionnaires on the client's phone: assigned, answered, scored, judged against MCID.

Scoring reuses the assessment rules (NDI pro-rating, PSFS mean) and the change thresholds of
tests.yaml; the fear-of-movement score carries its own threshold in questionnaires.yaml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from pydantic import Field, ValidationError
from sqlalchemy import select

from upperback.assessment.instruments import ndi_percent, psfs_mean
from upperback.errors import Conflict, InvalidInput, NotFound
from upperback.knowledge.loader import data_path, describe_validation_error, read_yaml
from upperback.knowledge.tests_catalog import ChangeThreshold, battery
from upperback.model.common import Frozen
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.database import Database
from upperback.services.program import current_program_row
from upperback.store.mapping import program_from_row
from upperback.store.tables import (
    OutcomeRow,
    QuestionnaireAssignmentRow,
    QuestionnaireResponseRow,
)

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


def _assignment(row: QuestionnaireAssignmentRow) -> Assignment:
    return Assignment(row.id, row.instrument, instrument(row.instrument).title, row.due,
                      row.origin, list(row.activities), row.completed is not None)


def assign(db: Database, actor: Actor, client_id: int, name: str, *, due: dt.date,
           activities: list[str] | None = None) -> Assignment:
    """The clinician sends a questionnaire (PSFS with the activities chosen together)."""
    require_clinician(actor, "send questionnaires")
    instrument(name)
    acts = [a.strip()[:120] for a in (activities or []) if a.strip()]
    if name == "psfs" and not 3 <= len(acts) <= 5:
        raise InvalidInput("activities: choose 3 to 5 activities with the client")
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = QuestionnaireAssignmentRow(client_id=client_id, instrument=name, due=due,
                                         origin="clinician", activities=acts)
        s.add(row)
        audit(s, actor, "questionnaire.assign", client_id)
        s.flush()
        uow.commit()
        return _assignment(row)


def schedule_before_reassessment(db: Database, actor: Actor, client_id: int,
                                 today: dt.date) -> int:
    """Open NPRS, NDI and fear-of-movement a week before each reassessment week (idempotent)."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = current_program_row(s, client_id)
        if row is None:
            return 0
        prog = program_from_row(row)
        starts = sorted({prog.session_date(p.week, 1) for p in prog.sessions
                         if p.kind.value == "deload" and p.index == 1})
        made = 0
        for start in starts:
            if not today <= start <= today + dt.timedelta(days=SCHEDULE_DAYS_BEFORE):
                continue
            for name in SCHEDULED:
                exists = s.scalars(select(QuestionnaireAssignmentRow).where(
                    QuestionnaireAssignmentRow.client_id == client_id,
                    QuestionnaireAssignmentRow.instrument == name,
                    QuestionnaireAssignmentRow.due == start)).first()
                if exists is None:
                    s.add(QuestionnaireAssignmentRow(client_id=client_id, instrument=name,
                                                     due=start, origin="schedule", activities=[]))
                    made += 1
        if made:
            audit(s, actor, "questionnaire.schedule", client_id)
            uow.commit()
        return made


def due_for_client(db: Database, actor: Actor, client_id: int, today: dt.date) -> list[Assignment]:
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rows = s.scalars(select(QuestionnaireAssignmentRow).where(
            QuestionnaireAssignmentRow.client_id == client_id,
            QuestionnaireAssignmentRow.completed.is_(None)).order_by(
            QuestionnaireAssignmentRow.due, QuestionnaireAssignmentRow.id).limit(20))
        return [_assignment(r) for r in rows]


def get_assignment(db: Database, actor: Actor, client_id: int, assignment_id: int) -> Assignment:
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.get(QuestionnaireAssignmentRow, assignment_id)
        if row is None or row.client_id != client_id:
            raise NotFound("questionnaire: not found; go back to Today")
        return _assignment(row)


def answer(db: Database, actor: Actor, client_id: int, assignment_id: int,
           answers: list[float], today: dt.date) -> float:
    """Score and store the answers once; the score becomes an outcome point."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.get(QuestionnaireAssignmentRow, assignment_id)
        if row is None or row.client_id != client_id:
            raise NotFound("questionnaire: not found; go back to Today")
        if row.completed is not None:
            raise Conflict("questionnaire: already answered, thank you")
        inst = instrument(row.instrument)
        value = score(inst, answers, list(row.activities))
        s.add(QuestionnaireResponseRow(assignment_id=row.id, client_id=client_id,
                                       instrument=row.instrument, date=today,
                                       answers=list(answers), score=value))
        row.completed = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        s.add(OutcomeRow(client_id=client_id, measure=f"questionnaire_{row.instrument}",
                         date=today, value=value, unit="score", origin="questionnaire"))
        audit(s, actor, "questionnaire.answer", client_id)
        uow.commit()
        return value


def results(db: Database, actor: Actor, client_id: int) -> list[Result]:
    """Every scored response, each compared with the client's first score on that instrument."""
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rows = [(r.instrument, r.date, r.score) for r in s.scalars(
            select(QuestionnaireResponseRow).where(
                QuestionnaireResponseRow.client_id == client_id).order_by(
                QuestionnaireResponseRow.date, QuestionnaireResponseRow.id).limit(500))]
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
        out.append(Result(name, inst.title, day, value,
                          None if is_first else base, change, th.value if th else None,
                          th.kind if th else None, meaningful, improved,
                          f"{th.source} [{th.evidence.value}]" if th else ""))
    return out
