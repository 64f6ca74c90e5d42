"""Fatigue: median and mean frequency per epoch within activations, and their slopes.

MDF/MNF per 0.5 s epoch (Welch/FFT, Hann window) during contraction, regressed on time
(DOMAIN.md section 5; Luttmann et al. 2000 JASA: RMS up with MDF down indicates fatigue).
Epochs count only when at least 90 % of them lies inside an activation of the channel;
when the whole recording is one sustained contraction all epochs are used. The slope is
the least-squares slope of MDF on epoch centre time, reported in Hz/min.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upperback.emg._checks import FloatArray


@dataclass(frozen=True)
class FatigueResult:
    """Fatigue estimates of one channel (None where there are too few epochs)."""

    median_frequency_hz: float | None
    mean_frequency_hz: float | None
    mdf_slope_hz_per_min: float | None
    mnf_slope_hz_per_min: float | None
    n_epochs: int


def epochs_inside(
    mask_env: np.ndarray, *, epoch_blocks: int, n_epochs: int, min_fraction: float = 0.9
) -> np.ndarray:
    """Boolean (n_epochs,) for epochs mostly inside ``mask_env`` (envelope-rate mask)."""
    m = mask_env[: n_epochs * epoch_blocks]
    if m.size < n_epochs * epoch_blocks:
        m = np.concatenate([m, np.zeros(n_epochs * epoch_blocks - m.size, dtype=bool)])
    return np.asarray(m.reshape(n_epochs, epoch_blocks).mean(axis=1) >= min_fraction)


def slope_per_min(t_s: FloatArray, v: FloatArray) -> float | None:
    """Least-squares slope of ``v`` on ``t_s`` in units per minute (None if < 3 points)."""
    ok = np.isfinite(v)
    if ok.sum() < 3:
        return None
    t = t_s[ok]
    y = v[ok]
    tc = t - t.mean()
    den = float(tc @ tc)
    if den <= 0:
        return None
    return float((tc @ (y - y.mean())) / den * 60.0)


def fatigue(
    ep_mdf: FloatArray, ep_mnf: FloatArray, selected: np.ndarray, *, epoch_s: float
) -> FatigueResult:
    """Summarise one channel's epoch MDF/MNF over the ``selected`` epochs.

    Parameters
    ----------
    ep_mdf, ep_mnf : ndarray (epochs,)
        Median / mean frequency per epoch, Hz.
    selected : ndarray of bool (epochs,)
        Epochs inside contractions.
    epoch_s : float
        Epoch length in seconds (epoch k is centred at (k + 0.5) epoch_s).
    """
    idx = np.flatnonzero(selected)
    if idx.size == 0:
        return FatigueResult(None, None, None, None, 0)
    t = np.asarray((idx + 0.5) * epoch_s, dtype=np.float64)
    mdf = np.asarray(ep_mdf[idx], dtype=np.float64)
    mnf = np.asarray(ep_mnf[idx], dtype=np.float64)
    return FatigueResult(
        median_frequency_hz=float(np.nanmedian(mdf)),
        mean_frequency_hz=float(np.nanmean(mnf)),
        mdf_slope_hz_per_min=slope_per_min(t, mdf),
        mnf_slope_hz_per_min=slope_per_min(t, mnf),
        n_epochs=int(idx.size),
    )
