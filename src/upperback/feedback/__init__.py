"""Adaptive feedback: every logged session changes what comes next, by readable rules.

Public API:
    adapt              one logged session -> AdaptationResult (next program version + reasons)
    next_session       first planned session not yet logged
    replan             regenerate the untrained weeks after reassessment
    apply_overrides    clinician overrides (never undone by the engine)
    override_adaptations  the `override.clinician` records for overrides
    RULE_TABLE         rule ids with what fires them and their source
"""

from upperback.feedback.engine import adapt
from upperback.feedback.navigate import next_session
from upperback.feedback.overrides import apply_overrides, override_adaptations
from upperback.feedback.replan import replan
from upperback.feedback.result import AdaptationResult
from upperback.feedback.table import RULE_TABLE, RuleInfo

__all__ = [
    "RULE_TABLE",
    "AdaptationResult",
    "RuleInfo",
    "adapt",
    "apply_overrides",
    "next_session",
    "override_adaptations",
    "replan",
]
