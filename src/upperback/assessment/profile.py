"""Deficit profile: findings with severity and evidence, ranked for loading.

The rules (which tests, which thresholds, severity steps, statements, sources) are the
`findings` section of tests.yaml; this module evaluates them deterministically.
"""

from __future__ import annotations

from collections.abc import Iterator

from upperback.assessment._checks import fmt
from upperback.assessment.irritability import derive_irritability
from upperback.knowledge.tests_catalog import FindingRule, Trigger, battery
from upperback.model.assessment import ScoredAssessment, ScoredResult
from upperback.model.common import Sex, Side
from upperback.model.intake import Intake
from upperback.model.profile import DeficitProfile, Finding, Irritability, Severity


def build_profile(
    scored: ScoredAssessment,
    *,
    sex: Sex,
    intake: Intake | None = None,
    irritability: Irritability | None = None,
) -> DeficitProfile:
    """Evaluate every finding rule on the scored results; rank priorities for loading.

    Sex-specific norms were already applied when scoring; `sex` is kept so the profile
    can be rebuilt from stored results with the same signature. Irritability comes from the
    pain rating and the intake's pain behaviour, unless the clinician set it.
    """
    del sex  # norms are sex-specific inside the scored results
    cat = battery()
    priority = {rule.code.value: rule.priority for rule in cat.findings}
    raw = [f for rule in cat.findings for f in _sided(rule, list(_evaluate(rule, scored.results)))]
    findings = _merge(raw)
    findings.sort(key=lambda f: (-_weight(f, priority), f.code.value, _side_key(f.side)))
    level, why = derive_irritability(
        cat.irritability,
        pain_now=_max_score(scored.results, cat.irritability.test),
        intake=intake,
        clinician=irritability,
    )
    return DeficitProfile(
        assessment_date=scored.date,
        findings=findings,
        priorities=_rank(findings, priority),
        irritability=level,
        irritability_reason=why,
        pain_now=_max_score(scored.results, cat.irritability.test),
        ndi_percent=_first_score(scored.results, "ndi"),
    )


def _metric(trig: Trigger, r: ScoredResult) -> float | str | None:
    if trig.metric == "score":
        return r.score
    if trig.metric == "z":
        return r.norm.z if r.norm is not None else None
    if trig.metric == "norm_status":
        return r.norm.status if r.norm is not None else None
    return r.rating


def _passes(op: str, x: float | str, bound: float | str) -> bool:
    if op == "eq":
        return x == bound
    if isinstance(x, str) or isinstance(bound, str):
        return False
    return {"gt": x > bound, "ge": x >= bound, "lt": x < bound, "le": x <= bound}[op]


def _severity(trig: Trigger, x: float | str) -> Severity:
    passed = [s.severity for s in trig.steps if _passes(trig.op, x, s.at)]
    return max(passed, key=lambda s: s.weight, default=trig.severity)


def _evaluate(rule: FindingRule, results: list[ScoredResult]) -> Iterator[Finding]:
    for trig in rule.triggers:
        for r in results:
            if r.test_id not in trig.tests:
                continue
            x = _metric(trig, r)
            if x is None or not _passes(trig.op, x, trig.value):
                continue
            yield Finding(
                code=rule.code,
                kind=rule.kind,
                link=rule.link,
                side=r.side if r.side in (Side.left, Side.right) else None,
                severity=_severity(trig, x),
                statement=trig.statement.format_map(_template_vars(r)),
                evidence=_evidence(trig, r),
                source=_source(trig),
                uncertainty=trig.uncertainty,
            )


_SIDE_WORDS = {Side.left: "left", Side.right: "right"}


