"""Schema and loader of the assessment battery (knowledge/data/tests.yaml).

Each test carries its unit, valid range, direction, norms and change thresholds with
sources; the `findings` section holds the deficit-profile rules, so the profile code
reads thresholds from data instead of if-chains.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Formatter
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
from upperback.model.common import Frozen, Sex
from upperback.model.profile import FindingCode, FindingKind, Irritability, Severity

_ID = r"^[a-z][a-z0-9_]*$"
TEMPLATE_FIELDS = frozenset({"name", "score", "unit", "cond", "side", "ref"})
"""Fields a finding statement may use."""

Scoring = Literal["value", "ndi", "psfs", "trials_mean", "rating", "cva", "derived"]
ParamTag = Literal["V", "K", "U", "design"]
"""Evidence of one parameter: checked, recalled, uncertain, or a working design choice."""


class Norm(Frozen):
    """A published reference: mean +/- SD, a cut-off, or a single reference value."""

    kind: Literal["mean_sd", "cutoff", "reference"]
    sex: Literal["female", "male", "any"] = "any"
    population: str = Field(min_length=3)
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)
    cutoff: float | None = None
    impaired_when: Literal["below", "above"] | None = None
    tolerance: float | None = Field(
        default=None, ge=0, description="Reference kind: within +/- tolerance counts as within."
    )
    source: str = Field(min_length=3)
    evidence: Evidence

    @model_validator(mode="after")
    def _fields_for_kind(self) -> Norm:
        need = {
            "mean_sd": ("mean", "sd"),
            "cutoff": ("cutoff", "impaired_when"),
            "reference": ("mean",),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"{self.kind} norm needs {', '.join(missing)}")
        return self


class ChangeThreshold(Frozen):
    """A minimal detectable or clinically important change, in the test's unit."""

    kind: str = Field(pattern=r"^(MCID|MDC|MDC90|MDC95)$")
    value: float = Field(gt=0)
    applied: bool = Field(default=False, description="The one threshold used to judge change.")
    note: str = ""
    source: str = Field(min_length=3)
    evidence: Evidence


class Band(Frozen):
    """Ordered label: the first band whose limit holds applies; the last may have none."""

    label: str = Field(min_length=1)
    below: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_limit(self) -> Band:
        if self.below is not None and self.at_most is not None:
            raise ValueError("give at most one of below or at_most")
        return self

    def holds(self, score: float) -> bool:
        if self.below is not None:
            return score < self.below
        if self.at_most is not None:
            return score <= self.at_most
        return True


class ItemRules(Frozen):
    """Item-level rules of a composite instrument (NDI, PSFS, trials)."""

    min_count: int = Field(ge=1)
    max_count: int = Field(ge=1)
    min: float
    max: float
    integer: bool = False
    max_missing: int = Field(default=0, ge=0)
    missing_source: str = ""
    invert_versions: list[str] = Field(
        default_factory=list, description="Versions scored in the opposite direction (PSFS 2.0)."
    )
    versions: list[str] = Field(
        default_factory=list, description="Allowed versions; [] = none needed."
    )


class LoadByMass(Frozen):
    """Test load chosen by body mass (scapular dyskinesis test)."""

    threshold_kg: float = Field(gt=0)
    below_kg: float = Field(gt=0)
    at_or_above_kg: float = Field(gt=0)
    source: str = Field(min_length=3)
    evidence: Evidence


