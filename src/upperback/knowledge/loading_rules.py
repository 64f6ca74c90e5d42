"""Schema and loader of the loading and adaptation rules (knowledge/data/loading_rules.yaml).

Every dose cap, step, threshold and phase the generator and the adaptive engine use lives in
the data file with its source and evidence tag ([V] checked, [K] recalled, [U] uncertain or
a design choice), so a clinician can read and change the numbers without reading code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from upperback.errors import InvalidInput
from upperback.knowledge.loader import data_path, describe_validation_error, read_yaml
from upperback.knowledge.schema import Evidence, LoadingType, LoadMode, RatioClass
from upperback.model.common import Equipment, Frozen, Goal, Muscle, WorkPosture


class Cited(Frozen):
    """A block of figures with where they come from."""

    source: str = Field(min_length=3)
    evidence: Evidence


class PhaseDef(Cited):
    """One phase of the 12-week plan; `weeks_of_12` is scaled for other program lengths."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=3)
    goal: Goal
    last_week_of_12: int = Field(
        ge=1, le=12, description="Phase ends at this week of a 12-week plan."
    )
    level_range: tuple[int, int]
    loading_types: list[LoadingType] = Field(
        min_length=1,
        description="Types this phase uses; the first is its signature and is preferred.",
    )
    ratio_classes: list[RatioClass] = Field(
        min_length=1, description="Classes allowed for selective work."
    )
    eccentric_s: int | None = Field(
        default=None, ge=2, le=6, description="Eccentric seconds in the tempo."
    )
    emphasis: str = Field(min_length=5)

    @model_validator(mode="after")
    def _levels(self) -> PhaseDef:
        lo, hi = self.level_range
        if not 1 <= lo <= hi <= 5:
            raise ValueError(
                f"level_range {list(self.level_range)} must satisfy 1 <= low <= high <= 5"
            )
        return self


class DeloadRule(Cited):
    weeks_of_12: list[int] = Field(min_length=1)
    sets_delta: int = Field(le=0, ge=-3)
    rpe_delta: float = Field(le=0, ge=-4)
    reps_factor: float = Field(gt=0, le=1)


class DayPattern(Frozen):
    label: str
    reps_factor: float = Field(gt=0.3, le=1.5)
    rpe_offset: float = Field(ge=-2, le=2)


class SessionRules(Cited):
    """How sessions are built: undulating day patterns, slots, time budget."""

    day_patterns: list[DayPattern] = Field(min_length=1)
    core_slots: int = Field(
        ge=1, le=6, description="Highest-priority slots placed in every session."
    )
    max_exercises: int = Field(ge=2, le=12)
    transition_s: int = Field(ge=0, le=120, description="Set-up time per exercise.")
    planned_weekly_step: float = Field(
        gt=0, le=0.2, description="Planned reps/hold growth per build week."
    )
    min_weekly_step: int = Field(
        default=1,
        ge=0,
        le=3,
        description="Smallest planned rise per build week inside a phase: repetitions per set "
        "or seconds per hold, so that rounding never flattens a phase [design].",
    )
    speed_level_step: int = Field(
        default=1,
        ge=0,
        le=2,
        description="Speed (plyometric) work with a band keeps its repetitions and rises this "
        "many band levels per build week of a phase [design].",
    )
    variant_alternation: bool = True


class StartingLoad(Cited):
    kg: float = Field(ge=0, le=10)
    band_level: int = Field(ge=1, le=6)
    pressure_level: int = Field(ge=1, le=5)
    max_level: dict[LoadMode, int]
    kg_rounding: float = Field(gt=0, le=2.5)
    kg_by_equipment: dict[Equipment, float] = Field(
        default_factory=dict, description="Starting kg by the loaded item (lightest sensible)."
    )
    kg_sizes: dict[Equipment, list[float]] = Field(
        default_factory=dict,
        description="Loads that real equipment has (dumbbell pairs, kettlebells, cable plates).",
    )

    @model_validator(mode="after")
    def _sizes_ascend(self) -> StartingLoad:
        for kind, sizes in self.kg_sizes.items():
            if not sizes or sizes != sorted(set(sizes)) or sizes[0] <= 0:
                raise ValueError(f"kg_sizes.{kind.value}: give ascending positive loads")
            start = self.kg_by_equipment.get(kind)
            if start is not None and start not in sizes:
                raise ValueError(f"kg_by_equipment.{kind.value}: {start} is not one of its sizes")
        return self


