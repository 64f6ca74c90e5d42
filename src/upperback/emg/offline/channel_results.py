"""Per-channel results of the offline analysis: quality flags, activations, amplitude,
MVC normalisation and fatigue of one channel from the front-end features."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.emg.channels import ChannelInfo
from upperback.emg.offline.fatigue import (
    MIN_EPOCHS,
    FatigueResult,
    epochs_inside,
    fatigue,
    longest_run,
)
from upperback.emg.offline.frontend import Features
from upperback.emg.offline.quality import BLOCKING, MAINS_PRESENT, assess
from upperback.emg.offline.ratios import corrected_rms
from upperback.model.emg import Activation, ChannelResult, FatigueTrend, Quality


@dataclass(frozen=True)
class ChannelContext:
    """What every channel's result needs from the whole recording (computed once)."""

    feats: Features
    mains_fraction: np.ndarray
    motion: np.ndarray
    ecg_channels: tuple[int, ...]
    noise_ms: np.ndarray  # robust noise floor of the mean square, per channel
    p95_ms: np.ndarray  # 95th percentile of the smoothed mean square, per channel
    band_rms: np.ndarray  # RMS of the filtered signal over the whole recording
    near_flat: np.ndarray  # bool: band RMS far below the other channels' (disconnected)
    rest_ms: np.ndarray | None = None  # mean square in a given rest segment, per channel


@dataclass(frozen=True)
class ChannelOutcome:
    """A channel's result plus what ratios and delays need: its window mask and floor."""

    result: ChannelResult
    mask: np.ndarray
    floor_ms: float
    usable: bool


def snr_db(ctx: ChannelContext, i: int) -> float | None:
    """Activity (95th percentile) over noise floor in dB, None without a floor."""
    # Against a rest segment when the caller marked one, else the estimated floor.
    mu = float(ctx.rest_ms[i]) if ctx.rest_ms is not None else float(ctx.noise_ms[i])
    p95 = float(ctx.p95_ms[i])
    return float(10 * np.log10(p95 / mu)) if mu > 0 and p95 > 0 else None


def quality_flags(ctx: ChannelContext, i: int, snr: float | None) -> list[str]:
    """Quality flags of channel ``i`` (see :mod:`.quality`)."""
    f = ctx.feats
    return assess(
        raw_min=float(f.raw_min[i]),
        raw_max=float(f.raw_max[i]),
        n_at_min=float(f.n_at_min[i]),
        n_at_max=float(f.n_at_max[i]),
        n_samples=f.n_samples,
        band_rms=float(ctx.band_rms[i]),
        mains_fraction=float(ctx.mains_fraction[i]),
        snr_db=snr,
        motion=float(ctx.motion[i]),
        near_flat=bool(ctx.near_flat[i]),
    )


def activation_mask(acts: list[tuple[float, float]], nb: int, fs_env: float) -> np.ndarray:
    """Envelope-rate boolean mask of ``acts`` (onset, offset) in seconds."""
    mask = np.zeros(nb, dtype=bool)
    for on, off in acts:
        mask[round(on * fs_env) : round(off * fs_env)] = True
    return mask


def fatigue_window(
    acts: list[tuple[float, float]],
    *,
    whole: bool,
    hold_s: tuple[float, float] | None,
    duration_s: float,
) -> tuple[str, tuple[float, float] | None]:
    """The one contraction the fatigue trend is fitted over, and how it was chosen."""
    if hold_s is not None:
        return "given", (max(0.0, hold_s[0]), min(duration_s, hold_s[1]))
    if whole:
        return "whole_recording", (0.0, duration_s)
    run = longest_run(acts)
    return "longest_activation", run


def _trend_out(
    fat: FatigueResult, window: str, span: tuple[float, float] | None
) -> FatigueTrend | None:
    tr = fat.mdf_trend
    if tr is None or span is None:
        return None
    return FatigueTrend(
        window=window,
        window_s=(round(span[0], 3), round(span[1], 3)),
        n_epochs=fat.n_epochs,
        slope_hz_per_min=round(tr.slope_per_min, 3),
        ci95_hz_per_min=(round(tr.ci95[0], 3), round(tr.ci95[1], 3)),
        slope_pct_per_min=round(tr.pct_per_min, 3) if tr.pct_per_min is not None else None,
        r2=round(tr.r2, 4),
        verdict=tr.verdict,
        method=f"MDF of Welch spectra per 0.5 s epoch, least squares on time, t-based 95 % CI; "
        f"at least {MIN_EPOCHS} epochs",
    )


