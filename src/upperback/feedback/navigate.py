"""Where the client is in the program."""

from __future__ import annotations

from collections.abc import Sequence

from upperback.model.program import Program, SessionPlan
from upperback.model.session import SessionLogIn


def next_session(program: Program, logs: Sequence[SessionLogIn]) -> SessionPlan | None:
    """The first planned session not yet logged; None when stopped or finished."""
    if program.stopped_reason:
        return None
    done = {(log.week, log.index) for log in logs}
    return next((s for s in program.sessions if s.key not in done), None)