class EffortRules(Cited):
    """RPE/RIR-driven progression (J Hum Kinet 2024 table translated; ACSM 2009)."""

    progress_margin: float = Field(gt=0, le=4, description="Progress when RPE <= target - margin.")
    reduce_margin: float = Field(gt=0, le=4, description="Reduce when RPE >= target + margin.")
    load_step_per_point: float = Field(gt=0, le=0.2)
    min_load_step: float = Field(gt=0, le=0.2)
    max_load_step: float = Field(gt=0, le=0.3)
    level_step: int = Field(ge=1, le=2)
    reps_step_per_point: int = Field(ge=1, le=5)
    hold_step_per_point_s: int = Field(ge=1, le=10)
    max_progress_steps: int = Field(
        default=1,
        ge=1,
        le=3,
        description="Most rep/hold steps in one session, however far RPE is under target.",
    )
    reps_exceed_by: int = Field(
        ge=1, le=4, description="Extra reps over target that earn a load step."
    )
    progress_max_pain: float = Field(
        ge=0, le=10, description="Pain during at most this to progress."
    )
    hard_min_rpe: float = Field(
        ge=1,
        le=10,
        description="A set counts as too hard only at or above this RPE (RIR <= 10 - value) "
        "or with reps missed.",
    )


class PainRules(Cited):
    """Pain-monitoring model (Silbernagel 2007)."""

    during_max: float = Field(ge=0, le=10)
    during_tolerance: float = Field(
        ge=0,
        le=5,
        description="Rise over the person's reference (session start or usual pain) allowed "
        "during exercise; at least the NPRS MDC.",
    )
    morning_tolerance: float = Field(ge=0, le=5)
    volume_reduction: float = Field(gt=0, lt=1)
    weekly_trend_rise: float = Field(gt=0, le=5)
    hold_sessions_after_flare: int = Field(ge=0, le=5)
    alert_after_flares: int = Field(
        ge=2, le=10, description="Flares within alert_window sessions that hold and alert."
    )
    alert_window: int = Field(ge=2, le=20)
    min_effective_sets: int = Field(
        ge=1, le=3, description="Fewest sets of the range-low dose the engine prescribes."
    )
    mdc_source: str = Field(min_length=3)


class ReadinessRules(Cited):
    readiness_low_max: float = Field(ge=0, le=10)
    fatigue_high_min: float = Field(ge=0, le=10)
    sets_delta: int = Field(ge=-3, le=0)


class AdherenceRules(Cited):
    gap_days: int = Field(ge=3, le=60)
    long_gap_days: int = Field(ge=7, le=120)
    volume_reduction: float = Field(gt=0, lt=1)
    long_volume_reduction: float = Field(gt=0, lt=1)
    recent_days: int = Field(ge=7, le=56)  # the one "recent" window: adherence and flags
    recent_drop: float = Field(gt=0, lt=1)  # recent this far below overall: falling adherence


class EmgRules(Cited):
    targets: list[Muscle] = Field(min_length=1)
    cue_ratio: float = Field(gt=0, le=5)
    regress_ratio: float = Field(gt=0, le=5)
    cue: str = Field(min_length=5)
    cue_source: str = Field(min_length=3)


class TechniqueRules(Cited):
    lost_fraction: float = Field(gt=0, le=1)


class WeeklyCap(Cited):
    """Cap on week-over-week growth of an exercise's volume-load index."""

    max_increase: float = Field(gt=0, le=0.5)
    level_factor: dict[LoadMode, float]
    explosive_s: float = Field(gt=0, le=2)


class AcwrRules(Cited):
    lambda_acute: float = Field(gt=0, lt=1)
    lambda_chronic: float = Field(gt=0, lt=1)
    max_ratio: float = Field(gt=1, le=3)
    min_days: int = Field(ge=7, le=60)


class SelectionRule(Cited):
    """Which exercises answer a finding, and what the finding excludes."""

    finding: str = Field(min_length=2)
    label: str = Field(min_length=3)
    targets: list[Muscle] = Field(default_factory=list)
    loading_types: list[LoadingType] = Field(default_factory=list)
    ratio_classes: list[RatioClass] | None = None
    exclude_ratio_classes: list[RatioClass] = Field(default_factory=list)
    exclude_targets: list[Muscle] = Field(default_factory=list)
    exclude_reason: str = ""
    slots: int = Field(default=1, ge=0, le=3)
    prefer_equipment: list[Equipment] = Field(
        default_factory=list,
        description="Feedback tools that make the drill specific (e.g. the pressure cuff for "
        "CCF control): exercises using them rank first when the client has them.",
    )
    late_arm_raised: bool = Field(
        default=False,
        description="In the last (integration) phase, exercises worked with the arm raised "
        "rank first and `late_ratio_classes` may fill the slot.",
    )
    late_ratio_classes: list[RatioClass] | None = None
    retest_target: str = Field(
        default="",
        description="What the reassessment retests for this finding and the target the "
        "clinician reads in the program reasons (with its source and tag).",
    )

    @model_validator(mode="after")
    def _selects_or_excludes(self) -> SelectionRule:
        if self.slots and not (self.targets or self.loading_types):
            raise ValueError("a rule with slots needs targets or loading_types")
        return self


