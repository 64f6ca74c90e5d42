"""Schema and loader of the red-flag catalogue (knowledge/data/red_flags.yaml).

Red flags send the client to a clinician instead of the gym. Stand-alone flags refer on
their own; rule items (Cook 2010 myelopathy cluster, Canadian C-spine rule) count only
inside their scored rule. Yellow flags never refer; they shape dosing and education.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from upperback.errors import InvalidInput
from upperback.knowledge.loader import (
    data_path,
    describe_validation_error,
    read_yaml,
    validate_entries,
)
from upperback.knowledge.schema import Evidence
from upperback.model.common import Frozen
from upperback.model.intake import Answer, Urgency

_ID = r"^[a-z][a-z0-9_]*$"


class RedFlagItem(Frozen):
    """One screening question; `kind=rule_item` items refer only through a scored rule."""

    id: str = Field(pattern=_ID, max_length=60)
    domain: str = Field(pattern=_ID)
    kind: Literal["flag", "rule_item", "precaution"] = "flag"
    asked_by: Literal["client", "clinician"] = Field(
        default="client", description="Who answers: the client, or the clinician by examination."
    )
    question: str = Field(min_length=10, description="Plain-language question for the client.")
    label: str = Field(min_length=3, description="Clinician-facing name of the finding.")
    short: str = Field(
        default="",
        description="Neutral name of what is asked or examined (no verdict), e.g. 'Hoffmann "
        "sign'; names a not-asked item and a scored rule's criterion. Defaults to the label.",
    )
    urgency: Urgency = Field(
        description="Urgency when this flag alone is positive (a precaution: when combined)."
    )
    refer_with_domains: list[str] = Field(
        default_factory=list,
        description="A precaution becomes a referral at `urgency` when a hit in one of these "
        "domains is also present.",
    )
    action: str = Field(min_length=5)
    client_note: str = Field(
        default="",
        description="A precaution's one-line safety note for the client (plain words, no ids).",
    )
    checkin_question: str = Field(
        default="",
        description="A precaution's yes/no question at the morning check-in; 'yes' alerts "
        "the clinician.",
    )
    source: str = Field(min_length=3)
    evidence: Evidence

    @model_validator(mode="after")
    def _flags_refer(self) -> RedFlagItem:
        if self.kind in ("flag", "precaution") and self.urgency == Urgency.none:
            raise ValueError(f"a {self.kind} needs an urgency above 'none'")
        if self.refer_with_domains and self.kind != "precaution":
            raise ValueError("refer_with_domains applies to precautions only")
        if (self.client_note or self.checkin_question) and self.kind != "precaution":
            raise ValueError("client_note and checkin_question apply to precautions only")
        return self

    @property
    def name(self) -> str:
        """What is asked or examined, without a verdict."""
        return self.short or self.label


class RuleLevel(Frozen):
    """Outcome of a scored rule once at least `min_positive` criteria are met."""

    min_positive: int = Field(ge=1, le=10)
    urgency: Urgency
    label: str = Field(min_length=3)
    action: str = Field(min_length=5)


class LowRiskFactor(Frozen):
    """A Canadian C-spine style low-risk factor: present when `item` is answered `when`."""

    item: str = Field(pattern=_ID)
    when: Answer


class ScoredRule(Frozen):
    """A clinical prediction rule: count positive items (plus an age criterion)."""

    id: str = Field(pattern=_ID)
    domain: str = Field(pattern=_ID)
    items: list[str] = Field(min_length=1)
    requires: list[str] = Field(
        default_factory=list, description="Items that must be positive for the rule to apply."
    )
    age_over: int | None = Field(
        default=None, description="Age strictly above counts as a criterion."
    )
    age_at_least: int | None = Field(
        default=None, description="Age at or above counts as a criterion."
    )
    low_risk: list[LowRiskFactor] = Field(
        default_factory=list,
        description="When set and no high-risk item is positive, the rule fires unless one "
        "low-risk factor is present (Canadian C-spine rule step 2).",
    )
    rotation_item: str | None = Field(
        default=None, description="Fires the rule when positive after the low-risk step (step 3)."
    )
    levels: list[RuleLevel] = Field(
        min_length=1, description="Checked from the highest count down."
    )
    absorbs_items: bool = Field(
        default=False,
        description="When the rule fires, the stand-alone hits of its items are folded into it "
        "(one finding, not the same answer counted twice).",
    )
    names_criteria: bool = Field(
        default=True, description="The hit's label names the criteria that fired."
    )
    source: str = Field(min_length=3)
    evidence: Evidence

    def referenced(self) -> set[str]:
        """Every item id the rule reads."""
        ids = {*self.items, *self.requires, *(lr.item for lr in self.low_risk)}
        return ids | ({self.rotation_item} if self.rotation_item else set())


class Escalation(Frozen):
    """Several hits in one domain raise the urgency (e.g. malignancy combinations)."""

    domain: str = Field(pattern=_ID)
    min_hits: int = Field(ge=2)
    urgency: Urgency
    source: str = Field(min_length=3)
    evidence: Evidence


class YellowFlagItem(Frozen):
    id: str = Field(pattern=_ID)
    question: str = Field(min_length=10)
    label: str = Field(min_length=3)
    source: str = Field(min_length=3)
    evidence: Evidence


class RedFlagCatalogue(Frozen):
    """The validated catalogue with cross-references checked."""

    items: list[RedFlagItem]
    rules: list[ScoredRule]
    escalations: list[Escalation] = Field(default_factory=list)
    yellow_flags: list[YellowFlagItem]
    advice: dict[Urgency, str] = Field(description="Plain-language next step per urgency.")
    yellow_advice: str = Field(min_length=5)
    new_symptom_action: str = Field(min_length=5)

    @model_validator(mode="after")
    def _consistent(self) -> RedFlagCatalogue:
        ids = [i.id for i in self.items]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate item id(s): {', '.join(dup)}")
        known = set(ids)
        for rule in self.rules:
            for ref in sorted(rule.referenced()):
                if ref not in known:
                    raise ValueError(f"rule {rule.id} names unknown item {ref!r}")
        for item in self.items:
            if item.kind == "rule_item" and not any(item.id in r.referenced() for r in self.rules):
                raise ValueError(f"rule item {item.id} is used by no rule")
        missing = [u.value for u in Urgency if u not in self.advice]
        if missing:
            raise ValueError(f"advice missing for urgency: {', '.join(missing)}")
        return self

    def item(self, item_id: str) -> RedFlagItem | None:
        return next((i for i in self.items if i.id == item_id), None)


def load_red_flags(path: Path | str | None = None) -> RedFlagCatalogue:
    """Load and validate a red-flag file (default: the packaged one)."""
    p = Path(path) if path is not None else data_path("red_flags.yaml")
    doc = read_yaml(p)
    if not isinstance(doc, dict):
        raise InvalidInput(f"{p.name}: expected a mapping with items, rules, yellow_flags")
    items = validate_entries(RedFlagItem, doc.get("items"), f"{p.name} items")
    rules = validate_entries(ScoredRule, doc.get("rules"), f"{p.name} rules")
    escalations = validate_entries(Escalation, doc.get("escalations", []), f"{p.name} escalations")
    yellow = validate_entries(YellowFlagItem, doc.get("yellow_flags"), f"{p.name} yellow_flags")
    try:
        return RedFlagCatalogue(
            items=items,
            rules=rules,
            escalations=escalations,
            yellow_flags=yellow,
            advice=doc.get("advice", {}),
            yellow_advice=doc.get("yellow_advice", ""),
            new_symptom_action=doc.get("new_symptom_action", ""),
        )
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, p.name)) from None


@cache
def red_flag_catalogue() -> RedFlagCatalogue:
    """The packaged catalogue, loaded once per process."""
    return load_red_flags()
