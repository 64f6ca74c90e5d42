"""Fatigue trend on hold-only recordings: is the true MDF slope inside the 95 % CI, and do
stationary holds read "no fatigue trend"? 6 seeds x (0 %, 20 % MDF drop) x 2 channels."""

from __future__ import annotations

import numpy as np

from upperback.emg import analyze_recording
from upperback.emg.testing.synthetic import generate


def main() -> None:
    inside = zero = n = 0
    errs: list[float] = []
    for seed in range(6):
        for drop in (0.0, 0.2):
            rec, truth = generate(
                np.random.default_rng(100 + seed), duration_s=60, channels=("UT_R", "LT_R"),
                sustained=True, fatigue_mdf_drop=drop, snr_db=15,
            )  # fmt: skip
            res = analyze_recording(rec)
            for ch in ("UT_R", "LT_R"):
                f = res.channels[ch].fatigue
                assert f is not None
                t = truth.mdf_slope_hz_per_min[ch]
                n += 1
                inside += f.ci95_hz_per_min[0] <= t <= f.ci95_hz_per_min[1]
                zero += drop == 0.0 and f.verdict == "no fatigue trend"
                errs.append(abs(f.slope_hz_per_min - t))
    print(
        f"{n} channel-holds: truth inside 95% CI {inside}/{n}; stationary -> 'no fatigue trend' "
        f"{zero}/{n // 2}; median |slope err| {np.median(errs):.2f} Hz/min"
    )


if __name__ == "__main__":
    main()