def _sided(rule: FindingRule, found: list[Finding]) -> list[Finding]:
    """For a `merge_sides` rule, one finding naming the side(s): the worse side's statement
    with "(left and right)" when both sides are positive, every side's evidence kept."""
    if not rule.merge_sides or not found:
        return found
    sides = sorted({f.side for f in found if f.side is not None}, key=lambda sd: sd.value)
    best = max(found, key=lambda f: f.severity.weight)
    named = " and ".join(_SIDE_WORDS[sd] for sd in sorted(sides, key=lambda sd: sd != Side.left))
    statement = best.statement
    marks = [f" ({sd.value})" for sd in (Side.left, Side.right) if f" ({sd.value})" in statement]
    if marks:  # the side where the template put it: "obvious scapular dyskinesis, left and right"
        statement = statement.replace(marks[0], f", {named}" if named else "", 1)
        for mark in marks[1:]:
            statement = statement.replace(mark, "")
    elif named:
        statement = f"{statement}, {named}"
    return [
        best.model_copy(
            update={
                "side": Side.both if len(sides) == 2 else (sides[0] if sides else None),
                "statement": statement,
                "evidence": " | ".join(dict.fromkeys(f.evidence for f in found)),
                "source": "; ".join(dict.fromkeys(f.source for f in found)),
            }
        )
    ]


def _source(trig: Trigger) -> str:
    """Source with per-parameter tags: the source, its threshold and its severity steps."""
    text = f"{trig.source} [{trig.evidence.value}]; threshold [{trig.threshold_evidence}]"
    if trig.steps:
        text += f"; severity steps [{trig.steps_evidence}]"
    return text


def _template_vars(r: ScoredResult) -> dict[str, str]:
    ref = ""
    if r.norm is not None:
        ref_value = r.norm.mean if r.norm.mean is not None else r.norm.cutoff
        ref = fmt(ref_value) if ref_value is not None else ""
    return {
        "name": r.name,
        "score": fmt(r.score),
        "unit": r.unit,
        "cond": f" in {r.condition}" if r.condition else "",
        "side": f" ({r.side.value})" if r.side in (Side.left, Side.right) else "",
        "ref": ref,
    }


def _evidence(trig: Trigger, r: ScoredResult) -> str:
    v = _template_vars(r)
    text = f"{r.name} {v['score']} {r.unit}{v['cond']}{v['side']} on {r.date.isoformat()}"
    if r.rating is not None:
        text += f", rated {r.rating}"
    if r.norm is not None:
        z = f", z {fmt(r.norm.z)}" if r.norm.z is not None else ""
        text += f"; reference {r.norm.reference} ({r.norm.status}{z})"
    return f"{text}; criterion: {trig.criterion}"


def _merge(raw: list[Finding]) -> list[Finding]:
    """One finding per code and side: the most severe statement, all evidence kept."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in raw:
        groups.setdefault((f.code.value, _side_key(f.side)), []).append(f)
    merged: list[Finding] = []
    for group in groups.values():
        best = max(group, key=lambda f: f.severity.weight)  # first of the most severe
        if len(group) > 1:
            evidence = " | ".join(dict.fromkeys(f.evidence for f in group))
            sources = "; ".join(dict.fromkeys(f.source for f in group))
            doubts = " ".join(dict.fromkeys(f.uncertainty for f in group if f.uncertainty))
            best = best.model_copy(
                update={"evidence": evidence, "source": sources, "uncertainty": doubts}
            )
        merged.append(best)
    return merged


def _side_key(side: Side | None) -> str:
    return side.value if side is not None else ""


def _weight(f: Finding, priority: dict[str, float]) -> float:
    return f.severity.weight * priority[f.code.value]


def _rank(findings: list[Finding], priority: dict[str, float]) -> list[str]:
    """Codes by severity weight x rule priority (worst side counts), ties by code."""
    best: dict[str, float] = {}
    for f in findings:
        best[f.code.value] = max(best.get(f.code.value, 0.0), _weight(f, priority))
    return sorted(best, key=lambda code: (-best[code], code))


def _max_score(results: list[ScoredResult], test_id: str) -> float | None:
    scores = [r.score for r in results if r.test_id == test_id]
    return max(scores) if scores else None


def _first_score(results: list[ScoredResult], test_id: str) -> float | None:
    return next((r.score for r in results if r.test_id == test_id), None)
