"""The printable home-exercise program: the coming week's sessions with doses and cues."""

from __future__ import annotations

import datetime as dt

from upperback import __version__
from upperback.errors import NotFound, SafetyBlock
from upperback.knowledge.loader import exercise_library
from upperback.model.program import Program, SessionPlan
from upperback.model.session import SessionLog
from upperback.preface.gate import program_allowed
from upperback.report._templates import home_template
from upperback.report.data import ReportData


def home_week(program: Program, logs: list[SessionLog]) -> int:
    """The week of the first session not yet logged (the last week once all are done)."""
    done = {(log.week, log.index) for log in logs}
    for s in program.sessions:
        if (s.week, s.index) not in done:
            return s.week
    return program.weeks


def week_sessions(program: Program, week: int) -> list[SessionPlan]:
    return [s for s in program.sessions if s.week == week]


class _Library:
    """Exercise lookup that tolerates ids missing from the library (None instead of error)."""

    def get(self, exercise_id: str) -> object | None:
        lib = exercise_library()
        return lib.by_id.get(exercise_id)


def home_program_html(data: ReportData, *, week: int | None = None) -> str:
    if data.program is None:
        raise NotFound("no program yet for this client: plan one first")
    allowed, why = program_allowed(data.screening, data.clearance)
    if not allowed or data.program.stopped_reason:
        # Never hand a client doses while a referral is open.
        raise SafetyBlock(
            f"program suspended: {why if not allowed else data.program.stopped_reason}"
        )
    prog = data.program
    wk = week if week is not None else home_week(prog, data.logs)
    sessions = week_sessions(prog, wk)
    if not sessions:
        raise NotFound(f"week: the program has no week {wk} (1-{prog.weeks})")
    dates: list[dt.date] = [prog.session_date(s.week, s.index) for s in sessions]
    return home_template.render(
        client=data.client,
        program=prog,
        week=wk,
        phase=prog.phase_of(wk),
        sessions=sessions,
        dates=dates,
        library=_Library(),
        version=__version__,
    )