def channel_outcome(
    ctx: ChannelContext,
    i: int,
    info: ChannelInfo,
    acts: list[tuple[float, float]],
    *,
    units: str = "",
    mvc_rms: float | None = None,
    hold_s: tuple[float, float] | None = None,
) -> ChannelOutcome:
    """Result of channel ``i``: flags, activations, amplitude, fatigue window and slope.

    A channel that is one sustained contraction (activations cover 80 % or more, or no
    activation is found in an EMG-like spectrum with too little SNR to see a rest) is
    analysed whole, with a zero floor, since there is no rest to estimate a floor from.
    """
    f = ctx.feats
    nb = f.ms.shape[1]
    snr = snr_db(ctx, i)
    flags = quality_flags(ctx, i, snr)
    blocked = bool(set(flags) & BLOCKING)
    ch_acts = [] if blocked else acts
    mask = activation_mask(ch_acts, nb, f.fs_env)
    floor = float(ctx.noise_ms[i])
    covered = mask.mean() if nb else 0.0
    ep_all = f.ep_mdf[i]
    emg_like = bool(np.isfinite(ep_all).any() and np.nanmedian(ep_all) < 200.0)
    whole = not blocked and (covered >= 0.8 or (not ch_acts and emg_like and "low_snr" in flags))
    if whole:
        # One sustained contraction: no rest to estimate a floor from, use it whole. An SNR
        # from the contraction's own quietest part means nothing: none is stated unless a
        # rest segment was given.
        mask = np.ones(nb, dtype=bool)
        floor = 0.0
        flags = [x for x in flags if x != "low_snr"]
        if ctx.rest_ms is None:
            snr = None
    window, span = fatigue_window(
        ch_acts, whole=whole, hold_s=hold_s, duration_s=f.n_samples / f.fs
    )
    fmask = activation_mask([span], nb, f.fs_env) if span is not None else np.zeros(nb, bool)
    n_ep = f.ep_mdf.shape[1]
    sel = (
        epochs_inside(fmask, epoch_blocks=f.epoch // f.block, n_epochs=n_ep)
        if not blocked
        else np.zeros(n_ep, bool)
    )
    fat = fatigue(f.ep_mdf[i], f.ep_mnf[i], sel, epoch_s=f.epoch / f.fs)
    rms = None if blocked else corrected_rms(f.ms[i], mask, floor)
    ecg = i in ctx.ecg_channels
    info_flags = (["mains_interference"] if ctx.mains_fraction[i] >= MAINS_PRESENT else []) + (
        ["ecg_contamination"] if ecg else []
    )
    mu = float(ctx.noise_ms[i])
    result = ChannelResult(
        muscle=info.muscle,
        side=info.side,
        units=units,
        activations=[Activation(onset_s=round(a, 4), offset_s=round(b, 4)) for a, b in ch_acts],
        rms=rms,
        rms_mvc=rms / mvc_rms if (rms is not None and mvc_rms) else None,
        median_frequency_hz=fat.median_frequency_hz,
        mean_frequency_hz=fat.mean_frequency_hz,
        median_frequency_slope_hz_per_min=fat.mdf_slope_hz_per_min,
        mean_frequency_slope_hz_per_min=fat.mnf_slope_hz_per_min,
        fatigue_window=window if fat.n_epochs else None,
        n_fatigue_epochs=fat.n_epochs,
        fatigue=_trend_out(fat, window, span),
        fatigue_note=fat.note,
        noise_floor_rms=float(np.sqrt(mu)) if mu > 0 else None,
        quality=Quality(
            ok=not flags,
            flags=flags + info_flags,
            snr_db=snr,
            mains_fraction=float(ctx.mains_fraction[i]),
            clipped_fraction=float((f.n_at_min[i] + f.n_at_max[i]) / max(f.n_samples, 1)),
            ecg_detected=ecg,
            ecg_beats=(f.ecg_beats or {}).get(i) if ecg else None,
        ),
    )
    return ChannelOutcome(result, mask, floor, not blocked)
