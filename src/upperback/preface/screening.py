"""Red-flag screening: any positive flag refers the client before any loading.

Stand-alone flags refer on their own (any single upper-motor-neuron sign included); the
Cook 2010 myelopathy cluster and the Canadian C-spine rule are scored from their items
(DOMAIN.md section 3; IFOMPT 2020 framework). Answers are yes / no / not asked: an item
not asked is never read as "no"; it refers for a clinician review until examined or a
clearance records why [design]. Yellow flags are recorded but never refer. All wording,
urgencies and sources come from red_flags.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import Field

from upperback.errors import InvalidInput
from upperback.knowledge.red_flags import (
    RedFlagCatalogue,
    RedFlagItem,
    ScoredRule,
    red_flag_catalogue,
)
from upperback.model.common import Frozen
from upperback.model.intake import (
    Answer,
    EducationNote,
    FlagHit,
    Intake,
    ScreeningResult,
    Urgency,
)
from upperback.preface.education import education_for

_MIN_AGE, _MAX_AGE = 0, 120


class RedFlagQuestion(Frozen):
    """One catalogue item as a form shows it."""

    id: str
    question: str
    domain: str
    label: str
    kind: str = Field(description="'flag' refers alone; 'rule_item' counts inside a scored rule.")
    clinician_only: bool = Field(description="Asked or examined by the clinician, not the client.")


def red_flag_items() -> list[RedFlagQuestion]:
    """The screening questions in catalogue order, for CLI and web forms."""
    return [
        RedFlagQuestion(
            id=i.id,
            question=i.question,
            domain=i.domain,
            label=i.label,
            kind=i.kind,
            clinician_only=i.asked_by == "clinician",
        )
        for i in red_flag_catalogue().items
    ]


def yellow_flag_items() -> list[RedFlagQuestion]:
    """The yellow-flag questions (recorded, never a referral)."""
    return [
        RedFlagQuestion(
            id=y.id,
            question=y.question,
            domain="yellow",
            label=y.label,
            kind="yellow",
            clinician_only=False,
        )
        for y in red_flag_catalogue().yellow_flags
    ]


def screen_intake(intake: Intake, *, age: int) -> ScreeningResult:
    """Screen intake answers; `age` feeds the Cook (> 45) and C-spine (>= 65) criteria."""
    if not _MIN_AGE <= age <= _MAX_AGE:
        raise InvalidInput(f"age: {age} is outside {_MIN_AGE}-{_MAX_AGE}")
    cat = red_flag_catalogue()
    answers: dict[str, Answer] = {  # copies made without validation may still hold booleans
        k: (Answer.yes if v else Answer.no) if isinstance(v, bool) else Answer(v)
        for k, v in intake.red_flags.items()
    }
    positive = _positive_ids(cat, answers, field="red_flags")
    yellow = _positive_yellow(cat, intake.yellow_flags)
    hits = _flag_hits(cat, positive)
    hits += [h for rule in cat.rules if (h := _rule_hit(rule, answers, age)) is not None]
    not_asked = sorted(k for k, v in answers.items() if v == Answer.not_asked)
    if not_asked:
        hits.append(_not_asked_hit(cat, not_asked))
    result = _result(cat, _escalate(cat, hits), yellow, not_asked)
    notes = [
        EducationNote(
            id=e.id, title=e.title, text=e.text, source=e.source, evidence=e.evidence.value
        )
        for e in education_for(result, intake)
    ]
    return ScreeningResult.model_validate({**result.model_dump(), "education": notes})


_NOT_ASKED_EVIDENCE = (
    "IFOMPT Cervical Framework (Rushton 2020/2023): screening rests on the full history and "
    "neurological and vascular examination [K]; blocking until each item is asked or a "
    "clinician records why is a design choice [design]"
)


def _not_asked_hit(cat: RedFlagCatalogue, ids: list[str]) -> FlagHit:
    """Items not asked: a routine clinician review, cleared by examining or recording why."""
    labels = [item.label for i in ids if (item := cat.item(i)) is not None]
    exam = any((item := cat.item(i)) is not None and item.asked_by == "clinician" for i in ids)
    what = "Clinician examination not done" if exam else "Screening questions not asked"
    return FlagHit(
        flag_id="not_asked",
        domain="screening_incomplete",
        label=f"{what}: {'; '.join(labels)}",
        urgency=Urgency.routine,
        action="Ask or examine these items, or record in a clearance why they were not asked.",
        evidence=_NOT_ASKED_EVIDENCE,
    )


def screen_symptoms(symptom_ids: Iterable[str]) -> ScreeningResult:
    """Screen symptoms newly reported in a session log (same catalogue, no age criterion).

    A new symptom mid-program is taken conservatively: a rule item that does not complete
    its rule still asks for a routine clinician review.
    """
    cat = red_flag_catalogue()
    ids = list(symptom_ids)
    answers = dict.fromkeys(ids, Answer.yes)
    positive = _positive_ids(cat, answers, field="new_symptoms")
    hits = _flag_hits(cat, positive)
    for rule in cat.rules:
        hit = _rule_hit(rule, answers, None, new_symptoms=True)
        if hit is not None:
            hits.append(hit)
    covered = {h.flag_id for h in hits}
    for item_id in sorted(positive):
        item = cat.item(item_id)
        if (
            item is not None
            and item.kind == "rule_item"
            and not _in_fired_rule(cat, item_id, covered)
        ):
            hits.append(
                FlagHit(
                    flag_id=item.id,
                    domain=item.domain,
                    label=f"New symptom: {item.label}",
                    urgency=Urgency.routine,
                    action=cat.new_symptom_action,
                    evidence=_evidence(item.source, item.evidence.value),
                )
            )
    return _result(cat, _escalate(cat, hits), [])


def _in_fired_rule(cat: RedFlagCatalogue, item_id: str, fired: set[str]) -> bool:
    return any(rule.id in fired and item_id in rule.items for rule in cat.rules)


def _positive_ids(cat: RedFlagCatalogue, answers: Mapping[str, Answer], *, field: str) -> set[str]:
    known = {i.id for i in cat.items}
    for key in sorted(answers):
        if key not in known:
            raise InvalidInput(f"{field}: unknown red-flag item id {key!r}")
    return {k for k, v in answers.items() if v == Answer.yes}


def _positive_yellow(cat: RedFlagCatalogue, answers: Mapping[str, bool]) -> list[str]:
    known = {y.id for y in cat.yellow_flags}
    for key in sorted(answers):
        if key not in known:
            raise InvalidInput(f"yellow_flags: unknown yellow-flag item id {key!r}")
    return sorted(k for k, v in answers.items() if v)


def _evidence(source: str, tag: str) -> str:
    return f"{source} [{tag}]"


def _flag_hit(item: RedFlagItem) -> FlagHit:
    return FlagHit(
        flag_id=item.id,
        domain=item.domain,
        label=item.label,
        urgency=item.urgency,
        action=item.action,
        evidence=_evidence(item.source, item.evidence.value),
    )


def _flag_hits(cat: RedFlagCatalogue, positive: set[str]) -> list[FlagHit]:
    return [_flag_hit(i) for i in cat.items if i.kind == "flag" and i.id in positive]


def _rule_hit(
    rule: ScoredRule,
    answers: Mapping[str, Answer],
    age: int | None,
    *,
    new_symptoms: bool = False,
) -> FlagHit | None:
    """Count the rule's criteria; the highest level reached gives the hit.

    With low-risk factors (Canadian C-spine rule) and no high-risk criterion met, the rule
    still fires when no low-risk factor is present or the rotation item is positive.
    """
    positive = {k for k, v in answers.items() if v == Answer.yes}
    if not all(r in positive for r in rule.requires):
        return None
    met = [i for i in rule.items if i in positive]
    if age is not None and rule.age_over is not None and age > rule.age_over:
        met.append(f"age > {rule.age_over}")
    if age is not None and rule.age_at_least is not None and age >= rule.age_at_least:
        met.append(f"age >= {rule.age_at_least}")
    total = len(rule.items) + int(rule.age_over is not None) + int(rule.age_at_least is not None)
    if not met and not new_symptoms and rule.low_risk:
        low = [lr.item for lr in rule.low_risk if answers.get(lr.item) == lr.when]
        if not low:
            met.append("no low-risk factor allows a range-of-motion assessment")
        elif rule.rotation_item is not None and rule.rotation_item in positive:
            met.append("cannot actively rotate 45 degrees each way")
    elif new_symptoms and rule.rotation_item is not None and rule.rotation_item in positive:
        met.append("cannot actively rotate 45 degrees each way")
    for level in sorted(rule.levels, key=lambda lv: -lv.min_positive):
        if len(met) >= level.min_positive:
            return FlagHit(
                flag_id=rule.id,
                domain=rule.domain,
                label=level.label,
                urgency=level.urgency,
                action=level.action,
                evidence=f"{len(met)} of {total} criteria: {', '.join(met)}. "
                + _evidence(rule.source, rule.evidence.value),
            )
    return None


def _escalate(cat: RedFlagCatalogue, hits: list[FlagHit]) -> list[FlagHit]:
    """Raise urgency of hits in a domain with enough hits (e.g. two malignancy flags)."""
    out = list(hits)
    for esc in cat.escalations:
        in_domain = [h for h in out if h.domain == esc.domain]
        if len(in_domain) < esc.min_hits:
            continue
        note = f" Escalated: {len(in_domain)} {esc.domain} flags together. " + _evidence(
            esc.source, esc.evidence.value
        )
        out = [
            h.model_copy(update={"urgency": esc.urgency, "evidence": h.evidence + note})
            if h.domain == esc.domain and h.urgency.rank < esc.urgency.rank
            else h
            for h in out
        ]
    return out


def _result(
    cat: RedFlagCatalogue,
    hits: list[FlagHit],
    yellow: list[str],
    not_asked: list[str] | None = None,
) -> ScreeningResult:
    urgency = max((h.urgency for h in hits), key=lambda u: u.rank, default=Urgency.none)
    advice = [cat.advice[urgency]]
    advice += [f"{h.label}: {h.action}" for h in hits]
    if yellow:
        advice.append(cat.yellow_advice)
    return ScreeningResult(
        outcome="refer" if hits else "clear",
        urgency=urgency,
        hits=hits,
        yellow_flags=yellow,
        not_asked=not_asked or [],
        advice=advice,
    )
