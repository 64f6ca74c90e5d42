"""Outcomes: change against MCID/MDC, adherence and responders, dashboard flags (pure)."""

from upperback.outcomes.adherence import adherence, program_adherence
from upperback.outcomes.change import responder, summarize
from upperback.outcomes.flags import Flags, client_flags

__all__ = ["Flags", "adherence", "client_flags", "program_adherence", "responder", "summarize"]