class PostureRule(Cited):
    """Integration tasks that mirror the client's daily demands."""

    posture: WorkPosture
    label: str
    targets: list[Muscle] = Field(default_factory=list)
    loading_types: list[LoadingType] = Field(min_length=1)


class ScheduledEducation(Frozen):
    week: int = Field(ge=1, le=52)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


class PhaseProgression(Cited):
    """How loads and criterion-gated ladders carry from one phase to the next [design]."""

    load_steps_per_phase: int = Field(ge=0, le=2)
    min_sets: dict[Goal, int] = Field(default_factory=dict)
    pressure_first_mmhg: int = Field(ge=20, le=30)
    pressure_step_mmhg: int = Field(ge=1, le=4)

    def mmhg(self, level: int) -> int:
        """Pressure-biofeedback target of a CCF level (level 1 = first stage)."""
        return self.pressure_first_mmhg + self.pressure_step_mmhg * (max(level, 1) - 1)


class GradedExposure(Cited):
    """Yellow flags / fear avoidance: slower progression, pacing, education [design]."""

    yellow_flags: list[str] = Field(min_length=1, description="Yellow-flag ids that trigger it.")
    tsk11_at_least: int = Field(ge=11, le=44, description="TSK-11 score that triggers it.")
    fabq_pa_at_least: int = Field(ge=0, le=24, description="FABQ physical-activity score.")
    rpe_delta: float = Field(le=0, ge=-3)
    step_factor: float = Field(gt=0, le=1, description="Planned weekly growth multiplied by this.")
    min_weekly_step: int = Field(
        default=1,
        ge=0,
        le=3,
        description="Smallest planned rise per build week under graded exposure (+1 repetition "
        "or +1 s hold): growth on a fixed schedule that halving never rounds away [design].",
    )
    good_sessions_to_progress: int = Field(default=1, ge=1, le=5)
    pacing_cue: str = ""
    education: list[ScheduledEducation] = Field(default_factory=list)


class Reassessment(Cited):
    """The battery repeated at each planned reassessment (the lighter weeks)."""

    battery: list[str] = Field(min_length=1)


class AlertRules(Cited):
    """When a clinician alert is raised, and how long it stays open (no repeat)."""

    quiet_days: int = Field(
        ge=1,
        le=90,
        description="An alert of the same cause and exercise is not raised again "
        "within this many days unless a clinician changed that exercise since.",
    )
    floor_flares_to_alert: int = Field(
        ge=1,
        le=10,
        description="Painful sessions of one exercise already at the minimum "
        "effective dose (within pain.alert_window) before the floor alert is raised; fewer "
        "hold the dose quietly.",
    )
    flares_persist: str = Field(min_length=3, description="What 'a flare pattern' means.")


class LoadingRules(Frozen):
    version: int = Field(ge=1)
    phases: list[PhaseDef] = Field(min_length=1)
    deload: DeloadRule
    session: SessionRules
    starting_load: StartingLoad
    phase_progression: PhaseProgression
    effort: EffortRules
    pain: PainRules
    readiness: ReadinessRules
    adherence: AdherenceRules
    emg: EmgRules
    technique: TechniqueRules
    weekly_cap: WeeklyCap
    acwr: AcwrRules
    selection: list[SelectionRule] = Field(min_length=1)
    warmup: SelectionRule
    overhead_speed: SelectionRule | None = None
    integration: list[PostureRule] = Field(default_factory=list)
    hypertension_cue: str
    high_irritability_rpe_delta: float = Field(le=0, ge=-3)
    graded_exposure: GradedExposure
    reassessment: Reassessment
    alerts: AlertRules

    @model_validator(mode="after")
    def _phases_cover(self) -> LoadingRules:
        ends = [p.last_week_of_12 for p in self.phases]
        if ends != sorted(set(ends)) or ends[-1] != 12:
            raise ValueError("phases must end at increasing weeks and the last at week 12")
        return self

    def rule_for(self, finding: str) -> SelectionRule | None:
        return next((r for r in self.selection if r.finding == finding), None)


def load_loading_rules(path: Path | str | None = None) -> LoadingRules:
    """Load and validate a rules file (default: the packaged one)."""
    p = Path(path) if path is not None else data_path("loading_rules.yaml")
    doc = read_yaml(p)
    if not isinstance(doc, dict):
        raise InvalidInput(f"{p.name}: expected a mapping at the top level")
    try:
        return LoadingRules.model_validate(doc)
    except ValidationError as err:
        raise InvalidInput(describe_validation_error(err, p.name)) from None


@cache
def loading_rules() -> LoadingRules:
    """The packaged rules, loaded once per process."""
    return load_loading_rules()
