"""Use case: progress against clinically meaningful change, adherence, and series for plots."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from upperback.model.outcome import AdherenceSummary, OutcomePoint, OutcomeSummary
from upperback.outcomes import adherence, summarize
from upperback.services.access import Actor, client_for
from upperback.services.database import Database
from upperback.services.program import current_program_row, plan_logs
from upperback.store.mapping import program_from_row, scored_from_row
from upperback.store.tables import AssessmentRow, OutcomeRow


@dataclass(frozen=True)
class Progress:
    outcomes: list[OutcomeSummary]
    adherence: AdherenceSummary | None
    series: dict[str, list[OutcomePoint]]
    adaptations_count: int


def progress(db: Database, actor: Actor, client_id: int, *, today: dt.date) -> Progress:
    from upperback.store.tables import AdaptationRow

    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        assessments = [
            scored_from_row(r)
            for r in s.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.client_id == client_id)
                .order_by(AssessmentRow.date, AssessmentRow.id)
            )
        ]
        outcomes = summarize(assessments) if assessments else []
        row = current_program_row(s, client_id)
        adh: AdherenceSummary | None = None
        if row is not None:
            program = program_from_row(row)
            planned = [program.session_date(p.week, p.index) for p in program.sessions]
            adh = adherence(planned, plan_logs(s, client_id, program), today=today)
        series: dict[str, list[OutcomePoint]] = defaultdict(list)
        for o in s.scalars(
            select(OutcomeRow)
            .where(OutcomeRow.client_id == client_id)
            .order_by(OutcomeRow.date, OutcomeRow.id)
        ):
            series[o.measure].append(
                OutcomePoint(measure=o.measure, date=o.date, value=o.value, unit=o.unit)
            )
        n_adapt = s.scalar(
            select(func.count())
            .select_from(AdaptationRow)
            .where(AdaptationRow.client_id == client_id)
        )
        return Progress(
            outcomes=outcomes, adherence=adh, series=dict(series), adaptations_count=n_adapt or 0
        )
