"""Guards every use case shares: "is there a program?" and "does a referral block loading?".

Written once here (they were repeated in four and five places) so the message a user sees
and the rule behind it are the same wherever they are checked.
"""

from __future__ import annotations

from upperback.errors import NotFound
from upperback.model.program import Program
from upperback.preface.gate import program_allowed
from upperback.store.records import Records

NO_PROGRAM = "no program yet for this client: run `upperback plan` first"


def require_program(records: Records, client_id: int) -> Program:
    """The client's current program, or NotFound naming the step that makes one."""
    program = records.current_program(client_id)
    if program is None:
        raise NotFound(NO_PROGRAM)
    return program


def referral_gate(records: Records, client_id: int) -> str | None:
    """Why loading is blocked (no screening, or an uncleared referral), or None if it may go on."""
    screening, clearance = records.open_referral(client_id)
    allowed, why = program_allowed(screening, clearance)
    return None if allowed else why
