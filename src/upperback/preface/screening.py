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
    TraumaMechanism,
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
    hits += [
        h
        for rule in cat.rules
        if (h := _rule_hit(rule, answers, age, mechanism=intake.trauma_mechanism)) is not None
    ]
    hits = _absorb(cat, hits)
    precautions, referred = _precautions(cat, positive, hits)
    hits += referred
    not_asked = sorted(k for k, v in answers.items() if v == Answer.not_asked)
    hits += [_not_asked_hit(cat, i) for i in not_asked]
    result = _result(cat, _escalate(cat, hits), yellow, not_asked, precautions)
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


def _not_asked_hit(cat: RedFlagCatalogue, item_id: str) -> FlagHit:
    """One item not asked: a routine clinician review naming what is missing, never a
    verdict ("Hoffmann sign not examined", not "Positive Hoffmann sign")."""
    item = cat.item(item_id)
    exam = item is not None and item.asked_by == "clinician"
    name = item.name if item is not None else item_id
    verb, todo = ("examined", "examine") if exam else ("asked", "ask")
    return FlagHit(
        flag_id=f"not_asked:{item_id}",
        domain="screening_incomplete",
        label=f"{name[:1].upper()}{name[1:]} not {verb}",
        urgency=Urgency.routine,
        action=f"{todo} or record why before programming",
        evidence=_NOT_ASKED_EVIDENCE,
    )


def _absorb(cat: RedFlagCatalogue, hits: list[FlagHit]) -> list[FlagHit]:
    """A fired rule that absorbs its items replaces their stand-alone hits (one finding per
    answer: a cancer history with age > 50 is one malignancy finding, not two)."""
    fired = {h.flag_id for h in hits}
    absorbed: dict[str, str] = {}
    for rule in cat.rules:
        if rule.absorbs_items and rule.id in fired:
            absorbed.update(dict.fromkeys(rule.items, rule.id))
    if not absorbed:
        return hits
    out: list[FlagHit] = []
    for h in hits:
        if h.flag_id in absorbed:
            continue
        inner = [x for x in hits if absorbed.get(x.flag_id) == h.flag_id]
        top = max([h.urgency, *(x.urgency for x in inner)], key=lambda u: u.rank)
        out.append(h.model_copy(update={"urgency": top}) if top != h.urgency else h)
    return out


def _precautions(
    cat: RedFlagCatalogue, positive: set[str], hits: list[FlagHit]
) -> tuple[list[FlagHit], list[FlagHit]]:
    """Positive precautions: a note for the clinician while the program may start, or a
    referral when a hit in one of its `refer_with_domains` is present as well."""
    notes: list[FlagHit] = []
    referred: list[FlagHit] = []
    for item in cat.items:
        if item.kind != "precaution" or item.id not in positive:
            continue
        with_ = [h for h in hits if h.domain in item.refer_with_domains]
        hit = _flag_hit(item)
        if with_:
            referred.append(
                hit.model_copy(
                    update={
                        "label": f"{item.label} together with: "
                        + "; ".join(h.label for h in with_),
                        "action": "Referral: the combination raises bleeding or arterial risk; "
                        "medical review before loading.",
                    }
                )
            )
        else:
            notes.append(hit.model_copy(update={"urgency": Urgency.none}))
    return notes, referred


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
    mechanism: TraumaMechanism = TraumaMechanism.none,
) -> FlagHit | None:
    """Count the rule's criteria; the highest level reached gives the hit.

    With low-risk factors (Canadian C-spine rule) and no high-risk criterion met, the rule
    still fires when no low-risk factor is present or the rotation item is positive.
    """
    positive = {k for k, v in answers.items() if v == Answer.yes}
    if not all(r in positive for r in rule.requires):
        return None
    met = [_criterion(i, mechanism) for i in rule.items if i in positive]
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
                label=f"{level.label}: {'; '.join(met)}" if rule.names_criteria else level.label,
                urgency=level.urgency,
                action=level.action,
                evidence=f"{len(met)} of {total} criteria: {', '.join(met)}. "
                + _evidence(rule.source, rule.evidence.value),
            )
    return None


_MECHANISM_WORDS = {
    TraumaMechanism.fall: "a fall",
    TraumaMechanism.road_collision: "a road collision",
    TraumaMechanism.sport_contact: "a sport contact injury",
    TraumaMechanism.lifting: "lifting",
    TraumaMechanism.other: "another mechanism",
}


def _criterion(item_id: str, mechanism: TraumaMechanism) -> str:
    """The plain name of one rule criterion; the dangerous mechanism names the reported one."""
    item = red_flag_catalogue().item(item_id)
    name = item.name if item is not None else item_id
    if item_id == "ccr_dangerous_mechanism" and mechanism in _MECHANISM_WORDS:
        return f"dangerous mechanism ({_MECHANISM_WORDS[mechanism]} reported at intake)"
    return name


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
    precautions: list[FlagHit] | None = None,
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
        precautions=precautions or [],
        yellow_flags=yellow,
        not_asked=not_asked or [],
        advice=advice,
    )
