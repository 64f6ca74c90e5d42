"""Per-channel results of the offline analysis: quality flags, activations, amplitude,
MVC normalisation and fatigue of one channel from the front-end features."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.emg.channels import ChannelInfo
from upperback.emg.offline.fatigue import epochs_inside, fatigue
from upperback.emg.offline.frontend import Features
from upperback.emg.offline.quality import BLOCKING, assess
from upperback.emg.offline.ratios import corrected_rms
from upperback.model.emg import Activation, ChannelResult, Quality


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


@dataclass(frozen=True)
class ChannelOutcome:
    """A channel's result plus what ratios and delays need: its window mask and floor."""

    result: ChannelResult
    mask: np.ndarray
    floor_ms: float
    usable: bool


def snr_db(ctx: ChannelContext, i: int) -> float | None:
    """Activity (95th percentile) over noise floor in dB, None without a floor."""
    mu, p95 = float(ctx.noise_ms[i]), float(ctx.p95_ms[i])
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
    )


def activation_mask(acts: list[tuple[float, float]], nb: int, fs_env: float) -> np.ndarray:
    """Envelope-rate boolean mask of ``acts`` (onset, offset) in seconds."""
    mask = np.zeros(nb, dtype=bool)
    for on, off in acts:
        mask[round(on * fs_env) : round(off * fs_env)] = True
    return mask


def channel_outcome(
    ctx: ChannelContext,
    i: int,
    info: ChannelInfo,
    acts: list[tuple[float, float]],
    *,
    units: str = "",
    mvc_rms: float | None = None,
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
    window = "activations"
    floor = float(ctx.noise_ms[i])
    covered = mask.mean() if nb else 0.0
    ep_all = f.ep_mdf[i]
    emg_like = bool(np.isfinite(ep_all).any() and np.nanmedian(ep_all) < 200.0)
    if not blocked and (covered >= 0.8 or (not ch_acts and emg_like and "low_snr" in flags)):
        window = "whole_recording"
        mask = np.ones(nb, dtype=bool)
        floor = 0.0
        flags = [x for x in flags if x != "low_snr"]
    n_ep = f.ep_mdf.shape[1]
    sel = (
        epochs_inside(mask, epoch_blocks=f.epoch // f.block, n_epochs=n_ep)
        if not blocked
        else np.zeros(n_ep, bool)
    )
    fat = fatigue(f.ep_mdf[i], f.ep_mnf[i], sel, epoch_s=f.epoch / f.fs)
    rms = None if blocked else corrected_rms(f.ms[i], mask, floor)
    ecg = i in ctx.ecg_channels
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
        noise_floor_rms=float(np.sqrt(mu)) if mu > 0 else None,
        quality=Quality(
            ok=not flags,
            flags=flags + (["ecg_contamination"] if ecg else []),
            snr_db=snr,
            mains_fraction=float(ctx.mains_fraction[i]),
            clipped_fraction=float((f.n_at_min[i] + f.n_at_max[i]) / max(f.n_samples, 1)),
            ecg_detected=ecg,
        ),
    )
    return ChannelOutcome(result, mask, floor, not blocked)