class TestSpec(Frozen):
    """One test of the battery."""

    __test__ = False

    id: str = Field(pattern=_ID, max_length=60)
    name: str = Field(min_length=3)
    unit: str = Field(min_length=1)
    units: dict[str, float] = Field(
        default_factory=dict, description="Accepted input units -> factor to the canonical unit."
    )
    higher_is_better: bool
    range: tuple[float, float]
    scoring: Scoring = "value"
    bilateral: bool = False
    requires_condition: bool = False
    items: ItemRules | None = None
    ratings: dict[str, float] | None = None
    bands: list[Band] = Field(default_factory=list)
    band_source: str = ""
    norms: list[Norm] = Field(default_factory=list)
    change: list[ChangeThreshold] = Field(default_factory=list)
    outcome: bool = Field(default=False, description="Tracked in outcome summaries.")
    load_by_mass: LoadByMass | None = None
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> TestSpec:
        lo, hi = self.range
        if not lo < hi:
            raise ValueError(f"range [{lo}, {hi}] must have low < high")
        if self.scoring in ("ndi", "psfs", "trials_mean") and self.items is None:
            raise ValueError(f"scoring {self.scoring} needs items rules")
        if self.scoring == "rating" and not self.ratings:
            raise ValueError("scoring rating needs ratings")
        if sum(c.applied for c in self.change) > 1:
            raise ValueError("at most one change threshold may be applied")
        if self.change and not any(c.applied for c in self.change):
            raise ValueError("mark one change threshold as applied")
        return self

    def factor(self, unit: str | None) -> float | None:
        """Factor converting `unit` to the canonical unit, or None if not accepted."""
        if unit is None or unit == self.unit:
            return 1.0
        return self.units.get(unit)

    def applied_change(self) -> ChangeThreshold | None:
        return next((c for c in self.change if c.applied), None)

    def norm_for(self, sex: Sex) -> Norm | None:
        """First norm for this sex, else the first sex-neutral one."""
        exact = next((n for n in self.norms if n.sex == sex.value), None)
        return exact or next((n for n in self.norms if n.sex == "any"), None)

    def band_of(self, score: float) -> str | None:
        return next((b.label for b in self.bands if b.holds(score)), None)


class HhdRatio(Frozen):
    """A unilateral strength ratio computed from two HHD tests (Turner 2009)."""

    id: str = Field(pattern=r"^hhd_ratio_[a-z_]+$")
    numerator: str
    denominator: str


class AsymmetryTemplate(Frozen):
    """How side-asymmetry results of bilateral strength tests are named and judged."""

    prefix: str = Field(pattern=_ID)
    applies_to_prefix: str = Field(pattern=_ID)
    unit: str
    range: tuple[float, float]
    norms: list[Norm] = Field(default_factory=list)


class Step(Frozen):
    """Severity reached when the metric passes `at` in the trigger's direction."""

    at: float
    severity: Severity


class Trigger(Frozen):
    """One way a finding can be detected from a scored result."""

    tests: list[str] = Field(min_length=1)
    metric: Literal["score", "z", "norm_status", "rating"] = "score"
    op: Literal["gt", "ge", "lt", "le", "eq"]
    value: float | str
    severity: Severity = Severity.mild
    steps: list[Step] = Field(default_factory=list)
    statement: str = Field(
        min_length=5, description="Template: {name} {score} {unit} {where} {ref}."
    )
    criterion: str = Field(min_length=3)
    source: str = Field(min_length=3)
    evidence: Evidence = Field(description="Evidence of the source the trigger draws on.")
    threshold_evidence: ParamTag = Field(
        description="Evidence of the threshold value itself (a source may be [V] while "
        "the cut-point drawn from it is a design choice)."
    )
    steps_evidence: ParamTag = Field(
        default="design", description="Evidence of the severity step cut-points."
    )
    uncertainty: str = Field(min_length=3, description="How far the threshold can be trusted.")

    @model_validator(mode="after")
    def _usable(self) -> Trigger:
        fields = {name for _, name, _, _ in Formatter().parse(self.statement) if name is not None}
        unknown = sorted(fields - TEMPLATE_FIELDS)
        if unknown:
            raise ValueError(f"statement uses unknown field(s) {', '.join(unknown)}")
        numeric = self.metric in ("score", "z")
        if numeric != isinstance(self.value, float | int):
            raise ValueError(
                f"metric {self.metric} needs a {'number' if numeric else 'text'} value"
            )
        if self.op == "eq" and numeric:
            raise ValueError("op eq is for rating and norm_status metrics")
        if self.steps and not numeric:
            raise ValueError("severity steps need a numeric metric")
        return self


class FindingRule(Frozen):
    code: FindingCode
    kind: FindingKind
    link: str
    priority: float = Field(gt=0, le=10, description="Loading priority weight of this deficit.")
    triggers: list[Trigger] = Field(min_length=1)
    note: str = ""
    merge_sides: bool = Field(
        default=False,
        description="Left and right give one finding naming the side(s) (e.g. bilateral "
        "scapular dyskinesis), not one per side.",
    )


class IrritabilityRule(Frozen):
    """Irritability criteria: pain level (`steps` on `test`, else the intake's pain now),
    pain at rest or at night, and the time symptoms take to settle; the level is the median
    of the criteria known (the higher one when two)."""

    test: str
    steps: list[tuple[float, Irritability]] = Field(min_length=1)
    rest_or_night_pain: dict[str, Irritability] = Field(default_factory=dict)
    settle_minutes: list[tuple[float, Irritability]] = Field(default_factory=list)
    combine_source: str = ""
    source: str = Field(min_length=3)
    evidence: Evidence


