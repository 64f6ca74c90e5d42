"""Outcomes: change against MCID/MDC, adherence and responders (pure)."""

from upperback.outcomes.adherence import adherence
from upperback.outcomes.change import responder, summarize

__all__ = ["adherence", "responder", "summarize"]
