"""Score an assessment: validate each result, score it, then judge norms and change.

Every rule's figures come from the test catalogue (knowledge/data/tests.yaml); this module
only applies them. Bad input raises InvalidInput naming the result, the field and the
problem; nothing else escapes for any TestResult.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from upperback.assessment._checks import fmt, in_range
from upperback.assessment.change import compare_change
from upperback.assessment.hhd import derived_results
from upperback.assessment.instruments import ndi_percent, psfs_direction, psfs_mean, trials_mean
from upperback.assessment.norms import compare_norm
from upperback.assessment.photo import cva_from_points
from upperback.errors import InvalidInput
from upperback.knowledge.tests_catalog import TestCatalogue, TestSpec, battery
from upperback.model.assessment import AssessmentIn, ScoredAssessment, ScoredResult, TestResult
from upperback.model.common import Sex, Side

_AGE_RANGE = (0, 120)
_MASS_RANGE = (20.0, 400.0)


def score_assessment(
    doc: AssessmentIn,
    *,
    sex: Sex,
    age: int,
    body_mass_kg: float | None,
    previous: Sequence[ScoredResult] = (),
) -> ScoredAssessment:
    """Score every result, add HHD asymmetry/ratio results, compare with norms and change.

    `previous` holds earlier scored results of the same client; each result is compared
    with the latest earlier one of the same test, side and condition. `age` is checked
    but no battery norm here is age-specific (Domenech 2011 found no age effect on DNF).
    """
    _check_client(age, body_mass_kg)
    cat = battery()
    base = [
        _score_one(
            cat,
            r,
            f"results[{i}] ({r.test_id if r.test_id.isidentifier() else repr(r.test_id)})",
            doc,
            body_mass_kg,
        )
        for i, r in enumerate(doc.results)
    ]
    derived = derived_results(base, cat, doc.date)
    results = [_interpret(cat.get(r.test_id), r, sex, previous) for r in (*base, *derived)]
    return ScoredAssessment(date=doc.date, tester=doc.tester, results=results)


def _check_client(age: int, body_mass_kg: float | None) -> None:
    lo, hi = _AGE_RANGE
    if not lo <= age <= hi:
        raise InvalidInput(f"age: {age} is outside {lo}-{hi}")
    if body_mass_kg is not None and not (
        math.isfinite(body_mass_kg) and _MASS_RANGE[0] <= body_mass_kg <= _MASS_RANGE[1]
    ):
        raise InvalidInput(
            f"body_mass_kg: {body_mass_kg} is outside {_MASS_RANGE[0]:g}-{_MASS_RANGE[1]:g} kg"
        )


def _spec(cat: TestCatalogue, r: TestResult, where: str) -> TestSpec:
    spec = cat.by_id.get(r.test_id)
    if spec is None:
        raise InvalidInput(
            f"{where}: test_id: unknown test id {r.test_id!r} (see the tests catalogue)"
        )
    if spec.scoring == "derived":
        raise InvalidInput(
            f"{where}: test_id: {r.test_id!r} is computed from other results, not entered"
        )
    return spec


def _check_fields(spec: TestSpec, r: TestResult, where: str) -> float:
    """Field-level checks common to all tests; returns the unit factor."""
    if spec.bilateral and r.side not in (Side.left, Side.right):
        raise InvalidInput(f"{where}: side: give L or R for this bilateral test")
    if spec.requires_condition and not (r.condition and r.condition.strip()):
        raise InvalidInput(f"{where}: condition: name the task or phase (e.g. 'elevation')")
    factor = spec.factor(r.unit)
    if factor is None:
        accepted = ", ".join([spec.unit, *spec.units])
        raise InvalidInput(f"{where}: unit: {r.unit!r} is not accepted; use one of {accepted}")
    if r.items is not None and spec.items is None:
        raise InvalidInput(f"{where}: items: this test takes a value, not items")
    if r.items is not None and r.value is not None:
        raise InvalidInput(f"{where}: value: give value or items, not both")
    if r.rating is not None and spec.ratings is None:
        raise InvalidInput(f"{where}: rating: this test takes no rating")
    if r.rating is not None and spec.ratings is not None and r.rating not in spec.ratings:
        raise InvalidInput(f"{where}: rating: {r.rating!r} is not one of {', '.join(spec.ratings)}")
    if (r.tragus is not None or r.c7 is not None) and spec.scoring != "cva":
        raise InvalidInput(
            f"{where}: tragus: photo points are only used for the craniovertebral angle"
        )
    needs_version = spec.items is not None and bool(spec.items.versions)
    if r.version is not None and not needs_version:
        raise InvalidInput(f"{where}: version: this test has no versions")
    if needs_version:
        assert spec.items is not None
        if r.version is None:
            raise InvalidInput(
                f"{where}: version: give the instrument version ({' or '.join(spec.items.versions)})"
            )
        if r.version not in spec.items.versions:
            raise InvalidInput(
                f"{where}: version: {r.version!r} is not one of {', '.join(spec.items.versions)}"
            )
    return factor


def _value(spec: TestSpec, r: TestResult, where: str, factor: float) -> float:
    if r.value is None:
        raise InvalidInput(f"{where}: value: missing (unit {spec.unit})")
    return in_range(r.value * factor, *spec.range, spec.unit, f"{where}: value")


def _raw_score(spec: TestSpec, r: TestResult, where: str, factor: float) -> tuple[float, list[str]]:
    """The score in the canonical unit, before range, norm and change."""
    rules = spec.items
    if spec.scoring == "rating":
        if r.value is not None:
            raise InvalidInput(
                f"{where}: value: give a rating ({', '.join(spec.ratings or {})}), not a value"
            )
        if r.rating is None:
            raise InvalidInput(
                f"{where}: rating: missing; use one of {', '.join(spec.ratings or {})}"
            )
        return (spec.ratings or {})[r.rating], []
    if spec.scoring == "cva" and (r.tragus is not None or r.c7 is not None):
        if r.tragus is None or r.c7 is None or r.value is not None:
            raise InvalidInput(f"{where}: tragus: give both tragus and c7 points and no value")
        try:
            angle = cva_from_points(r.tragus, r.c7)
        except InvalidInput as err:
            raise InvalidInput(f"{where}: {err.message}") from None
        return angle, [f"computed from photo points tragus {r.tragus}, C7 {r.c7}"]
    if r.items is not None and rules is not None:
        if spec.scoring == "ndi":
            return ndi_percent(r.items, rules, where)
        if spec.scoring == "psfs":
            return psfs_mean(r.items, r.version or "", rules, where)
        return trials_mean(r.items, rules, where)
    value = _value(spec, r, where, factor)
    if spec.scoring == "psfs" and rules is not None:
        return psfs_direction(value, r.version or "", rules)
    return value, []


def _score_one(
    cat: TestCatalogue, r: TestResult, where: str, doc: AssessmentIn, body_mass_kg: float | None
) -> ScoredResult:
    spec = _spec(cat, r, where)
    factor = _check_fields(spec, r, where)
    score, notes = _raw_score(spec, r, where, factor)
    in_range(score, *spec.range, spec.unit, f"{where}: score")
    if r.unit not in (None, spec.unit) and r.items is None:
        notes.append(f"entered as {fmt(r.value or 0)} {r.unit}, converted to {spec.unit}")
    if spec.load_by_mass is not None and body_mass_kg is not None:
        lbm = spec.load_by_mass
        kg = lbm.below_kg if body_mass_kg < lbm.threshold_kg else lbm.at_or_above_kg
        notes.append(
            f"test load {fmt(kg)} kg for {fmt(body_mass_kg)} kg body mass ({lbm.source} [{lbm.evidence.value}])"
        )
    band = r.rating if spec.scoring == "rating" else spec.band_of(score)
    return ScoredResult(
        test_id=spec.id,
        name=spec.name,
        side=r.side,
        condition=r.condition.strip() if r.condition else None,
        score=round(score, 6),
        unit=spec.unit,
        band=band,
        rating=r.rating,
        date=r.date or doc.date,
        notes=[*notes, *spec.notes] + ([r.note] if r.note else []),
    )


def _interpret(
    spec: TestSpec, r: ScoredResult, sex: Sex, previous: Sequence[ScoredResult]
) -> ScoredResult:
    norm = compare_norm(spec, r.score, sex)
    change, change_note = compare_change(spec, r, previous)
    notes = list(r.notes)
    if norm is None and spec.norms:
        notes.append(f"no norm published for sex '{sex.value}'; not compared")
    if change_note:
        notes.append(change_note)
    return r.model_copy(update={"norm": norm, "change": change, "notes": notes})
