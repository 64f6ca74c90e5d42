"""Planned progression inside a phase (physio review 2, items 2, 4 and 9): every build week
rises by at least one unit (+1 repetition per set, +1 s per hold, one more hold of a hold
series, or a real equipment step), the weekly cap lets that step through, speed work climbs
band levels, and graded exposure keeps the same minimum weekly rise."""

from __future__ import annotations

import datetime as dt

from upperback.knowledge.loader import exercise_library
from upperback.knowledge.loading_rules import loading_rules
from upperback.loading import generate_program
from upperback.loading.dose import DoseContext, prescribe
from upperback.loading.generator import modes_of
from upperback.loading.load import enforce_weekly_cap
from upperback.model.common import Equipment
from upperback.model.intake import Intake, OverheadDemand
from upperback.model.profile import FindingCode as F
from upperback.model.profile import Severity
from upperback.model.program import Program
from upperback.sim.profiles import make_profile

LIB = exercise_library()
RULES = loading_rules()
START = dt.date(2025, 1, 6)


def _program(**kw: object) -> Program:
    base: dict[str, object] = {"date": dt.date(2025, 1, 1), "equipment": list(Equipment)}
    base.update(kw)
    findings = {F.lt_underactive: Severity.moderate, F.sa_underactive: Severity.mild}
    return generate_program(
        make_profile(findings), Intake.model_validate(base), start_date=START, seed=5
    )


def _volume_day(p: Program, week: int) -> dict[str, tuple[int, int | None, int | None]]:
    s = p.session(week, 1)
    assert s is not None
    return {q.exercise_id: (q.sets, q.reps, q.hold_s) for q in s.prescriptions}


def test_weeks_9_to_11_rise_by_one_repetition_a_week() -> None:
    p = _program()
    w9, w11 = _volume_day(p, 9), _volume_day(p, 11)
    both = [ex for ex in w9 if ex in w11 and w9[ex][1] is not None]
    assert both, "no repeated repetition exercise in weeks 9 and 11"
    for ex in both:
        d = LIB.by_id[ex].dosage[RULES.phases[2].goal]
        assert d.reps is not None
        expected = min(d.reps[1], w9[ex][1] + 2 * RULES.session.min_weekly_step)  # type: ignore[operator]
        assert w11[ex][1] == expected, (ex, w9[ex], w11[ex])


def test_the_cap_lets_the_planned_step_through() -> None:
    """Re-running the cap over a generated program changes nothing: the planned weekly
    rise is inside the cap (a minimum step of one unit per set)."""
    p = _program()
    _, cuts = enforce_weekly_cap(list(p.sessions), modes_of(LIB), RULES)
    assert cuts == []
    ex = LIB.by_id["prone_er_90"]
    phase = RULES.phases[2]
    pattern = RULES.session.day_patterns[0]
    doses = [
        prescribe(
            ex, DoseContext(phase, pattern, i, False, False, False, start=(3.0, None)), RULES, "r"
        )
        for i in range(3)
    ]
    assert [d.reps for d in doses] == [6, 7, 8]
    assert all(d.load_kg == 3.0 for d in doses)


def test_range_top_takes_the_next_real_dumbbell() -> None:
    ex = LIB.by_id["prone_er_90"]
    phase = RULES.phases[2]  # strength 6-12
    pattern = RULES.session.day_patterns[0]
    ctx = DoseContext(phase, pattern, 7, False, False, False, start=(3.0, None))
    q = prescribe(ex, ctx, RULES, "r")
    assert (q.reps, q.load_kg) == (6, 4.0)  # 6 + 7 = 13 > 12: next dumbbell, back to 6


def test_speed_rung_band_level_rises_each_build_week() -> None:
    kit = [Equipment.none, Equipment.mat, Equipment.band, Equipment.dumbbell]
    p = _program(sports=["tennis"], overhead_demand=OverheadDemand.high, equipment=kit)
    levels = {}
    for s in p.sessions:
        for q in s.prescriptions:
            if LIB.by_id[q.exercise_id].loading_types[0].value == "plyometric" and q.level:
                levels.setdefault(s.week, set()).add(q.level)
    assert levels, "no band speed rung late"
    w = sorted(levels)
    assert max(levels[w[0]]) < max(levels[w[1]]) < max(levels[w[2]])


def test_graded_exposure_still_rises_each_week() -> None:
    """Halving the percentage step never rounds the weekly rise away (Lars, weeks 5-7)."""
    p = _program(yellow_flags={"fear_of_movement": True}, tsk11=34)
    assert p.graded_exposure
    w5, w6, w7 = _volume_day(p, 5), _volume_day(p, 6), _volume_day(p, 7)
    rep_ex = [ex for ex in w5 if ex in w7 and w5[ex][1] is not None]
    assert rep_ex
    for ex in rep_ex:
        assert w7[ex][1] == w5[ex][1] + 2 * RULES.graded_exposure.min_weekly_step  # type: ignore[operator]
    for ex in (e for e in w5 if e in w6 and w5[e][1] is not None):
        assert w6[ex][1] == w5[ex][1] + RULES.graded_exposure.min_weekly_step  # type: ignore[operator]
