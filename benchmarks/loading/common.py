"""Shared helpers for the loading/feedback benchmarks (inputs are built outside the timed part)."""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys

import numpy as np

from upperback.model.intake import Intake
from upperback.model.profile import DeficitProfile
from upperback.model.program import Program
from upperback.model.session import SessionLogIn, SetLog
from upperback.sim.profiles import random_intake, random_profile

START = dt.date(2025, 1, 6)


def clients(n: int, seed: int) -> list[tuple[DeficitProfile, Intake]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        pain = float(np.clip(rng.normal(4.5, 1.5), 1, 9))
        out.append(
            (
                random_profile(rng, pain_now=pain, day=START),
                random_intake(rng, day=START, pain_now=pain),
            )
        )
    return out


def random_log(
    rng: np.random.Generator, program: Program, key: tuple[int, int], day: dt.date
) -> SessionLogIn:
    plan = program.session(*key)
    assert plan is not None
    sets = [
        SetLog(
            exercise_id=p.exercise_id,
            set_index=j + 1,
            reps=None if p.hold_s is not None else max(0, (p.reps or 1) + int(rng.integers(-2, 3))),
            hold_s=float(p.hold_s) if p.hold_s is not None else None,
            load_kg=p.load_kg,
            level=p.level,
            rpe=float(np.clip(p.rpe_target + rng.normal(0, 1.5), 1, 10)),
            pain_during=float(np.clip(rng.normal(1.5, 1.5), 0, 10)),
            emg_ratio=float(rng.uniform(0.2, 1.2)) if rng.random() < 0.1 else None,
            technique_lost=bool(rng.random() < 0.05),
        )
        for p in plan.prescriptions
        for j in range(p.sets)
    ]
    before = float(rng.integers(0, 5))
    return SessionLogIn(
        date=day,
        week=key[0],
        index=key[1],
        sets=sets,
        pain_before=before,
        pain_next_morning=float(np.clip(round(before + rng.normal(0, 0.7)), 0, 10)),
        fatigue=float(rng.integers(0, 9)),
        readiness=float(rng.integers(2, 11)),
    )


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def summary(label: str, times_s: list[float], target_ms: float) -> str:
    ms = sorted(t * 1000 for t in times_s)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    med = statistics.median(ms)
    verdict = "OK" if med <= target_ms else "MISSED"
    return (
        f"{label}: n={len(ms)} median {med:.3f} ms, p90 {p90:.3f} ms, max {ms[-1]:.2f} ms, "
        f"total {sum(ms) / 1000:.1f} s; target median <= {target_ms} ms: {verdict}; peak RSS {peak_rss_mb():.0f} MB"
    )
