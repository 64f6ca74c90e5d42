"""Everything a rule may read about one logged session, computed once per adapt() call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from upperback.knowledge.loader import ExerciseLibrary
from upperback.knowledge.loading_rules import LoadingRules
from upperback.knowledge.schema import Exercise
from upperback.model.adaptation import Action, Override, OverrideField
from upperback.model.common import Goal
from upperback.model.profile import DeficitProfile
from upperback.model.program import Prescription, Program, SessionPlan
from upperback.model.session import SessionLogIn, SetLog

ALL_FIELDS = "*"
PROGRESS_ACTIONS = frozenset({Action.progress_load, Action.progress_reps, Action.progress_exercise})

PrescriptionFn = Callable[[Prescription, SessionPlan], Prescription]


@dataclass(frozen=True)
class Op:
    """A change one rule asks for: which exercise (None = all), where, and how."""

    rule_id: str
    action: Action
    exercise_id: str | None
    positions: tuple[int, ...]
    fn: PrescriptionFn | None
    reason: str
    source: str
    swap_to: str | None = None


def protected_fields(overrides: Sequence[Override]) -> dict[str, set[str]]:
    """Exercise -> fields a clinician set (ALL_FIELDS when frozen or swapped in)."""
    out: dict[str, set[str]] = {}
    for o in overrides:
        if o.field in (OverrideField.freeze, OverrideField.exclude):
            out.setdefault(o.exercise_id, set()).add(ALL_FIELDS)
        elif o.field == OverrideField.replace_with:
            out.setdefault(o.exercise_id, set()).add(ALL_FIELDS)
            out.setdefault(o.value, set()).add("exercise")
        else:
            out.setdefault(o.exercise_id, set()).add(o.field.value)
    return out


def during_limit(reference: float, rules: LoadingRules) -> float:
    """Highest pain during exercise that is not a flare for this person.

    Silbernagel's 5/10, or the person's reference (session start or usual pain) plus the
    tolerance (at least the NPRS MDC), whichever is higher [design].
    """
    return min(10.0, max(rules.pain.during_max, reference + rules.pain.during_tolerance))


def is_flare(log: SessionLogIn, baseline: float, rules: LoadingRules, usual: float = 0.0) -> bool:
    """Pain during above the person's limit, or next-morning pain risen by more than the
    tolerance over baseline (Silbernagel 2007, judged relative to the person)."""
    reference = max(log.pain_before if log.pain_before is not None else baseline, usual)
    if log.max_pain_during() > during_limit(reference, rules):
        return True
    return (
        log.pain_next_morning is not None
        and log.pain_next_morning > baseline + rules.pain.morning_tolerance
    )


def baseline_pain(
    log: SessionLogIn, before: Sequence[SessionLogIn], profile: DeficitProfile | None
) -> float:
    """The pain a flare is judged against: pain before the session, else the last
    next-morning pain logged before it, else the profile's pain now, else 0."""
    if log.pain_before is not None:
        return log.pain_before
    for h in reversed(before):
        if h.pain_next_morning is not None:
            return h.pain_next_morning
    if profile is not None and profile.pain_now is not None:
        return profile.pain_now
    return 0.0


@dataclass
class Ctx:
    program: Program
    log: SessionLogIn
    history: list[SessionLogIn]
    pos: int
    rules: LoadingRules
    library: ExerciseLibrary
    profile: DeficitProfile | None
    protected: dict[str, set[str]]
    excluded: set[str]
    active_conditions: set[str]
    sets_by_ex: dict[str, list[SetLog]] = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)  # why progression is blocked this time
    changed: set[str] = field(default_factory=set)  # exercises already changed by a rule
    rungs_taken: set[str] = field(default_factory=set)  # swap targets chosen in this log

    @property
    def plan(self) -> SessionPlan:
        return self.program.sessions[self.pos]

    def prescribed(self, exercise_id: str) -> Prescription | None:
        return next((p for p in self.plan.prescriptions if p.exercise_id == exercise_id), None)

    def future(self) -> tuple[int, ...]:
        return tuple(range(self.pos + 1, len(self.program.sessions)))

    def next_n(self, n: int) -> tuple[int, ...]:
        return self.future()[:n]

    def week_positions(self, week: int) -> tuple[int, ...]:
        return tuple(i for i in self.future() if self.program.sessions[i].week == week)

    def goal_of(self, plan: SessionPlan) -> Goal:
        phase = self.program.phase_of(plan.week)
        return phase.goal if phase is not None else Goal.endurance

    def exercise(self, exercise_id: str) -> Exercise | None:
        return self.library.by_id.get(exercise_id)

    def baseline_pain(
        self, log: SessionLogIn | None = None, before: Sequence[SessionLogIn] | None = None
    ) -> float:
        """Pain before the session, else the last morning pain, else the profile's pain."""
        return baseline_pain(
            log or self.log, self.history if before is None else before, self.profile
        )

    def usual_pain(self) -> float:
        """The client's usual pain from the assessment (0 when unknown)."""
        if self.profile is not None and self.profile.pain_now is not None:
            return self.profile.pain_now
        return 0.0

    def recent_flares(self) -> int:
        """Flares among the last `alert_window` sessions, this one included."""
        window = self.rules.pain.alert_window
        logs = [*self.history, self.log][-window:]
        count = 0
        for k, h in enumerate(logs):
            before = [*self.history, self.log][: len(self.history) + 1 - len(logs) + k]
            if h.completed and is_flare(
                h, self.baseline_pain(h, before), self.rules, self.usual_pain()
            ):
                count += 1
        return count

    def painful_sessions(self, exercise_id: str) -> int:
        """Sessions among the last `alert_window` (this one included) in which this
        exercise hurt above the person's limit."""
        logs = [*self.history, self.log][-self.rules.pain.alert_window :]
        count = 0
        for h in logs:
            worst = max((s.pain_during for s in h.sets if s.exercise_id == exercise_id), default=0)
            start = h.pain_before if h.pain_before is not None else self.baseline_pain()
            reference = max(start, self.usual_pain())
            if h.completed and worst > during_limit(reference, self.rules):
                count += 1
        return count

    def allowed(self, exercise_id: str) -> bool:
        """May this exercise be prescribed (not excluded, not contraindicated, known)?"""
        from upperback.loading.eligibility import is_contraindicated

        ex = self.library.by_id.get(exercise_id)
        if ex is None or exercise_id in self.excluded:
            return False
        return not is_contraindicated(ex, self.active_conditions, self.rules)

    def may_change(self, exercise_id: str) -> bool:
        return ALL_FIELDS not in self.protected.get(exercise_id, set())

    def may_swap(self, exercise_id: str) -> bool:
        return not self.protected.get(exercise_id)
