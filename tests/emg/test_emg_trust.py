"""Fatigue trend with CI, quality flags, MVC-normalised live ratio: the issue-14 behaviours."""

from __future__ import annotations

import numpy as np
import pytest

from upperback.emg import Recording, analyze_recording
from upperback.emg.live.loop import run_replay
from upperback.emg.testing.synthetic import generate
from upperback.errors import InvalidInput


def _hold(seed: int, drop: float, seconds: float = 60.0) -> tuple[Recording, float]:
    rec, truth = generate(
        np.random.default_rng(seed),
        duration_s=seconds,
        channels=("UT_R", "LT_R"),
        sustained=True,
        fatigue_mdf_drop=drop,
        snr_db=20,
    )
    return rec, truth.mdf_slope_hz_per_min["UT_R"]


def test_hold_only_fatigue_has_ci_containing_truth() -> None:
    rec, true_slope = _hold(0, 0.2)
    ch = analyze_recording(rec).channels["UT_R"]
    f = ch.fatigue
    assert f is not None and f.window == "whole_recording" and f.n_epochs >= 100
    assert f.ci95_hz_per_min[0] <= true_slope <= f.ci95_hz_per_min[1]
    assert f.verdict == "decline" and 0 < f.r2 <= 1
    assert f.slope_pct_per_min == pytest.approx(100 * f.slope_hz_per_min / 97, rel=0.15)
    assert ch.quality.snr_db is None  # no rest in a hold: no SNR pretended


def test_stationary_hold_reports_no_fatigue_trend() -> None:
    rec, _ = _hold(1, 0.0)
    f = analyze_recording(rec).channels["UT_R"].fatigue
    assert f is not None and f.verdict == "no fatigue trend"
    assert f.ci95_hz_per_min[0] < 0 < f.ci95_hz_per_min[1]


def test_given_hold_window_and_too_short_hold() -> None:
    rec, _ = _hold(2, 0.2, seconds=40.0)
    f = analyze_recording(rec, hold_s=(5.0, 25.0)).channels["UT_R"].fatigue
    assert f is not None and f.window == "given" and f.window_s == (5.0, 25.0)
    assert 38 <= f.n_epochs <= 40
    short = analyze_recording(rec, hold_s=(5.0, 9.0)).channels["UT_R"]
    assert short.fatigue is None and short.median_frequency_slope_hz_per_min is None
    assert short.fatigue_note and "fewer than the 20" in short.fatigue_note
    with pytest.raises(InvalidInput, match=r"hold: starts at 50 s, after the recording's end"):
        analyze_recording(rec, hold_s=(50.0, 60.0))


def test_disconnected_channel_and_mains_are_flagged() -> None:
    rec, _ = generate(np.random.default_rng(3), duration_s=20.0, mains_rel=1.0)
    data = rec.data.copy()
    rng = np.random.default_rng(9)
    data[2] = rng.standard_normal(data.shape[1]) * 1e-3 * np.std(data[0])  # amplifier noise
    bad = Recording(data, rec.fs, rec.channels, rec.units, "bad.csv")
    res = analyze_recording(bad)
    lt = res.channels[rec.channels[2]]
    assert lt.quality.flags == ["disconnected"] and not lt.quality.ok and lt.activations == []
    ut = res.channels[rec.channels[0]]
    assert "mains_interference" in ut.quality.flags and ut.quality.ok  # stated, still analysed
    assert ut.quality.mains_fraction is not None and ut.quality.mains_fraction >= 0.05
    clean, _ = generate(np.random.default_rng(3), duration_s=20.0, mains_hz=None)
    assert all(
        "mains_interference" not in c.quality.flags
        for c in analyze_recording(clean).channels.values()
    )


def test_live_ratio_normalised_to_mvc_matches_offline() -> None:
    rng = np.random.default_rng(4)
    chans = ("UT_R", "LT_R")
    trial, _ = generate(rng, duration_s=30.0, channels=chans, amplitudes={"UT_R": 2.0, "LT_R": 1.0})
    mvc, _ = generate(rng, duration_s=10.0, channels=chans, sustained=True,
                      amplitudes={"UT_R": 4.0, "LT_R": 1.0})  # fmt: skip
    live = run_replay(trial, mvc=mvc)
    offline = analyze_recording(trial, mvc=mvc).ratios["UT_R/LT_R"]
    raw = run_replay(trial)
    assert live.ratio_basis == "mvc" and "raw_ratio_not_class_units" not in live.flags
    m = live.mean_ratios["UT_R/LT_R"]
    assert offline is not None and m is not None
    assert m == pytest.approx(offline, rel=0.2)
    r = raw.mean_ratios["UT_R/LT_R"]
    assert r is not None and r > 1.6 * m  # raw UT/LT is about 4x / 2 = twice the MVC one


def test_mvc_from_another_montage_and_channel_count_change() -> None:
    trial, _ = generate(np.random.default_rng(5), duration_s=6.0, channels=("UT_R", "LT_R"))
    other, _ = generate(np.random.default_rng(5), duration_s=6.0, channels=("SCM_L", "DNF_L"))
    with pytest.raises(InvalidInput, match=r"no MVC for live channel 'UT_R'.*another montage"):
        run_replay(trial, mvc=other)
    from upperback.emg.live.loop import LiveLoop

    loop = LiveLoop(fs=trial.fs, channels=trial.channels, calibration=trial.data[:, :4000])
    loop.step(trial.data[:, 4000:4100])
    with pytest.raises(InvalidInput, match=r"a block has 1 channels, the session started with 2"):
        loop.step(trial.data[:1, 4100:4200])
