"""What one adaptation step returns."""

from __future__ import annotations

from pydantic import Field

from upperback.model.adaptation import Adaptation
from upperback.model.common import Frozen
from upperback.model.intake import ScreeningResult
from upperback.model.program import Program


class AdaptationResult(Frozen):
    """The next program version, every change with its reason, and any referral."""

    program: Program
    adaptations: list[Adaptation] = Field(default_factory=list)
    referral: ScreeningResult | None = None
    stopped: bool = False

    def fired(self) -> set[str]:
        return {a.rule_id for a in self.adaptations}