class TestCatalogue:
    """The validated battery: tests by id, derived-result specs, and profile rules."""

    __test__ = False

    def __init__(
        self,
        tests: list[TestSpec],
        ratios: list[HhdRatio],
        asymmetry: AsymmetryTemplate,
        findings: list[FindingRule],
        irritability: IrritabilityRule,
        where: str,
    ) -> None:
        self.by_id: dict[str, TestSpec] = {}
        for t in tests:
            if t.id in self.by_id:
                raise InvalidInput(f"{where}: duplicate test id {t.id!r}")
            self.by_id[t.id] = t
        self.ratios = ratios
        self.asymmetry = asymmetry
        self.asymmetry_ids: dict[str, str] = {}
        for t in tests:
            if (
                t.id.startswith(asymmetry.applies_to_prefix)
                and t.bilateral
                and t.scoring == "value"
            ):
                derived = self._asymmetry_spec(t)
                self.asymmetry_ids[t.id] = derived.id
                self.by_id[derived.id] = derived
        for r in ratios:
            for ref in (r.numerator, r.denominator, r.id):
                if ref not in self.by_id:
                    raise InvalidInput(f"{where}: hhd ratio {r.id} names unknown test {ref!r}")
        self.findings = findings
        self.irritability = irritability
        for rule in findings:
            for trig in rule.triggers:
                for tid in trig.tests:
                    if tid not in self.by_id:
                        raise InvalidInput(
                            f"{where}: finding {rule.code.value} names unknown test {tid!r}"
                        )
        _one_finding_per_measurement(findings, where)
        if irritability.test not in self.by_id:
            raise InvalidInput(f"{where}: irritability names unknown test {irritability.test!r}")

    def _asymmetry_spec(self, base: TestSpec) -> TestSpec:
        tpl = self.asymmetry
        return TestSpec(
            id=tpl.prefix + base.id.removeprefix(tpl.applies_to_prefix),
            name=f"side asymmetry, {base.name}",
            unit=tpl.unit,
            higher_is_better=False,
            range=tpl.range,
            scoring="derived",
            norms=tpl.norms,
            notes=["(stronger - weaker) / stronger x 100; side = weaker side"],
        )

    def get(self, test_id: str) -> TestSpec:
        try:
            return self.by_id[test_id]
        except KeyError:
            raise InvalidInput(f"unknown test id {test_id!r}") from None

    def input_ids(self) -> list[str]:
        """Ids a user may enter (derived results are computed, not entered)."""
        return [t.id for t in self.by_id.values() if t.scoring != "derived"]


def _one_finding_per_measurement(findings: list[FindingRule], where: str) -> None:
    """A measurement (a test's value, or its rating) may feed one finding rule only.

    Otherwise one UT/LT ratio would count twice (e.g. 'LT under-active' and 'UT dominant')
    and double its weight in the loading priorities.
    """
    reader: dict[tuple[str, bool], str] = {}
    for rule in findings:
        for trig in rule.triggers:
            for tid in trig.tests:
                key = (tid, trig.metric == "rating")
                other = reader.setdefault(key, rule.code.value)
                if other != rule.code.value:
                    raise InvalidInput(
                        f"{where}: test {tid!r} feeds both {other} and {rule.code.value}; "
                        "one measurement yields one finding"
                    )


def load_battery(path: Path | str | None = None) -> TestCatalogue:
    """Load and validate a battery file (default: the packaged one)."""
    p = Path(path) if path is not None else data_path("tests.yaml")
    doc = read_yaml(p)
    if not isinstance(doc, dict):
        raise InvalidInput(f"{p.name}: expected a mapping with tests, hhd_ratios, findings")
    tests = validate_entries(TestSpec, doc.get("tests"), f"{p.name} tests")
    ratios = validate_entries(HhdRatio, doc.get("hhd_ratios", []), f"{p.name} hhd_ratios")
    findings = validate_entries(FindingRule, doc.get("findings"), f"{p.name} findings")
    try:
        asymmetry = AsymmetryTemplate.model_validate(doc.get("asymmetry"))
        irritability = IrritabilityRule.model_validate(doc.get("irritability"))
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, p.name)) from None
    return TestCatalogue(tests, ratios, asymmetry, findings, irritability, p.name)


@cache
def battery() -> TestCatalogue:
    """The packaged battery, loaded once per process."""
    return load_battery()
