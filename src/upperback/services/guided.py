"""The guided session on the client's phone: a draft saved set by set, then one log.

A draft is the client's progress through the next session (done sets, per-exercise pain and
effort); it survives a closed tab or a lost connection. Finishing turns it into exactly one
session log through `sessions.log_session` (a second finish of the same session is refused,
so two tabs never store it twice).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, ValidationError, model_validator

from upperback.errors import InvalidInput
from upperback.knowledge.loader import describe_validation_error
from upperback.model.common import Frozen
from upperback.model.program import SessionPlan
from upperback.model.session import SessionLogIn, SetLog
from upperback.services import sessions
from upperback.services.access import Actor, audit, client_for
from upperback.services.database import Database
from upperback.store.client_side import ClientSide

MAX_DRAFT_SETS = 200


class DoneSet(Frozen):
    """One set as the client reported it; `as_prescribed` means the dose was met."""

    ex: int = Field(ge=0, le=20, description="Position of the exercise in the session.")
    set: int = Field(ge=1, le=20)
    reps: int | None = Field(default=None, ge=0, le=200)
    hold_s: float | None = Field(default=None, ge=0, le=1800)
    lost_form: bool = False


class ExerciseRating(Frozen):
    ex: int = Field(ge=0, le=20)
    pain: float = Field(ge=0, le=10)
    effort: float = Field(ge=1, le=10)


class Draft(Frozen):
    week: int = Field(ge=1, le=52)
    index: int = Field(ge=1, le=7)
    sets: list[DoneSet] = Field(default_factory=list, max_length=MAX_DRAFT_SETS)
    ratings: list[ExerciseRating] = Field(default_factory=list, max_length=20)
    position: dict[str, int] = Field(default_factory=dict, max_length=4)
    notes: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _unique(self) -> Draft:
        keys = [(s.ex, s.set) for s in self.sets]
        if len(keys) != len(set(keys)):
            raise ValueError("a set is listed twice")
        return self


def parse_draft(raw: Any) -> Draft:
    try:
        return Draft.model_validate(raw)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, "draft")) from None


def save_draft(db: Database, actor: Actor, client_id: int, draft: Draft) -> None:
    """Store (replace) the draft of this session; the newer draft with more sets wins."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        store = ClientSide(s)
        stored = store.draft(client_id, draft.week, draft.index)
        if stored is not None:  # sets from another tab or the offline queue are kept
            old = parse_draft(stored)
            merged = {(x.ex, x.set): x for x in old.sets} | {(x.ex, x.set): x for x in draft.sets}
            ratings = {r.ex: r for r in old.ratings} | {r.ex: r for r in draft.ratings}
            draft = draft.model_copy(
                update={
                    "sets": sorted(merged.values(), key=lambda x: (x.ex, x.set)),
                    "ratings": sorted(ratings.values(), key=lambda r: r.ex),
                }
            )
        store.put_draft(client_id, draft.week, draft.index, draft.model_dump(mode="json"))
        audit(s, actor, "session.draft", client_id)
        uow.commit()


def load_draft(db: Database, actor: Actor, client_id: int, week: int, index: int) -> Draft | None:
    with db.uow() as uow:
        client_for(uow.session, actor, client_id)
        stored = ClientSide(uow.session).draft(client_id, week, index)
        return parse_draft(stored) if stored is not None else None


def draft_to_log(draft: Draft, plan: SessionPlan, day: dt.date) -> SessionLogIn:
    """The session log a finished draft stands for; every exercise needs pain and effort."""
    if (draft.week, draft.index) != plan.key:
        raise InvalidInput(
            f"session: this is not the next session (week {plan.week}, "
            f"session {plan.index}); reload the page"
        )
    ratings = {r.ex: r for r in draft.ratings}
    sets: list[SetLog] = []
    for done in sorted(draft.sets, key=lambda x: (x.ex, x.set)):
        if done.ex >= len(plan.prescriptions):
            raise InvalidInput(f"sets: exercise {done.ex + 1} is not in this session")
        rx = plan.prescriptions[done.ex]
        rating = ratings.get(done.ex)
        if rating is None:
            raise InvalidInput(f"{rx.name}: tell us the pain and effort for this exercise first")
        reps = done.reps if done.reps is not None else (rx.reps if rx.hold_s is None else None)
        hold = done.hold_s if done.hold_s is not None else rx.hold_s
        sets.append(
            SetLog(
                exercise_id=rx.exercise_id,
                set_index=done.set,
                reps=reps,
                hold_s=float(hold) if hold is not None else None,
                load_kg=rx.load_kg,
                level=rx.level,
                rpe=rating.effort,
                pain_during=rating.pain,
                technique_lost=done.lost_form,
            )
        )
    if not sets:
        raise InvalidInput("sets: no set is done yet; do at least one set before finishing")
    return SessionLogIn(date=day, week=plan.week, index=plan.index, sets=sets, notes=draft.notes)


def finish(
    db: Database, actor: Actor, client_id: int, draft: Draft, plan: SessionPlan, day: dt.date
) -> sessions.LogOutcome:
    """Log the session once (a second finish is a Conflict) and drop its draft."""
    outcome = sessions.log_session(db, actor, client_id, draft_to_log(draft, plan, day))
    with db.uow(write=True) as uow:
        client_for(uow.session, actor, client_id)
        ClientSide(uow.session).drop_draft(client_id, draft.week, draft.index)
        uow.commit()
    return outcome
